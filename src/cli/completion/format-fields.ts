// The Go-template fields `--format '{{.<TAB>` offers, per command: the
// fields of podman 4.3's report type for that command (as its completion
// lists them, in its order) that our views render. A name ending in `.` is
// a struct or map one can go into; `State.Status` is a field inside one.
// test/integration/format-fields.test.ts renders every field listed here, so
// an entry is only here when the command really has it.

const CONTAINER_INSPECT = [
  'ID Created. Created.Unix Path Args State. State.Healthcheck. State.OciVersion State.Status State.Running',
  'State.Paused State.Restarting State.OOMKilled State.Dead State.Pid State.ConmonPid State.ExitCode State.Error',
  'State.StartedAt. State.StartedAt.Unix State.FinishedAt. State.FinishedAt.Unix State.Health.',
  'State.Health.Status State.Health.FailingStreak State.Health.Log State.Checkpointed State.CgroupPath',
  'State.CheckpointedAt. State.CheckpointedAt.Unix State.RestoredAt. State.RestoredAt.Unix State.CheckpointLog',
  'State.CheckpointPath State.RestoreLog State.Restored Image ImageDigest ImageName Rootfs Pod ResolvConfPath',
  'HostnamePath HostsPath StaticDir OCIConfigPath OCIRuntime ConmonPidFile PidFile Name RestartCount Driver',
  'MountLabel ProcessLabel AppArmorProfile EffectiveCaps BoundingCaps ExecIDs GraphDriver. GraphDriver.Name',
  'GraphDriver.Data. SizeRw SizeRootFs Mounts Dependencies NetworkSettings. NetworkSettings.Bridge',
  'NetworkSettings.SandboxID NetworkSettings.HairpinMode NetworkSettings.LinkLocalIPv6Address',
  'NetworkSettings.LinkLocalIPv6PrefixLen NetworkSettings.Ports. NetworkSettings.SandboxKey',
  'NetworkSettings.Networks. NetworkSettings.EndpointID NetworkSettings.Gateway NetworkSettings.IPAddress',
  'NetworkSettings.IPPrefixLen NetworkSettings.SecondaryIPAddresses NetworkSettings.IPv6Gateway',
  'NetworkSettings.GlobalIPv6Address NetworkSettings.GlobalIPv6PrefixLen NetworkSettings.SecondaryIPv6Addresses',
  'NetworkSettings.MacAddress NetworkSettings.AdditionalMacAddresses Namespace IsInfra IsService Config.',
  'Config.Hostname Config.DomainName Config.User Config.AttachStdin Config.AttachStdout Config.AttachStderr',
  'Config.Tty Config.OpenStdin Config.StdinOnce Config.Env Config.Cmd Config.Image Config.Volumes.',
  'Config.WorkingDir Config.Entrypoint Config.OnBuild Config.Labels. Config.Annotations. Config.StopSignal',
  'Config.Healthcheck Config.HealthcheckOnFailureAction Config.CreateCommand Config.Timezone Config.SystemdMode',
  'Config.Umask Config.Secrets Config.Timeout Config.StopTimeout Config.Passwd Config.ChrootDirs',
  'Config.SdNotifyMode Config.SdNotifySocket HostConfig. HostConfig.Binds HostConfig.CgroupManager',
  'HostConfig.CgroupMode HostConfig.ContainerIDFile HostConfig.LogConfig. HostConfig.LogConfig.Type',
  'HostConfig.LogConfig.Config. HostConfig.LogConfig.Path HostConfig.LogConfig.Tag HostConfig.LogConfig.Size',
  'HostConfig.NetworkMode HostConfig.PortBindings. HostConfig.RestartPolicy. HostConfig.RestartPolicy.Name',
  'HostConfig.RestartPolicy.MaximumRetryCount HostConfig.AutoRemove HostConfig.VolumeDriver',
  'HostConfig.VolumesFrom HostConfig.CapAdd HostConfig.CapDrop HostConfig.Dns HostConfig.DnsOptions',
  'HostConfig.DnsSearch HostConfig.ExtraHosts HostConfig.GroupAdd HostConfig.IpcMode HostConfig.Cgroup',
  'HostConfig.Cgroups HostConfig.Links HostConfig.OomScoreAdj HostConfig.PidMode HostConfig.Privileged',
  'HostConfig.PublishAllPorts HostConfig.ReadonlyRootfs HostConfig.SecurityOpt HostConfig.Tmpfs.',
  'HostConfig.UTSMode HostConfig.UsernsMode HostConfig.IDMappings HostConfig.ShmSize HostConfig.Runtime',
  'HostConfig.ConsoleSize HostConfig.Isolation HostConfig.CpuShares HostConfig.Memory HostConfig.NanoCpus',
  'HostConfig.CgroupParent HostConfig.BlkioWeight HostConfig.BlkioWeightDevice HostConfig.BlkioDeviceReadBps',
  'HostConfig.BlkioDeviceWriteBps HostConfig.BlkioDeviceReadIOps HostConfig.BlkioDeviceWriteIOps',
  'HostConfig.CpuPeriod HostConfig.CpuQuota HostConfig.CpuRealtimePeriod HostConfig.CpuRealtimeRuntime',
  'HostConfig.CpusetCpus HostConfig.CpusetMems HostConfig.Devices HostConfig.DiskQuota HostConfig.KernelMemory',
  'HostConfig.MemoryReservation HostConfig.MemorySwap HostConfig.MemorySwappiness HostConfig.OomKillDisable',
  'HostConfig.Init HostConfig.PidsLimit HostConfig.Ulimits HostConfig.CpuCount HostConfig.CpuPercent',
  'HostConfig.IOMaximumIOps HostConfig.IOMaximumBandwidth HostConfig.CgroupConf.',
].join(' ');

