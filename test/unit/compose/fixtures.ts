// A normalized project around some services, as the planners, views and
// argument builders take it (one definition for every compose unit test).

import type { DependsOn, Project, Service } from '../../../src/compose/model.js';

export function project(services: Record<string, Service>, extra: Partial<Project> = {}): Project {
  return {
    name: 'p',
    workingDir: '/w',
    configFiles: ['/w/compose.yaml'],
    services,
    disabledServices: {},
    networks: { default: { name: 'p_default' } },
    volumes: { data: { name: 'p_data' } },
    secrets: {},
    configs: {},
    environment: {},
    ...extra,
  };
}

/** A depends_on entry. */
export const dep = (condition: DependsOn['condition'] = 'service_started'): DependsOn => ({ condition, required: true });
