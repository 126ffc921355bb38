// `tsc-run info`: gather, build podman's report, render it per --format.

import { helperPath } from './helper/helper-path.js';
import { engineConfig } from './engine-config.js';
import fs from 'node:fs';
import path from 'node:path';
import { defaultRunRoot, type Roots } from '../config/paths.js';
import { formatObject } from '../format/output.js';
import { fsUsage } from './fs-usage.js';
import { goView } from './go-view.js';
import { gatherHostFacts, type HostFacts } from './host-facts.js';
import { buildInfoReport, INFO_GO_SPEC, type InfoReport } from './info-report.js';
import { countContainers, countImages } from './store-counts.js';
import { toYaml } from './yaml.js';

export interface InfoOptions {
  roots: Roots;
  flagDriver?: string | undefined;
  storageOpts?: readonly string[] | undefined;
  version: Record<string, string | number>;
}

export function reportOf(f: HostFacts, version: InfoOptions['version']): InfoReport {
  // An unusable driver setting (e.g. --storage-driver btrfs) fails `info` as it does podman's.
  if ('error' in f.storage.choice) throw f.storage.choice.error;
  const usage = fsUsage(f.roots.dataRoot);
  return buildInfoReport({
    system: f.system,
    rootless: f.rootless,
    uidmap: f.uidmap,
    gidmap: f.gidmap,
    cgroup: f.cgroup,
    network: f.network,
    security: f.security,
    store: {
      configFile: f.storage.conf.configFile,
      choice: f.storage.choice.choice,
      probe: f.storage.probe,
      graphRoot: f.roots.dataRoot,
      runRoot: f.roots.runRoot,
      graphRootAllocated: usage.allocated,
      graphRootUsed: usage.used,
      backingFilesystem: usage.type,
      imageCount: countImages(f.roots.dataRoot),
      containers: countContainers(f.roots.dataRoot),
    },
    registriesSearch: f.registriesSearch,
    version,
    engine: engineConfig(),
    helperPath: helperPathOrEmpty(),
    remoteSocket: remoteSocketOf(),
  });
}

/** As podman's rootless `$XDG_RUNTIME_DIR/podman/podman.sock` (root: /run/podman): ours beside the default runroot, whatever --runroot says. */
function remoteSocketOf(): { path: string; exists: boolean } {
  const p = path.join(defaultRunRoot(), 'tsc-run.sock');
  return { path: p, exists: fs.existsSync(p) };
}

/** The helper's path, where podman shows its OCI runtime's; empty when it cannot be found (info still reports the rest). */
function helperPathOrEmpty(): string {
  try {
    return helperPath();
  } catch {
    return '';
  }
}

/** The text `info` prints: YAML by default, JSON, or a Go template over the Go field names. */
export function renderInfo(report: InfoReport, format: string | undefined): string {
  // podman prints the YAML document with fmt.Println, so a blank line ends it.
  if (format === undefined) return toYaml(report) + '\n';
  // An empty template prints an empty line, as podman's (`info -f ''` in scripts that only want the exit code).
  if (format === '') return '\n';
  // podman indents info's JSON by two spaces (its other commands use four).
  if (format.trim() === 'json') return JSON.stringify(report, null, 2) + '\n';
  return formatObject(goView(report, INFO_GO_SPEC) as object, format);
}

export async function runInfo(o: InfoOptions, format: string | undefined): Promise<string> {
  const facts = await gatherHostFacts({ roots: o.roots, flagDriver: o.flagDriver, storageOpts: o.storageOpts });
  return renderInfo(reportOf(facts, o.version), format);
}