const PS = [
  'CGROUPNS Cgroup Command CreatedAt CreatedHuman ID IPC ImageID MNT NET Names Networks PIDNS Pod Ports',
  'RunningFor Size State Status USERNS UTS User AutoRemove Created. Created.Unix Exited ExitedAt ExitCode Image',
  'IsInfra Labels. Mounts Namespaces. Namespaces.MNT Namespaces.Cgroup Namespaces.IPC Namespaces.NET',
  'Namespaces.PIDNS Namespaces.UTS Namespaces.User Pid PodName StartedAt',
].join(' ');

const STATS = [
  'AVGCPU BlockIO CPUPerc ID MemPerc MemUsage MemUsageBytes NetIO PIDS Up AvgCPU ContainerID Name PerCPU CPU',
  'CPUNano CPUSystemNano SystemNano MemLimit NetInput NetOutput BlockInput BlockOutput PIDs UpTime Duration',
].join(' ');

const HISTORY = [
  'Created CreatedAt CreatedBy CreatedSince ID Size Tags Comment',
].join(' ');

const IMAGE_INSPECT = [
  'ID Digest RepoTags RepoDigests Parent Comment Created Config. Config.ExposedPorts. Config.Env',
  'Config.Entrypoint Config.Cmd Config.Volumes. Config.WorkingDir Config.Labels. Version Author Architecture Os',
  'Size VirtualSize GraphDriver. GraphDriver.Name GraphDriver.Data. RootFS. RootFS.Type RootFS.Layers Labels.',
  'Annotations. ManifestType User History NamesHistory HealthCheck',
].join(' ');

const IMAGES = [
  'Created CreatedAt CreatedSince CreatedTime History ID Id IsDangling IsReadOnly Size Repository Tag ParentId',
  'RepoTags RepoDigests SharedSize VirtualSize Labels. Containers ReadOnly Dangling Names Digest',
].join(' ');

const SEARCH = [
  'Index Name Description Stars Official Automated Tag',
].join(' ');

const INFO = [
  'Host. Host.Arch Host.BuildahVersion Host.CgroupManager Host.CgroupsVersion Host.CgroupControllers Host.Conmon.',
  'Host.Conmon.Package Host.Conmon.Path Host.Conmon.Version Host.CPUs Host.CPUUtilization.',
  'Host.CPUUtilization.UserPercent Host.CPUUtilization.SystemPercent Host.CPUUtilization.IdlePercent',
  'Host.Distribution. Host.Distribution.Distribution Host.Distribution.Variant Host.Distribution.Version',
  'Host.Distribution.Codename',
  'Host.EventLogger Host.Hostname Host.IDMappings. Host.IDMappings.GIDMap Host.IDMappings.UIDMap Host.Kernel',
  'Host.LogDriver Host.MemFree Host.MemTotal Host.NetworkBackend Host.OCIRuntime. Host.OCIRuntime.Name',
  'Host.OCIRuntime.Package Host.OCIRuntime.Path Host.OCIRuntime.Version Host.OS Host.RemoteSocket.',
  'Host.RemoteSocket.Path Host.RemoteSocket.Exists Host.RuntimeInfo. Host.ServiceIsRemote',
  'Host.Security. Host.Security.AppArmorEnabled Host.Security.DefaultCapabilities Host.Security.Rootless',
  'Host.Security.SECCOMPEnabled Host.Security.SECCOMPProfilePath Host.Security.SELinuxEnabled Host.Slirp4NetNS.',
  'Host.Slirp4NetNS.Executable Host.Slirp4NetNS.Package Host.Slirp4NetNS.Version Host.SwapFree Host.SwapTotal',
  'Host.Uptime Host.Linkmode Store. Store.ConfigFile Store.ContainerStore. Store.ContainerStore.Number',
  'Store.ContainerStore.Paused Store.ContainerStore.Running Store.ContainerStore.Stopped Store.GraphDriverName',
  'Store.GraphOptions. Store.GraphRoot Store.GraphRootAllocated Store.GraphRootUsed Store.GraphStatus.',
  'Store.ImageCopyTmpDir Store.ImageStore. Store.ImageStore.Number Store.RunRoot Store.VolumePath Registries.',
  'Plugins. Plugins.Volume Plugins.Network Plugins.Log Plugins.Authorization Version. Version.APIVersion',
  'Version.Version Version.GoVersion Version.GitCommit Version.BuiltTime Version.Built Version.OsArch Version.Os',
].join(' ');

