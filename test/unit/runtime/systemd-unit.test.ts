import { describe, expect, it } from 'vitest';
import { containerUnit, escapeSystemdArg, formatOptions, type UnitContainer, type UnitOptions } from '../../../src/runtime/views/systemd-unit.js';

const ctr = (createCommand: string[] | undefined): UnitContainer => ({
  id: 'a'.repeat(64),
  name: 'web',
  createCommand,
  env: ['PATH=/bin', 'TOKEN=s3cret'],
  stopTimeout: 10,
  restartPolicy: 'no',
  conmonPidFile: '/run/x/conmon.pid',
});
const opts: UnitOptions = {
  executable: ['/usr/bin/tsc-run'],
  version: '1.0',
  runRoot: '/run/user/1000/tsc-run',
  useName: true,
  new: true,
  noHeader: true,
  containerPrefix: 'container',
  separator: '-',
  restartPolicy: undefined,
  restartSec: undefined,
  startTimeout: undefined,
  stopTimeout: undefined,
  template: false,
  wants: [],
  after: [],
  requires: [],
  env: [],
  now: new Date(0),
};
const values = new Set(['--name', '-e', '--env', '--restart', '--cidfile', '--sdnotify', '--cgroups', '-v']);
const execStart = (text: string) => text.slice(text.indexOf('\nExecStart=') + 11, text.indexOf('\nExecStop=')).replace(/ \\\n\t/g, ' ');

describe('systemd units (podman 4.3 layout)', () => {
  it('escapes as podman: $ and % doubled, spaces and quotes quoted, backslashes doubled', () => {
    expect(escapeSystemdArg('a b')).toBe('"a b"');
    expect(escapeSystemdArg('$HOME%')).toBe('$$HOME%%');
    expect(escapeSystemdArg('say "x"')).toBe('"say \\"x\\""');
    expect(escapeSystemdArg('a\\b')).toBe('a\\\\b');
    expect(formatOptions(['run', '--rm', '-e', 'A=1', 'img', 'cmd'])).toBe('run \\\n\t--rm \\\n\t-e A=1 img cmd');
  });

  it('--new drops the flags the unit decides, keeps the rest, reads --restart and -e NAME', () => {
    const u = containerUnit(ctr(['tsc-run', '--root', '/s', 'run', '-d', '--rm', '--cidfile', '/x', '--restart=on-failure:4', '-e', 'TOKEN', '--sdnotify=ignore', '-v', '/a:/b', '--name', 'web', 'img', 'sh', '-c', 'echo $X', '--rm']), opts, values, () => {});
    expect(execStart(u.text)).toBe('/usr/bin/tsc-run --root /s run --cidfile=%t/%n.ctr-id --conmon-pidfile=%t/%n.pid --cgroups=no-conmon --rm --replace -d -e TOKEN -v /a:/b --name web img sh -c "echo $$X" --rm');
    expect(u.text).toContain('Environment=TOKEN=s3cret\n');
    expect(u.text).toContain('Restart=on-failure\nStartLimitBurst=4\n');
    expect(u.text).toContain('ExecStop=/usr/bin/tsc-run \\\n\t--root /s stop \\\n\t--ignore -t 10 \\\n\t--cidfile=%t/%n.ctr-id\n');
  });

  it('--template names each instance; unless-stopped becomes always; a --restart-policy given wins', () => {
    const t = containerUnit(ctr(['tsc-run', 'create', '--restart', 'unless-stopped', 'img']), { ...opts, template: true }, values, () => {});
    expect(t.text.split('\n')[0]).toBe('# container-web@.service');
    expect(execStart(t.text)).toContain('--name=container-web-%i img');
    expect(t.text).toContain('Restart=always\n');
    expect(containerUnit(ctr(['tsc-run', 'create', '--restart', 'always', 'img']), { ...opts, restartPolicy: 'no' }, values, () => {}).text).toContain('Restart=no\n');
  });

  it('refuses what cannot make a unit', () => {
    expect(() => containerUnit(ctr(undefined), opts, values, () => {})).toThrow(/no create command found/);
    expect(() => containerUnit(ctr(['tsc-run', 'compose', 'up']), opts, values, () => {})).toThrow(/create command is too short or invalid/);
    expect(() => containerUnit(ctr(['tsc-run', 'create', 'img']), { ...opts, restartPolicy: 'x' }, values, () => {})).toThrow('x is not a valid restart policy');
  });

  it('a plain unit warns about a container restart policy, as podman', () => {
    const warnings: string[] = [];
    containerUnit({ ...ctr(undefined), restartPolicy: 'always' }, { ...opts, new: false }, values, (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringContaining('has restart policy "always" which can lead to issues on shutdown')]);
  });
});
