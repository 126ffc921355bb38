import { describe, expect, it } from 'vitest';
import { splitTrailingCommand, type TrailingCommandSpec } from '../../src/cli/trailing-command.js';

const specs: TrailingCommandSpec[] = [
  { names: ['run', 'container run'], positionalsBefore: 1, valueFlags: ['-e', '--env', '--name', '-w'] },
  { names: ['unshare'], positionalsBefore: 0, valueFlags: [] },
  { names: ['exec'], positionalsBefore: 1, valueFlags: ['-e', '-u'], targetFlags: ['-l', '--latest'] },
];
const globals = ['--root', '--runroot', '--log-level'];
const split = (s: string) => splitTrailingCommand(s.split(' '), specs, globals).join(' ');

describe('splitTrailingCommand', () => {
  it('puts -- after the image so the container command keeps its flags', () => {
    expect(split('run --rm demo ls -la')).toBe('run --rm demo -- ls -la');
    expect(split('--root /r run -e A=1 --name x demo sh -c true')).toBe('--root /r run -e A=1 --name x demo -- sh -c true');
    expect(split('container run -it demo sh')).toBe('container run -it demo -- sh');
    expect(split('run -eA=1 -w /tmp demo pwd')).toBe('run -eA=1 -w /tmp demo -- pwd');
  });
  it('leaves argv alone without a command, with an explicit --, or for other commands', () => {
    expect(split('run demo')).toBe('run demo');
    expect(split('run demo -- ls -l')).toBe('run demo -- ls -l');
    expect(split('images -a')).toBe('images -a');
  });
  it('unshare takes its command from the first positional', () => {
    expect(split('unshare cat /proc/self/uid_map')).toBe('unshare -- cat /proc/self/uid_map');
    expect(split('--log-level debug unshare ls -l')).toBe('--log-level debug unshare -- ls -l');
  });
  it('a flag that names the target itself (exec -l) leaves no positional before the command', () => {
    expect(split('exec c ls -la')).toBe('exec c -- ls -la');
    expect(split('exec -l ls -la')).toBe('exec -l -- ls -la');
    expect(split('exec -il -u 0 cat -n')).toBe('exec -il -u 0 -- cat -n');
    expect(split('exec --latest ls -la')).toBe('exec --latest -- ls -la');
  });
});
