// `compose ls`: projects found by their containers' labels. Pure.

import { L } from './labels.js';
import type { ProjectContainer } from './engine/state.js';

export interface ProjectSummary {
  Name: string;
  Status: string;
  ConfigFiles: string;
}

export function projectSummaries(cs: readonly ProjectContainer[]): ProjectSummary[] {
  const by = new Map<string, ProjectContainer[]>();
  for (const c of cs) {
    const p = c.labels[L.project];
    if (p !== undefined) by.set(p, [...(by.get(p) ?? []), c]);
  }
  return [...by.keys()].sort().map((name) => {
    const list = by.get(name)!;
    const counts = new Map<string, number>();
    for (const c of list) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
    const status = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, n]) => `${s}(${n})`).join(', ');
    return { Name: name, Status: status, ConfigFiles: list[0]!.labels[L.configFiles] ?? '' };
  });
}
