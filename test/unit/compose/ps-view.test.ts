import { describe, expect, it } from 'vitest';
import { psJsonLines, statusText } from '../../../src/compose/ps-view.js';
import type { ProjectContainer } from '../../../src/compose/engine/state.js';

describe('compose ps status in docker compose words', () => {
  it('drops podman\'s "ago" from a running container only', () => {
    expect(statusText('Up 2 seconds ago')).toBe('Up 2 seconds');
    expect(statusText('Up About a minute ago (healthy)')).toBe('Up About a minute (healthy)');
    expect(statusText('Exited (0) 3 minutes ago')).toBe('Exited (0) 3 minutes ago');
    expect(statusText('Created')).toBe('Created');
  });

  it('JSON Health comes from the status', () => {
    const c = { name: 'p-a-1', id: 'x', image: 'bb', command: ['true'], service: 'a', created: 0, status: 'Up 1 second ago (unhealthy)', state: 'running', exitCode: 0, labels: {}, ports: [] } as unknown as ProjectContainer;
    const o = JSON.parse(psJsonLines([c], 'p')) as { Health: string; Status: string };
    expect(o.Health).toBe('unhealthy');
    expect(o.Status).toBe('Up 1 second (unhealthy)');
  });
});
