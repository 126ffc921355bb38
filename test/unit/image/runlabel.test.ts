import { describe, expect, it } from 'vitest';
import { runlabelCommand, runlabelName } from '../../../src/image/runlabel.js';

const base = { imageName: 'quay.io/team/app:1.2', imageId: 'f'.repeat(64), input: 'app', args: [], name: undefined, self: ['/usr/bin/tsc-run'], env: {}, pwd: '/work' };

describe('runlabel command (podman\'s substitutions)', () => {
  it('names the container after the image as typed, without tag', () => {
    expect(runlabelName('quay.io/team/app:1.2', 'f'.repeat(64), 'app:1.2')).toBe('app');
    expect(runlabelName('quay.io/team/app:1.2', 'f'.repeat(64), 'fff')).toBe('app');
  });

  it('replaces podman/docker, IMAGE, NAME and their $ forms, expands OPT1-3 and PWD, appends the arguments', () => {
    const cmd = runlabelCommand({
      ...base,
      label: 'docker run --name NAME -e IMAGE=IMAGE -e NAME=NAME -v $PWD:/w:z --label x=${NAME} IMAGE echo $OPT1 $UNSET "two words"',
      args: ['extra'],
      env: { OPT1: 'one', UNSET: 'ignored' },
    });
    expect(cmd).toEqual(['/usr/bin/tsc-run', 'run', '--name', 'app', '-e', 'IMAGE=quay.io/team/app:1.2', '-e', 'NAME=app', '-v', '/work:/w:z', '--label', 'x=app', 'quay.io/team/app:1.2', 'echo', 'one', 'two', 'words', 'extra']);
  });

  it('keeps another program as it is and refuses an empty or unbalanced label', () => {
    expect(runlabelCommand({ ...base, label: '/bin/sh -c true', name: 'n' })).toEqual(['/bin/sh', '-c', 'true']);
    expect(() => runlabelCommand({ ...base, label: '   ' })).toThrow('the label names no command');
    expect(() => runlabelCommand({ ...base, label: 'echo "open' })).toThrow(/invalid label command/);
  });
});
