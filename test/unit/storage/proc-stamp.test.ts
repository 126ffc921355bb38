import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootId,
  isAlive,
  parseProcStat,
  processStartTime,
  readProcStat,
  stampSelf,
} from '../../../src/storage/proc-stamp.js';

// Fields 3..52 of a real stat line (kernel 6.x), starttime (field 22) = 98765.
const tail =
  'S 1 1234 1234 0 -1 4194560 1519 0 0 0 3 1 0 0 20 0 1 0 98765 9437184 830 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';

describe('parseProcStat', () => {
  it('takes comm up to the last parenthesis, even with ") (" and spaces inside', () => {
    const s = parseProcStat(`4242 (evil) (S 1 2 3) ${tail}\n`);
    expect(s).toEqual({ pid: 4242, comm: 'evil) (S 1 2 3', state: 'S', startTime: 98765 });
  });
  it('handles a plain comm and an empty one', () => {
    expect(parseProcStat(`7 (node) ${tail}`).startTime).toBe(98765);
    expect(parseProcStat(`7 () ${tail}`).comm).toBe('');
  });
  it('rejects truncated lines', () => {
    expect(() => parseProcStat('7 (node) S 1 2')).toThrow(/malformed/);
    expect(() => parseProcStat('garbage')).toThrow(/malformed/);
  });
  it('parses this very process like ps does', () => {
    const mine = readProcStat(process.pid)!;
    expect(mine.pid).toBe(process.pid);
    const ps = spawnSync('ps', ['-o', 'pid=', '-p', String(process.pid)], { encoding: 'utf8' });
    if (ps.status === 0) expect(Number(ps.stdout.trim())).toBe(process.pid);
    expect(mine.startTime).toBeGreaterThan(0);
  });
});

describe('stamps', () => {
  it('boot id is the kernel one', () => {
    expect(bootId()).toBe(fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  });

  it('self is alive; wrong start time, wrong boot or a vanished pid is not', async () => {
    const me = stampSelf();
    expect(me.pid).toBe(process.pid);
    expect(isAlive(me)).toBe(true);
    expect(isAlive({ ...me, startTime: me.startTime + 1 })).toBe(false);
    expect(isAlive({ ...me, bootId: '00000000-0000-0000-0000-000000000000' })).toBe(false);

    const child = spawn('true');
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    expect(processStartTime(pid)).toBeUndefined();
    expect(isAlive({ pid, startTime: 1, bootId: bootId() })).toBe(false);
  });

  it('a zombie is not alive even though its /proc entry exists', async () => {
    // The background `sleep 0` exits; its parent execs into `sleep` which never reaps it.
    const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((r) => sh.stdout.once('data', (d: Buffer) => r(d.toString()))));
      let stat = readProcStat(pid);
      for (let i = 0; i < 200 && stat?.state !== 'Z'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        stat = readProcStat(pid);
      }
      expect(stat?.state).toBe('Z');
      expect(isAlive({ pid, startTime: stat!.startTime, bootId: bootId() })).toBe(false);
    } finally {
      sh.kill('SIGKILL');
    }
  });
});
