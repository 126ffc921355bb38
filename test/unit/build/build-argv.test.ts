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
