import { describe, expect, it } from 'vitest';
import { goDurationString } from '../../../src/format/go-time.js';
import { GoTemplate } from '../../../src/format/template.js';
import { inspectJson, inspectView } from '../../../src/image/inspect-view.js';
import type { ImageConfig } from '../../../src/image/oci.js';

const input = (cfg: ImageConfig['config']) => ({
  id: 'f'.repeat(64),
  names: ['localhost/hc:1'],
  namesHistory: [],
  digest: 'sha256:' + 'e'.repeat(64),
  manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { created: '2026-11-22T11:30:16Z', architecture: 'amd64', os: 'linux', config: cfg, rootfs: { type: 'layers', diff_ids: [] } } as ImageConfig,
  manifest: undefined,
  size: 1,
  parentId: '',
  layerDirs: [],
  workDir: undefined,
});

describe('image inspect HEALTHCHECK (podman 4.3)', () => {
  const hc = { Test: ['CMD', '/bin/sh', '-c', 'true'], Interval: 5e9, Timeout: 2e9, StartPeriod: 1e9, Retries: 4 };
  it('JSON: a top-level Healthcheck after NamesHistory in Schema2HealthConfig order', () => {
    const j = inspectJson(input({ Healthcheck: hc }));
    expect(Object.keys(j).at(-1)).toBe('Healthcheck');
    expect(JSON.stringify(j.Healthcheck)).toBe('{"Test":["CMD","/bin/sh","-c","true"],"StartPeriod":1000000000,"Interval":5000000000,"Timeout":2000000000,"Retries":4}');
    expect('Healthcheck' in inspectJson(input({}))).toBe(false);
  });
  it('templates: .Config.Healthcheck is .HealthCheck, printed as Go prints the struct; <nil> without one', () => {
    const t = new GoTemplate('{{.Config.Healthcheck}}|{{json .HealthCheck}}|{{.HealthCheck.Retries}}|{{if .HealthCheck}}yes{{else}}no{{end}}');
    expect(t.render(inspectView(inspectJson(input({ Healthcheck: hc }))))).toBe(
      '{[CMD /bin/sh -c true] 1s 5s 2s 4}|{"Test":["CMD","/bin/sh","-c","true"],"StartPeriod":1000000000,"Interval":5000000000,"Timeout":2000000000,"Retries":4}|4|yes',
    );
    expect(new GoTemplate('{{.Config.Healthcheck}}|{{json .HealthCheck}}|{{if .HealthCheck}}yes{{else}}no{{end}}').render(inspectView(inspectJson(input({}))))).toBe('<nil>|null|no');
    // JSON output of the view keeps Config as it was.
    expect(JSON.parse(JSON.stringify(inspectView(inspectJson(input({ Healthcheck: hc }))))).Config).toEqual({});
  });
  it('Go durations', () => {
    expect([0, 999, 1500, 2.5e6, 1e9, 1.5e9, 90e9, 3600e9, 3723.5e9].map(goDurationString)).toEqual(['0s', '999ns', '1.5µs', '2.5ms', '1s', '1.5s', '1m30s', '1h0m0s', '1h2m3.5s']);
  });
});
