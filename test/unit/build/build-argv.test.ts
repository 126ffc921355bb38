import { describe, expect, it } from 'vitest';
import { buildStdinDashes } from '../../../src/cli/commands/build.js';

describe('build argv: a lone - as a value', () => {
  it('turns -f - into --file=- and a - context into -- -', () => {
    expect(buildStdinDashes(['build', '-t', 'x', '-f', '-', '.'])).toEqual(['build', '-t', 'x', '--file=-', '.']);
    expect(buildStdinDashes(['--root', '/r', 'build', '-q', '-'])).toEqual(['--root', '/r', 'build', '-q', '--', '-']);
    expect(buildStdinDashes(['image', 'build', '--file', '-', 'ctx'])).toEqual(['image', 'build', '--file=-', 'ctx']);
    expect(buildStdinDashes(['buildx', 'build', '-'])).toEqual(['buildx', 'build', '--', '-']);
  });
  it('leaves other commands alone, also when a container command says build', () => {
    expect(buildStdinDashes(['run', 'bb', 'echo', 'build', '-'])).toEqual(['run', 'bb', 'echo', 'build', '-']);
    expect(buildStdinDashes(['cp', '-', 'c:/x'])).toEqual(['cp', '-', 'c:/x']);
  });
});

describe('build: pflag bool words', () => {
  it('--flag=1/t/TRUE/0/f/False read as pflag reads them; another word is its error', () => {
    expect(buildStdinDashes(['build', '--layers=1', '--rm=T', '-D=0', '--tls-verify=False', '--label=a=1', '.'])).toEqual(['build', '--layers=true', '--rm=true', '-D=false', '--tls-verify=false', '--label=a=1', '.']);
  });
});

describe('build: a value that starts with -', () => {
  it('is the value of the flag before it, as pflag takes it (not --pull, whose value is optional)', () => {
    expect(buildStdinDashes(['build', '--cpp-flag', '-DX=1', '-t', '-odd', '--pull', '-q', '.'])).toEqual(['build', '--cpp-flag=-DX=1', '--tag=-odd', '--pull', '-q', '.']);
    expect(buildStdinDashes(['build', '--label', '-x=1', '--creds', '-u:p', '-f', '-', '.'])).toEqual(['build', '--label=-x=1', '--creds=-u:p', '--file=-', '.']);
  });
});

describe('build --userns-uid-map/--userns-gid-map', () => {
  it('reads triples as buildah does; one given alone serves for both', async () => {
    const { parseBuildIdMaps } = await import('../../../src/build/flags.js');
    expect(parseBuildIdMaps([], [])).toBeUndefined();
    expect(parseBuildIdMaps(['0:0:1', '1:1:100,200:300:5'], [])).toEqual({ uidmap: ['0:0:1', '1:1:100', '200:300:5'], gidmap: ['0:0:1', '1:1:100', '200:300:5'] });
    expect(parseBuildIdMaps([], ['0:0:1:1:2:3'])).toEqual({ uidmap: ['0:0:1', '1:2:3'], gidmap: ['0:0:1', '1:2:3'] });
    expect(() => parseBuildIdMaps(['0:1'], [])).toThrow('mapping "0:1" is not in the form containerid:hostid:size[,...]');
  });
});

describe('Containerfile.in: cpp argv', () => {
  it("is buildah's: fixed flags, BUILDAH_CPPFLAGS' words, then --cpp-flag", async () => {
    const { cppArgs, wantsPreprocessing } = await import('../../../src/build/preprocess.js');
    expect(cppArgs('/ctx', ['-DA'], {})).toEqual(['-E', '-iquote', '/ctx', '-traditional', '-undef', '-', '-DA']);
    expect(cppArgs('/ctx', ['-DA'], { BUILDAH_CPPFLAGS: `-DB '-DC=x y'` })).toEqual(['-E', '-iquote', '/ctx', '-traditional', '-undef', '-', '-DB', '-DC=x y', '-DA']);
    expect(() => cppArgs('/ctx', [], { BUILDAH_CPPFLAGS: `'open` })).toThrow('parsing BUILDAH_CPPFLAGS');
    expect(wantsPreprocessing('x/Containerfile.in')).toBe(true);
    expect(wantsPreprocessing('Containerfile')).toBe(false);
  });
});
