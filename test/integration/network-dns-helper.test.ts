// The helper's DNS responder (helpers/src/dns.c) on its own: run in a user
// and network namespace of its own (`unshare -rn`) with a records file, a
// fake upstream and clients on lo addresses (network-dns-probe.mjs), so
// every rule of its answers is checked without containers: names, aliases,
// short ids, dns.podman, A/AAAA/PTR, NXDOMAIN for single labels and our
// domain, dead containers, networks' names apart, a container on two networks
// seeing both, UDP and TCP forwarding, re-reading the file, a malformed
// file refused, the idle exit. network-dns.test.ts does it with containers.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/binary.js';

describe('dns-serve (helper) answers as aardvark-dns', () => {
  it('answers, isolates, forwards over UDP and TCP, re-reads its file, exits when idle', () => {
    const helper = path.join(repoRoot(), 'dist', 'tsc-run-helper');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dns-helper-'));
    try {
      const out = execFileSync('unshare', ['-rn', process.execPath, path.join(repoRoot(), 'test/integration/network-dns-probe.mjs'), helper, dir], {
        encoding: 'utf8',
        timeout: 90_000,
      });
      const r = JSON.parse(out.trim().split('\n').pop()!);
      const a = (x: string[]) => ({ rcode: 0, tc: false, ra: true, answers: x });
      expect(r.alpha).toMatchObject({ ...a(['A 10.9.0.2']), id: 7, ttl: 60 });
      expect(r.aliasInDomain).toMatchObject(a(['A 10.9.0.2']));
      expect(r.shortId).toMatchObject(a(['A 10.9.0.2']));
      expect(r.aaaa).toMatchObject(a(['AAAA fd090000000000000000000000000002']));
      // A name of ours without an address of the type: no records, NOERROR.
      expect(r.aaaaNone).toMatchObject(a([]));
      expect(r.ptr).toMatchObject(a(['PTR alpha.', 'PTR web.', 'PTR aaaaaaaaaaaa.']));
      expect(r.ptr6).toMatchObject(a(['PTR alpha.', 'PTR web.', 'PTR aaaaaaaaaaaa.']));
      // Its veth is gone: not an answer; one label: NXDOMAIN, not forwarded.
      expect(r.dead).toMatchObject({ rcode: 3, answers: [] });
      // Its veth is there but the process its pid file names is gone: dead too.
      expect(r.processGone).toMatchObject({ rcode: 3, answers: [] });
      expect(r.otherNetwork).toMatchObject({ rcode: 3, answers: [] });
      // A container on n1 and n2 asking n2's gateway sees n1's names (aardvark-dns's view).
      expect(r.onBoth).toMatchObject(a(['A 10.9.0.2']));
      // A process of the namespace itself may ask any gateway (containers of other networks may not: network-dns*.test.ts).
      expect(r.localAsker).toMatchObject(a(['A 10.9.0.2']));
      expect(r.overV6).toMatchObject(a(['A 10.9.0.2']));
      expect(r.forwarded).toMatchObject({ id: 99, rcode: 0, answers: ['A 192.0.2.1'] });
      expect(r.singleLabel).toMatchObject({ rcode: 3 });
      expect(r.inDomain).toMatchObject({ rcode: 3 });
      expect(r.tcpLocal).toEqual([expect.objectContaining(a(['A 10.9.0.2'])), expect.objectContaining(a(['A 10.9.0.2']))]);
      expect(r.tcpForwarded).toHaveLength(2);
      expect(r.tcpForwarded[0].answers).toHaveLength(40);
      expect(r.garbage).toBe('timeout');
      // Only example.org went upstream over UDP (single labels and our domain did not).
      expect(r.upstreamQueries).toBe(1);
      expect(r.reread).toMatchObject(a(['A 10.9.0.2']));
      expect(r.afterMalformed).toMatchObject(a(['A 10.9.0.2']));
      expect(r.idleExit).toBe(0);
      // Its log: the malformed file, one line, nothing else.
      expect(r.log).toMatch(/^tsc-run-helper: dns-serve: \S+dns.records: malformed line \(the previous table stays\)\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
