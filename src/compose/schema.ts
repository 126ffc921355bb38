// The shape of a compose file, as a JSON schema for ajv: every key the
// Compose Specification defines and docker compose v2 accepts, with the
// types each takes. Written here from the specification's documentation
// (compose-spec.io), not copied from its schema file: the store of fetched
// material may not be committed, and a schema of our own lets the messages
// name the types the way our loader reads them.
//
// Values that interpolation may turn into numbers or booleans are also
// accepted as strings (`privileged: ${PRIV}`): normalize.ts reads them after
// interpolation and refuses what is not a boolean or a number there.

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: ['boolean', 'string'] };
const int: Schema = { type: ['integer', 'string'] };
const num: Schema = { type: ['number', 'string'] };
const strOrNum: Schema = { type: ['string', 'number'] };
const strList: Schema = { type: 'array', items: str };
const strOrList: Schema = { oneOf: [str, strList] };
/** `KEY=VALUE` lines or a mapping of scalars (environment, labels, sysctls, ...). */
const listOrDict: Schema = {
  oneOf: [
    { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
    { type: 'array', items: str, uniqueItems: true },
  ],
};
/** A command: one shell string, or the argv, or null to reset. */
const command: Schema = { oneOf: [{ type: 'null' }, str, { type: 'array', items: str }] };
const stringMap: Schema = { type: 'object', additionalProperties: str };

/** An object with exactly these keys, plus `x-` extensions. */
function obj(properties: Record<string, Schema>, extra: Schema = {}): Schema {
  return { type: 'object', properties, patternProperties: { '^x-': {} }, additionalProperties: false, ...extra };
}

/** A mapping of names to definitions (or to nothing: `volumes: { data: }`). */
function named(definition: Schema): Schema {
  return { type: 'object', patternProperties: { '^x-': {} }, additionalProperties: { oneOf: [{ type: 'null' }, definition] } };
}

const external: Schema = { oneOf: [bool, obj({ name: str })] };

const ulimits: Schema = {
  type: 'object',
  additionalProperties: { oneOf: [int, obj({ soft: int, hard: int }, { required: ['soft', 'hard'] })] },
};

const extraHosts: Schema = {
  oneOf: [{ type: 'object', additionalProperties: { oneOf: [str, strList] } }, { type: 'array', items: str, uniqueItems: true }],
};

/** The secrets or configs a service uses: names, or grants with a target. */
const grants: Schema = {
  type: 'array',
  items: { oneOf: [str, obj({ source: str, target: str, uid: str, gid: str, mode: num })] },
};

const blkioDevice = (key: string): Schema => ({ type: 'array', items: obj({ path: str, [key]: key === 'rate' ? strOrNum : int }) });

const healthcheck: Schema = obj({
  disable: bool,
  test: { oneOf: [str, strList] },
  interval: str,
  timeout: str,
  retries: num,
  start_period: str,
  start_interval: str,
});

const devices: Schema = { type: 'array', items: obj({ capabilities: strList, count: { type: ['string', 'integer'] }, device_ids: strList, driver: str, options: listOrDict }) };

const resources: Schema = obj({
  limits: obj({ cpus: strOrNum, memory: str, pids: int }),
  reservations: obj({ cpus: strOrNum, memory: str, generic_resources: { type: 'array' }, devices }),
});

const updateConfig: Schema = obj({
  parallelism: int,
  delay: str,
  failure_action: str,
  monitor: str,
  max_failure_ratio: strOrNum,
  order: { enum: ['start-first', 'stop-first'] },
});

const deploy: Schema = obj({
  mode: str,
  endpoint_mode: str,
  replicas: int,
  labels: listOrDict,
  rollback_config: updateConfig,
  update_config: updateConfig,
  resources,
  restart_policy: obj({ condition: str, delay: str, max_attempts: int, window: str }),
  placement: obj({
    constraints: strList,
    preferences: { type: 'array', items: obj({ spread: str }) },
    max_replicas_per_node: int,
  }),
});

const build: Schema = {
  oneOf: [
    str,
    obj({
      context: str,
      dockerfile: str,
      dockerfile_inline: str,
      entitlements: strList,
      args: listOrDict,
      ssh: listOrDict,
      labels: listOrDict,
      cache_from: strList,
      cache_to: strList,
      no_cache: bool,
      additional_contexts: listOrDict,
      network: str,
      provenance: { type: ['string', 'boolean'] },
      sbom: { type: ['string', 'boolean'] },
      pull: bool,
      target: str,
      shm_size: strOrNum,
      extra_hosts: extraHosts,
      isolation: str,
      privileged: bool,
      secrets: grants,
      tags: strList,
      ulimits,
      platforms: strList,
    }),
  ],
};

const serviceVolume: Schema = {
  oneOf: [
    str,
    obj(
      {
        type: { enum: ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] },
        source: str,
        target: str,
        read_only: bool,
        consistency: str,
        bind: obj({ propagation: str, create_host_path: bool, recursive: { enum: ['enabled', 'disabled', 'writable', 'readonly'] }, selinux: { enum: ['z', 'Z'] } }),
        volume: obj({ labels: listOrDict, nocopy: bool, subpath: str }),
        tmpfs: obj({ size: strOrNum, mode: num }),
        image: obj({ subpath: str }),
      },
      { required: ['type'] },
    ),
  ],
};

