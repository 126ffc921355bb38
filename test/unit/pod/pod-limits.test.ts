import { describe, expect, it } from 'vitest';
import { podLimits } from '../../../src/pod/pod-resources.js';
import { inspectPod, podTemplateView } from '../../../src/pod/pod-views.js';
import type { PodRecord } from '../../../src/pod/pod-store.js';
import { podRecord } from './fixtures.js';
import { GoTemplate } from '../../../src/format/template.js';

const pod = podRecord();

describe('pod limits in pod inspect (podman 4.3 keys)', () => {
  it('--cpus as period and quota, sizes in bytes, zero values left out', () => {
    expect(podLimits({ cpus: '1.5', memory: '100m', 'cpu-shares': '512', 'cpuset-cpus': '0', 'memory-swap': '200m', 'blkio-weight': '300' })).toEqual({
      cpu_period: 100000, cpu_quota: 150000, cpu_shares: 512, cpuset_cpus: '0', memory_limit: 104857600, memory_swap: 209715200, blkio_weight: 300,
    });
    expect(podLimits({ cpus: '0.333' })).toEqual({ cpu_period: 100000, cpu_quota: 33300 });
    expect(podLimits({ cpus: '0', memory: '0', 'cpu-shares': '0', 'blkio-weight': '0', 'memory-swap': '-1' })).toEqual({});
    expect(podLimits({ 'device-read-bps': ['/dev/loop0:1mb'], 'device-write-bps': ['/dev/loop0:2mb'], 'cpuset-mems': '0', 'blkio-weight-device': ['/dev/loop0:200'] })).toEqual({
      cpuset_mems: '0', device_read_bps: [{ Path: '/dev/loop0', Rate: 1048576 }], device_write_bps: [{ Path: '/dev/loop0', Rate: 2097152 }],
    });
  });

  it('inspect: limits at the top and the CPU ones in InfraConfig; Hostname only when given; Go field names for templates', () => {
    const rec: PodRecord = { ...pod, limits: podLimits({ cpus: '1.5', memory: '100m', 'cpuset-cpus': '0' }) };
    const o = inspectPod(rec, []);
    expect(o.Hostname).toBe('');
    expect(Object.keys(o).slice(-4)).toEqual(['cpu_period', 'cpu_quota', 'cpuset_cpus', 'memory_limit']);
    expect(inspectPod({ ...rec, hostnameSet: true }, []).Hostname).toBe('p');
    const t = (f: string, p: PodRecord) => new GoTemplate(f).render(podTemplateView(inspectPod(p, [])));
    expect(t('{{.CPUPeriod}} {{.CPUQuota}} {{.MemoryLimit}} {{.CPUSetCPUs}} {{.MemorySwap}}', rec)).toBe('100000 150000 104857600 0 0');
    expect(t('{{.CPUPeriod}} {{.SecurityOpts}} {{.MemoryLimit}}', pod)).toBe('0 [] 0');
  });
});