const NETWORK_INSPECT = [
  'Name ID Driver NetworkInterface Created. Created.Unix Subnets IPv6Enabled Internal DNSEnabled Labels. Options.',
  'IPAMOptions.',
].join(' ');

const NETWORK_LS = [
  'ID Labels Name Driver NetworkInterface Created. Created.Unix Subnets IPv6Enabled Internal DNSEnabled Options.',
  'IPAMOptions.',
].join(' ');

const POD_INSPECT = [
  'ID Name Namespace Created. Created.Unix CreateCommand ExitPolicy State Hostname Labels. CreateCgroup',
  'CgroupParent CgroupPath CreateInfra InfraContainerID InfraConfig. InfraConfig.PortBindings.',
  'InfraConfig.HostNetwork InfraConfig.StaticIP InfraConfig.StaticMAC InfraConfig.NoManageResolvConf',
  'InfraConfig.DNSServer InfraConfig.DNSSearch InfraConfig.DNSOption InfraConfig.NoManageHosts',
  'InfraConfig.HostAdd InfraConfig.Networks InfraConfig.NetworkOptions. InfraConfig.CPUPeriod',
  'InfraConfig.CPUQuota InfraConfig.CPUSetCPUs InfraConfig.PidNS InfraConfig.UserNS InfraConfig.UtsNS',
  'SharedNamespaces NumContainers Containers CPUPeriod CPUQuota CPUShares CPUSetCPUs CPUSetMems Mounts Devices',
  'BlkioDeviceReadBps BlkioDeviceWriteBps VolumesFrom SecurityOpts MemoryLimit MemorySwap BlkioWeight',
  'BlkioWeightDevice',
].join(' ');

const POD_PS = [
  'ContainerIds ContainerNames ContainerStatuses Created ID Id InfraID InfraId Labels. Networks',
  'NumberOfContainers Cgroup Name Namespace Status',
].join(' ');

const POD_STATS = [
  'CPU MemUsage MemUsageBytes Mem NetIO BlockIO PIDS Pod CID Name',
].join(' ');

const SECRET_LS = [
  'ID Name Driver CreatedAt UpdatedAt',
].join(' ');

const VERSION = [
  'Client. Client.APIVersion Client.Version Client.GoVersion Client.GitCommit Client.BuiltTime Client.Built',
  'Client.OsArch Client.Os Server. Server.APIVersion Server.Version Server.GoVersion Server.GitCommit',
  'Server.BuiltTime Server.Built Server.OsArch Server.Os',
].join(' ');

const VOLUME = [
  'Name Driver Mountpoint CreatedAt. CreatedAt.Unix Status. Labels. Scope Options. UID GID Anonymous MountCount',
  'NeedsCopyUp NeedsChown Timeout StorageID',
].join(' ');

const EVENTS = [
  'ContainerExitCode ID Image Name Network Status Time. Time.Unix Type HealthStatus Details. Details.ID',
  'Details.PodID Details.Attributes. PodID Attributes.',
].join(' ');

const SECRET_INSPECT = [
  'ID CreatedAt UpdatedAt Spec. Spec.Name Spec.Driver. Spec.Driver.Name Spec.Driver.Options. Spec.Labels.',
].join(' ');

/** Command path (as `tsc-run <path> --help` names it) -> its template fields. */
export const FORMAT_FIELDS: Readonly<Record<string, string>> = {
  'container inspect': CONTAINER_INSPECT,
  'container list': PS,
  'container ps': PS,
  'ps': PS,
  'container stats': STATS,
  'stats': STATS,
  'history': HISTORY,
  'image history': HISTORY,
  'image inspect': IMAGE_INSPECT,
  'image list': IMAGES,
  'images': IMAGES,
  'image search': SEARCH,
  'search': SEARCH,
  'info': INFO,
  'system info': INFO,
  'network inspect': NETWORK_INSPECT,
  'network ls': NETWORK_LS,
  'pod inspect': POD_INSPECT,
  'pod ps': POD_PS,
  'pod stats': POD_STATS,
  'secret ls': SECRET_LS,
  'version': VERSION,
  'volume inspect': VOLUME,
  'volume ls': VOLUME,
  'events': EVENTS,
  'secret inspect': SECRET_INSPECT,
};
