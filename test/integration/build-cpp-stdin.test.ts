// build --stdin (RUN steps read the build's stdin, as buildah's; without it
// they read nothing) and Containerfiles named *.in, which go through cpp as
// buildah runs it (-iquote CONTEXT, --cpp-flag, BUILDAH_CPPFLAGS; cpp's
// complaints a warning while it still wrote something, else cpp's status).
// Behaviour checked beside podman 4.3 by hand: see docs/build.md.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { buildCli } from './build-util.js';

describe('build --stdin and Containerfile.in', () => {
  let sb: Sandbox;
  const { run, ok, context, sh } = buildCli(() => sb);

  beforeAll(async () => {
    sb = await busyboxSandbox('build-cpp-stdin', 'user');
  });
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('--stdin: the first RUN step reads the whole stream (binary, checksummed), later ones its end; without --stdin a step reads nothing', async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761 + (i >> 7)) & 0xff;
    const sum = createHash('sha256').update(data).digest('hex');
    const dir = context('stdin', { Containerfile: 'FROM bb\nRUN cat > /got1\nRUN cat > /got2; echo second\n' });
    const r = await ok(['build', '--stdin', '-t', 'stdin_yes', dir], { input: data });
    expect(r.stdout).toContain('second\n');
    expect(await sh('stdin_yes', 'sha256sum /got1 | cut -d" " -f1; wc -c < /got2')).toBe(`${sum}\n0\n`);

    await ok(['build', '--no-cache', '-t', 'stdin_no', dir], { input: data });
    expect(await sh('stdin_no', 'wc -c < /got1; wc -c < /got2')).toBe('0\n0\n');
  });

  it('a .in Containerfile goes through cpp: includes from the context, --cpp-flag and BUILDAH_CPPFLAGS defines; other names are not preprocessed', async () => {
    const dir = context('cpp', {
      'Containerfile.in': 'FROM bb\n#include "inc.h"\n#ifdef EXTRA\nLABEL extra=yes\n#endif\nLABEL x=VALUE\n',
      'inc.h': 'LABEL included=1\n',
      Containerfile: 'FROM bb\n#include "inc.h"\nLABEL x=VALUE\n',
    });
    const labels = async (img: string) => JSON.parse((await ok(['inspect', '--format', '{{json .Labels}}', img])).stdout) as Record<string, string>;
    await ok(['build', '-q', '-f', `${dir}/Containerfile.in`, '--cpp-flag=-DEXTRA', '--cpp-flag', '-DVALUE=vv', '-t', 'cpp_a', dir]);
    expect(await labels('cpp_a')).toMatchObject({ included: '1', extra: 'yes', x: 'vv' });

    // Relative to the context when not beside the working directory; BUILDAH_CPPFLAGS before --cpp-flag.
    await ok(['build', '-q', '-f', 'Containerfile.in', '-t', 'cpp_b', dir], { env: { BUILDAH_CPPFLAGS: `-DEXTRA '-DVALUE="from env"'` } });
    const b = await labels('cpp_b');
    expect(b).toMatchObject({ included: '1', extra: 'yes', x: 'from env' });

    await ok(['build', '-q', '-f', 'Containerfile.in', '-t', 'cpp_c', dir]);
    const c = await labels('cpp_c');
    expect(c.extra).toBeUndefined();
    expect(c.x).toBe('VALUE');

    // Not named .in: `#include` is a comment.
    await ok(['build', '-q', '--cpp-flag=-DVALUE=vv', '-t', 'cpp_d', dir]);
    const d = await labels('cpp_d');
    expect(d.included).toBeUndefined();
    expect(d.x).toBe('VALUE');
  });

  it("cpp's errors: a warning while it wrote something, else the build fails with cpp's status and podman's words", async () => {
    const dir = context('cpp-bad', { 'Missing.in': 'FROM bb\n#include "missing.h"\nLABEL a=b\n' });
    const warned = await ok(['build', '-q', '-f', 'Missing.in', '-t', 'cpp_missing', dir]);
    expect(warned.stderr).toMatch(/level=warning msg="Ignoring <stdin>:\d+:\d+: fatal error: missing.h: No such file or directory\\ncompilation terminated.\\n\\n"/);

    const bad = await run(['build', '-q', '-f', 'Missing.in', '--cpp-flag=-Zbogus', dir]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Error: preprocessing ');
    expect(bad.stderr).toContain('Missing.in: preprocessor produced no output: exit status 1\n');
    expect(bad.stderr).toContain("unrecognized command-line option");

    // cpp wrote only its line markers (comments): podman's "no stages"; an empty file is podman's "no contents".
    sb.file('cpp-bad/Err.in', '#error boom\n');
    sb.file('cpp-bad/Zero', '');
    sb.chown(dir);
    const none = await run(['build', '-q', '-f', 'Err.in', dir]);
    expect(none.exitCode).toBe(125);
    expect(none.stderr).toMatch(/level=warning msg="Ignoring <stdin>:1:2: error: #error boom\\n\\n"\nError: building: no stages to build\n$/);
    const zero = await run(['build', '-q', '-f', 'Zero', dir]);
    expect(zero.exitCode).toBe(125);
    expect(zero.stderr).toBe(`Error: no contents in "${dir}/Zero"\n`);
  });

  it('--userns-uid-map: RUN steps get the maps run --uidmap gives (the uid map serves for gids too); their files keep the ids the step gave them', async () => {
    const dir = context('userns', { Containerfile: 'FROM bb\nRUN cat /proc/self/uid_map /proc/self/gid_map > /maps; touch /f; chown 1050:1060 /f\n' });
    await ok(['build', '-q', '--userns-uid-map', '0:0:1000,1000:2000:100', '-t', 'userns_map', dir]);
    const runMap = (await ok(['run', '--rm', '--uidmap', '0:0:1000', '--uidmap', '1000:2000:100', 'bb', 'cat', '/proc/self/uid_map'])).stdout;
    expect(runMap).toMatch(/^\s*1000\s+\d+\s+100$/m);
    // Stored shifted by the maps (2050 in our namespace), committed as the step saw it.
    expect(await sh('userns_map', 'cat /maps; stat -c %u:%g /f')).toBe(`${runMap}${runMap}1050:1060\n`);

    const bad = await run(['build', '-q', '--userns-uid-map', '1:1:10', dir]);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe("Error: --userns-uid-map must map host id 0 (your own id) into the container: the container's files belong to it\n");
    const form = await run(['build', '-q', '--userns-gid-map', '0:0', dir]);
    expect(form.stderr).toBe('Error: mapping "0:0" is not in the form containerid:hostid:size[,...]\n');
  });
});