const servicePort: Schema = {
  oneOf: [
    { type: 'number' },
    str,
    obj({
      name: str,
      mode: str,
      host_ip: str,
      target: int,
      published: strOrNum,
      protocol: str,
      app_protocol: str,
    }),
  ],
};

const dependsOn: Schema = {
  oneOf: [
    { type: 'array', items: str, uniqueItems: true },
    {
      type: 'object',
      additionalProperties: obj(
        { condition: { enum: ['service_started', 'service_healthy', 'service_completed_successfully'] }, restart: bool, required: { type: 'boolean' } },
        { required: ['condition'] },
      ),
    },
  ],
};

const serviceNetworks: Schema = {
  oneOf: [
    { type: 'array', items: str, uniqueItems: true },
    named(
      obj({
        aliases: strList,
        interface_name: str,
        ipv4_address: str,
        ipv6_address: str,
        link_local_ips: strList,
        mac_address: str,
        driver_opts: { type: 'object', additionalProperties: strOrNum },
        priority: { type: 'number' },
        gw_priority: { type: 'number' },
      }),
    ),
  ],
};

const lifecycleHook: Schema = {
  type: 'array',
  items: obj({ command, user: str, privileged: bool, working_dir: str, environment: listOrDict }, { required: ['command'] }),
};

