// The loaded project: compose's normalized model (what `compose config`
// prints), in the shape of the canonical YAML (snake_case keys).

import type { PortConfig, VolumeConfig } from './canonical.js';

export type { PortConfig, VolumeConfig };

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart?: boolean;
}

export interface BuildConfig {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** A service's attachment to one network (services.NAME.networks.NET). */
export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  interface_name?: string;
  mac_address?: string;
  priority?: number;
  gw_priority?: number;
  link_local_ips?: string[];
  driver_opts?: Record<string, string | number>;
}

export interface ServiceSecret {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number | string;
}

export interface Service {
  image?: string;
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  working_dir?: string;
  user?: string;
  hostname?: string;
  domainname?: string;
  labels?: Record<string, string>;
  ports?: PortConfig[];
  expose?: string[];
  volumes?: VolumeConfig[];
  tmpfs?: string[];
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on?: Record<string, DependsOn>;
  healthcheck?: Healthcheck;
  restart?: string;
  scale?: number;
  deploy?: { replicas?: number; resources?: { limits?: { cpus?: string | number; memory?: string; pids?: number } }; [k: string]: unknown };
  secrets?: ServiceSecret[];
  configs?: ServiceSecret[];
  cap_add?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  read_only?: boolean;
  security_opt?: string[];
  init?: boolean;
  stop_signal?: string;
  stop_grace_period?: string;
  tty?: boolean;
  stdin_open?: boolean;
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  container_name?: string;
  pull_policy?: string;
  profiles?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  userns_mode?: string;
  /** `SERVICE[:ro|rw]` or `container:NAME[:ro|rw]`. */
  volumes_from?: string[];
  /** Legacy links `SERVICE[:ALIAS]`: a dependency, and the alias for the linked service on the networks they share. */
  links?: string[];
  ipc?: string;
  pid?: string | null;
  [k: string]: unknown;
}

export interface NetworkConfig {
  name?: string;
  external?: boolean;
  driver?: string;
  internal?: boolean;
  ipam?: unknown;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export interface VolumeTop {
  name?: string;
  external?: boolean;
  driver?: string;
  driver_opts?: Record<string, string>;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export interface SecretTop {
  name?: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  [k: string]: unknown;
}

/** A top-level `models:` entry (an AI model docker's model runner serves; config prints it, up refuses it). */
export interface ModelTop {
  name?: string;
  model?: string;
  context_size?: number;
  runtime_flags?: string[];
  [k: string]: unknown;
}

export interface Project {
  name: string;
  /** The project directory (absolute). */
  workingDir: string;
  /** The compose files, absolute ('-' for stdin). */
  configFiles: string[];
  services: Record<string, Service>;
  /** Services left out by profiles (`config --profiles` lists every profile). */
  disabledServices: Record<string, Service>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeTop>;
  secrets: Record<string, SecretTop>;
  configs: Record<string, SecretTop>;
  models?: Record<string, ModelTop>;
  /** `_` under --compatibility (compose v1's `PROJECT_SERVICE_1`), else docker compose v2's `-`. */
  separator?: '_' | '-';
  /** --all-resources: `up` makes every network and volume, used or not (else the loader drops unused ones). */
  allResources?: boolean;
  /** The variables interpolation saw (.env + the environment). */
  environment: Record<string, string>;
}
