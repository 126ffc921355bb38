import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { applyChanges, parseSignal } from '../../../src/image/config-changes.js';
import { buildImportConfig, buildManifest, canonicalJson } from '../../../src/image/image-config.js';
import { MediaType, parseImageConfig, parseImageManifest } from '../../../src/image/oci.js';

const DIFF = 'sha256:' + '6e'.repeat(32);

describe('--change parsing (podman ImageConfigFromChanges)', () => {
  it('applies every instruction, in order, in both KEY VALUE and KEY=VALUE forms', () => {
    const c = applyChanges([
      'CMD ["/bin/sh"]',
      'ENTRYPOINT=["a","b"]',
      'ENV A=b',
      'ENV "Q"="quoted value"',
      'EXPOSE 80',
      'EXPOSE 53/UDP',
      'LABEL "a b"=c d=e',
      'WORKDIR /srv',
      'WORKDIR app/',
      'USER 1000:1000',
      'VOLUME /data /cache',
      'VOLUME ["/x"]',
      'STOPSIGNAL SIGKILL',
      'onbuild RUN true',
    ]);
    expect(c).toEqual({
      Cmd: ['/bin/sh'],
      Entrypoint: ['a', 'b'],
      Env: ['A=b', 'Q=quoted value'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Labels: { 'a b': 'c d=e' },
      WorkingDir: '/srv/app',
      User: '1000:1000',
      Volumes: { '/data': {}, '/cache': {}, '/x': {} },
      StopSignal: '9',
      OnBuild: ['RUN true'],
    });
  });

  it('treats non-JSON CMD/ENTRYPOINT as shell form, and an empty ENTRYPOINT as none', () => {
    expect(applyChanges(['CMD echo hi'])).toEqual({ Cmd: ['/bin/sh', '-c', 'echo hi'] });
    expect(applyChanges(['ENTRYPOINT [bad'])).toEqual({ Entrypoint: ['/bin/sh', '-c', '[bad'] });
    expect(applyChanges(['ENTRYPOINT '])).toEqual({ Entrypoint: [] });
    expect(applyChanges(['CMD '])).toEqual({ Cmd: ['/bin/sh', '-c'] });
  });

  it('keeps podman quirks: ENV without = is a key with an empty value', () => {
    expect(applyChanges(['ENV A B C'])).toEqual({ Env: ['A B C='] });
    expect(applyChanges(['ENV A'])).toEqual({ Env: ['A='] });
  });

  it.each([
    ['FOO bar', 'invalid change "FOO bar" - invalid instruction FOO'],
    ['CMD', 'invalid change "CMD" - must be formatted as KEY VALUE'],
    ['LABEL a', 'invalid change "LABEL a" - LABEL must be formatted key=value'],
    ['LABEL =v', 'invalid change "LABEL =v" - LABEL must have a non-empty key'],
    ['EXPOSE abc', 'invalid change "EXPOSE abc" - EXPOSE port must be an integer: strconv.Atoi: parsing "abc": invalid syntax'],
    ['EXPOSE 80/udp 443', 'invalid change "EXPOSE 80/udp 443" - EXPOSE protocol must be TCP or UDP'],
    ['EXPOSE 70000', 'invalid change "EXPOSE 70000" - EXPOSE port must be a valid port number'],
    ['EXPOSE 1/tcp/x', 'invalid change "EXPOSE 1/tcp/x" - EXPOSE port must be formatted as PORT[/PROTO]'],
    ['ENV =x', 'invalid change "ENV =x" - ENV must have at least one argument'],
    ['USER ', 'invalid change "USER " - must provide a value to USER'],
    ['WORKDIR ', 'invalid change "WORKDIR " - must provide a non-empty WORKDIR'],
    ['VOLUME a  b', 'invalid change "VOLUME a  b" - VOLUME paths must not be empty'],
    ['STOPSIGNAL NOPE', 'invalid change "STOPSIGNAL NOPE" - KILLSIGNAL must be given a valid signal: invalid signal: NOPE'],
  ])('%j → %s', (change, message) => {
    expect(() => applyChanges([change])).toThrow(UsageError);
    expect(() => applyChanges([change])).toThrow(message);
  });

  it('leaves the base config untouched', () => {
    const base = { Env: ['X=1'] };
    expect(applyChanges(['ENV Y=2'], base)).toEqual({ Env: ['X=1', 'Y=2'] });
    expect(base).toEqual({ Env: ['X=1'] });
  });

  it('parses signal names and numbers', () => {
    expect(parseSignal('TERM')).toBe(15);
    expect(parseSignal('sigint')).toBe(2);
    expect(parseSignal('9')).toBe(9);
    expect(parseSignal('RTMIN+1')).toBe(35);
    expect(() => parseSignal('0')).toThrow();
    expect(() => parseSignal('65')).toThrow();
  });
});

describe('import config and manifest', () => {
  const created = new Date('2026-01-02T03:04:05.678Z');

  it('builds the config podman writes for an import, field for field', () => {
    const cfg = buildImportConfig({ diffId: DIFF, created, config: {}, architecture: 'amd64', os: 'linux' });
    expect(canonicalJson(cfg).toString()).toBe(
      JSON.stringify({
        created: '2026-01-02T03:04:05.678Z',
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [DIFF] },
        history: [
          {
            created: '2026-01-02T03:04:05.678Z',
            created_by: `/bin/sh -c #(nop) ADD file:${'6e'.repeat(32)} in /`,
            comment: 'imported from tarball',
          },
        ],
      }),
    );
  });

  it('carries the message, variant and runtime config, and drops Docker-only OnBuild', () => {
    const cfg = buildImportConfig({
      diffId: DIFF,
      created,
      config: { Cmd: ['sh'], OnBuild: ['RUN x'] },
      message: 'hello',
      architecture: 'arm64',
      variant: 'v8',
      os: 'linux',
    });
    expect(cfg.config).toEqual({ Cmd: ['sh'] });
    expect(cfg.variant).toBe('v8');
    expect(cfg.history?.[0]?.comment).toBe('hello');
    expect(parseImageConfig(canonicalJson(cfg).toString())).toEqual(cfg);
  });

  it('is deterministic: same input, same bytes', () => {
    const a = canonicalJson(buildImportConfig({ diffId: DIFF, created, config: { Env: ['A=1'] }, architecture: 'amd64', os: 'linux' }));
    const b = canonicalJson(buildImportConfig({ diffId: DIFF, created, config: { Env: ['A=1'] }, architecture: 'amd64', os: 'linux' }));
    expect(a.equals(b)).toBe(true);
  });

  it('builds an OCI manifest that parses back', () => {
    const m = buildManifest({ mediaType: MediaType.config, digest: DIFF, size: 10 }, [
      { mediaType: MediaType.layerGzip, digest: DIFF, size: 20 },
    ]);
    expect(m).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.manifest,
      config: { mediaType: MediaType.config, digest: DIFF, size: 10 },
      layers: [{ mediaType: MediaType.layerGzip, digest: DIFF, size: 20 }],
    });
    expect(parseImageManifest(JSON.stringify(m))).toEqual(m);
    expect(() => parseImageManifest('{"schemaVersion":1}')).toThrow(/malformed/);
    expect(() => parseImageConfig('{}')).toThrow(/rootfs.diff_ids/);
  });
});