const service: Schema = obj({
  annotations: listOrDict,
  attach: bool,
  build,
  blkio_config: obj({
    weight: int,
    weight_device: blkioDevice('weight'),
    device_read_bps: blkioDevice('rate'),
    device_read_iops: blkioDevice('rate'),
    device_write_bps: blkioDevice('rate'),
    device_write_iops: blkioDevice('rate'),
  }),
  cap_add: { type: 'array', items: str, uniqueItems: true },
  cap_drop: { type: 'array', items: str, uniqueItems: true },
  cgroup: { enum: ['host', 'private'] },
  cgroup_parent: str,
  command,
  configs: grants,
  container_name: str,
  cpu_count: int,
  cpu_percent: int,
  cpu_shares: num,
  cpu_quota: num,
  cpu_period: num,
  cpu_rt_period: num,
  cpu_rt_runtime: num,
  cpus: num,
  cpuset: str,
  credential_spec: obj({ config: str, file: str, registry: str }),
  depends_on: dependsOn,
  deploy,
  develop: obj({
    watch: {
      type: 'array',
      items: obj({ path: str, action: str, target: str, ignore: strOrList, include: strOrList, exec: obj({ command, user: str, privileged: bool, working_dir: str, environment: listOrDict }) }),
    },
  }),
  device_cgroup_rules: strList,
  devices: { type: 'array', items: { oneOf: [str, obj({ source: str, target: str, permissions: str }, { required: ['source'] })] } },
  dns: strOrList,
  dns_opt: { type: 'array', items: str, uniqueItems: true },
  dns_search: strOrList,
  domainname: str,
  entrypoint: command,
  env_file: { oneOf: [str, { type: 'array', items: { oneOf: [str, obj({ path: str, required: bool, format: str }, { required: ['path'] })] } }] },
  label_file: strOrList,
  environment: listOrDict,
  expose: { type: 'array', items: strOrNum, uniqueItems: true },
  extends: { oneOf: [str, obj({ service: str, file: str }, { required: ['service'] })] },
  external_links: { type: 'array', items: str, uniqueItems: true },
  extra_hosts: extraHosts,
  gpus: { oneOf: [{ enum: ['all'] }, devices] },
  group_add: { type: 'array', items: strOrNum, uniqueItems: true },
  healthcheck,
  hostname: str,
  image: str,
  init: bool,
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: { type: 'array', items: str, uniqueItems: true },
  logging: obj({ driver: str, options: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } } }),
  mac_address: str,
  mem_limit: strOrNum,
  mem_reservation: strOrNum,
  mem_swappiness: int,
  memswap_limit: strOrNum,
  models: { oneOf: [strList, { type: 'object', additionalProperties: { oneOf: [{ type: 'null' }, obj({ endpoint_var: str, model_var: str })] } }] },
  network_mode: str,
  networks: serviceNetworks,
  oom_kill_disable: bool,
  oom_score_adj: int,
  pid: { type: ['string', 'null'] },
  pids_limit: num,
  platform: str,
  ports: { type: 'array', items: servicePort },
  post_start: lifecycleHook,
  pre_stop: lifecycleHook,
  privileged: bool,
  profiles: { type: 'array', items: str, uniqueItems: true },
  provider: obj({ type: str, options: { type: 'object', additionalProperties: { oneOf: [strOrNum, { type: 'boolean' }, { type: 'array' }] } } }, { required: ['type'] }),
  pull_policy: str,
  pull_refresh_after: str,
  read_only: bool,
  restart: str,
  runtime: str,
  scale: int,
  security_opt: { type: 'array', items: str, uniqueItems: true },
  shm_size: strOrNum,
  secrets: grants,
  sysctls: listOrDict,
  stdin_open: bool,
  stop_grace_period: str,
  stop_signal: str,
  storage_opt: { type: 'object' },
  tmpfs: strOrList,
  tty: bool,
  ulimits,
  use_api_socket: bool,
  user: str,
  uts: str,
  userns_mode: str,
  volumes: { type: 'array', items: serviceVolume, uniqueItems: true },
  volumes_from: { type: 'array', items: str, uniqueItems: true },
  working_dir: str,
});

const ipam: Schema = obj({
  driver: str,
  config: { type: 'array', items: obj({ subnet: str, ip_range: str, gateway: str, aux_addresses: stringMap }) },
  options: stringMap,
});

const network: Schema = obj({
  name: str,
  driver: str,
  driver_opts: { type: 'object', additionalProperties: strOrNum },
  ipam,
  external,
  internal: bool,
  enable_ipv4: bool,
  enable_ipv6: bool,
  attachable: bool,
  labels: listOrDict,
});

const volume: Schema = obj({
  name: str,
  driver: str,
  driver_opts: { type: 'object', additionalProperties: strOrNum },
  external,
  labels: listOrDict,
});

const secret: Schema = obj({
  name: str,
  environment: str,
  file: str,
  external,
  labels: listOrDict,
  driver: str,
  driver_opts: { type: 'object', additionalProperties: strOrNum },
  template_driver: str,
});

const config: Schema = obj({
  name: str,
  content: str,
  environment: str,
  file: str,
  external,
  labels: listOrDict,
  template_driver: str,
});

const include: Schema = {
  type: 'array',
  items: { oneOf: [str, obj({ path: strOrList, env_file: strOrList, project_directory: str }, { required: ['path'] })] },
};

/** The whole file. */
export const COMPOSE_SCHEMA: Schema = obj({
  version: str,
  name: str,
  include,
  services: { type: 'object', patternProperties: { '^x-': {} }, additionalProperties: service },
  models: named(obj({ name: str, model: str, context_size: int, runtime_flags: strList })),
  networks: named(network),
  volumes: named(volume),
  secrets: named(secret),
  configs: named(config),
});
