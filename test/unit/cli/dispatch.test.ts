// The lazy command table (src/cli/dispatch.ts) against the full one: every
// word of every command loads that very module, and nothing else is there.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands/index.js';
import { commandWord, LAZY_COMMANDS, loadCommand } from '../../../src/cli/dispatch.js';
import { commandAliases, commandName } from '../../../src/cli/help/command-info.js';

const words = commands.flatMap((c) => [commandName(c), ...commandAliases(c)].map((w) => [w, c] as const));

describe('lazy command table', () => {
  it('has exactly the words of the full table', () => {
    expect(Object.keys(LAZY_COMMANDS).sort()).toEqual(words.map(([w]) => w).sort());
  });

  it.each(words.map(([w, c]) => [w, c]))('%s loads its own module', async (w, c) => {
    expect(await loadCommand(w)).toBe(c);
  });

  it('leaves non-commands to the full table', () => {
    expect(loadCommand('help')).toBeUndefined();
    expect(loadCommand('toString')).toBeUndefined();
    expect(loadCommand(undefined)).toBeUndefined();
  });

  it('only a command word of its own starts a command line split (its trailing specs)', () => {
    for (const c of commands) {
      const t = (c as { trailing?: { names?: string[] } | Array<{ names?: string[] }> }).trailing;
      for (const s of [t ?? []].flat()) {
        for (const n of s.names ?? []) expect([commandName(c), ...commandAliases(c)]).toContain(n.split(' ')[0]);
      }
    }
  });
});

describe('commandWord', () => {
  const value = new Set(['--root', '--log-level']);
  it.each([
    [['ps', '-a'], 'ps'],
    [['--root', '/x', 'run', 'img'], 'run'],
    [['--root=/x', '--noout', 'exec', 'c'], 'exec'],
    [['--log-level', 'debug'], undefined],
    [['--', 'ps'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, word) => {
    expect(commandWord(argv, value)).toBe(word);
  });
});
