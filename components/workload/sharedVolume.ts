/**
 * SharedVolume: an Alibaba Cloud NAS file system (a directory of it) that several services and jobs
 * of a namespace mount at once, as a statically provisioned PersistentVolume of the NAS CSI driver
 * and the claim bound to it.
 *
 * The driver (kubernetes-sigs/alibaba-cloud-csi-driver, pkg/nas/nodeserver.go) mounts
 * `<server>:<path>` over NFS: `server` is the mount target's domain alone (a server with a path in it
 * is refused: "mount path must be specified in the 'path' field"), `path` starts with '/' (default
 * '/'), `vers` is 3 (default) or 4.0. The volume handle is the volume's name, unique in the cluster.
 * The volume is kept when its claim goes (Retain), and both are protected when the data is.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareObject } from "./microservice";
import { parseQuantity } from "./quantities";
import { MicroserviceArgsError, type WorkloadProblem } from "./validate";

export const SHARED_VOLUME_TYPE = "ack-platform:workload:SharedVolume";
/** The NAS CSI driver's name. */
export const NAS_DRIVER = "nasplugin.csi.alibabacloud.com";

export interface SharedVolumeArgs {
  /** Namespace of the claim (the services that mount it run there). */
  readonly namespace: string;
  /** Name of the claim the services mount. */
  readonly claimName: string;
  /** The NAS mount target's domain, such as "0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com", in the cluster's VPC. */
  readonly server: string;
  /** Directory of the file system to mount. @default "/" */
  readonly path?: string;
  /** NFS version. @default "3" */
  readonly nfsVersion?: "3" | "4.0";
  /** Capacity recorded on the volume and claim (NAS grows as it is filled; this only has to match). @default "100Gi" */
  readonly size?: string;
  /** Mounted read-only by everyone. @default false */
  readonly readOnly?: boolean;
  /** Protects the volume and the claim from a mistaken destroy or replacement (Pulumi's `protect`). @default false */
  readonly protect?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

export type ResolvedSharedVolume = Required<Omit<SharedVolumeArgs, "labels">> & { readonly labels: Readonly<Record<string, string>> };

export function resolveSharedVolume(args: SharedVolumeArgs): ResolvedSharedVolume {
  return {
    namespace: args.namespace,
    claimName: args.claimName,
    server: args.server,
    path: args.path ?? "/",
    nfsVersion: args.nfsVersion ?? "3",
    size: args.size ?? "100Gi",
    readOnly: args.readOnly ?? false,
    protect: args.protect ?? false,
    labels: { ...args.labels },
  };
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const NAS_SERVER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export function sharedVolumeProblems(a: ResolvedSharedVolume): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  if (!DNS_LABEL.test(a.namespace)) problems.push({ path: ["namespace"], message: `'${a.namespace}' is not a DNS label` });
  if (!DNS_LABEL.test(a.claimName) || a.claimName.length > 63)
    problems.push({ path: ["claimName"], message: `'${a.claimName}' is not a DNS label` });
  if (a.server.includes(":") || a.server.includes("/")) {
    problems.push({
      path: ["server"],
      message: `'${a.server}' has a path in it; give the mount target's domain as server and the directory as path (the NAS driver refuses 'server:/dir')`,
    });
  } else if (!NAS_SERVER.test(a.server)) {
    problems.push({
      path: ["server"],
      message: `'${a.server}' is not a NAS mount target domain such as '0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com'`,
    });
  }
  if (!/^\/\S*$/.test(a.path) || a.path.split("/").includes(".."))
    problems.push({ path: ["path"], message: `'${a.path}' is not an absolute directory such as '/courseware'` });
  if (a.nfsVersion !== "3" && a.nfsVersion !== "4.0")
    problems.push({ path: ["nfsVersion"], message: `'${a.nfsVersion}' is not one of: 3, 4.0` });
  if (!/^[0-9]+(Ki|Mi|Gi|Ti|Pi)$/.test(a.size) || !parseQuantity(a.size))
    problems.push({ path: ["size"], message: `'${a.size}' is not a size such as '100Gi'` });
  return problems;
}

/** Name of the PersistentVolume (cluster-wide, so it carries the namespace) and its volume handle. */
export function sharedVolumeName(namespace: string, claimName: string): string {
  return `${namespace}-${claimName}`;
}

/** The PersistentVolume and its claim. Pure. */
export function sharedVolumeObjects(a: ResolvedSharedVolume): Array<{ role: string; object: Record<string, any> }> {
  const pvName = sharedVolumeName(a.namespace, a.claimName);
  const labels = { "app.kubernetes.io/name": a.claimName, "app.kubernetes.io/managed-by": "pulumi", ...a.labels };
  const accessModes = [a.readOnly ? "ReadOnlyMany" : "ReadWriteMany"];
  return [
    {
      role: "volume",
      object: {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: pvName, labels },
        spec: {
          capacity: { storage: a.size },
          accessModes,
          // Deleting the claim never deletes the files.
          persistentVolumeReclaimPolicy: "Retain",
          // Alibaba Cloud's NAS mount options: no NFS locks (NAS serves none), TCP, and a new source
          // port on reconnect so a NAS failover does not hang the mount.
          mountOptions: a.nfsVersion === "3" ? ["nolock,tcp,noresvport", "vers=3"] : ["noresvport", "vers=4.0"],
          csi: {
            driver: NAS_DRIVER,
            volumeHandle: pvName,
            readOnly: a.readOnly,
            volumeAttributes: { server: a.server, path: a.path },
          },
          // Bound to this claim only: no other claim can take it.
          claimRef: { namespace: a.namespace, name: a.claimName },
        },
      },
    },
    {
      role: "claim",
      object: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: a.claimName, namespace: a.namespace, labels },
        spec: {
          accessModes,
          // No class: the claim binds to the volume above, never to one a provisioner makes.
          storageClassName: "",
          volumeName: pvName,
          resources: { requests: { storage: a.size } },
        },
      },
    },
  ];
}

export class SharedVolume extends pulumi.ComponentResource {
  /** Name of the claim to mount. */
  readonly claimName: pulumi.Output<string>;

  constructor(
    name: string,
    args: SharedVolumeArgs,
    opts: pulumi.ComponentResourceOptions & { readonly childDependsOn?: readonly pulumi.Input<pulumi.Resource>[] } = {},
  ) {
    const a = resolveSharedVolume(args);
    const problems = sharedVolumeProblems(a);
    if (problems.length > 0) throw new MicroserviceArgsError(name, problems, "SharedVolume");
    const { childDependsOn, ...componentOpts } = opts;
    super(SHARED_VOLUME_TYPE, name, {}, componentOpts);
    let volume: pulumi.CustomResource | undefined;
    for (const planned of sharedVolumeObjects(a)) {
      const declared = declareObject(
        `${name}-${planned.role}`,
        { ...planned, custom: false, ...(a.protect ? { protect: true } : {}) },
        { parent: this },
        { ...(childDependsOn ? { all: childDependsOn } : {}), ...(volume ? { own: [volume] } : {}) },
      );
      volume ??= declared;
    }
    this.claimName = pulumi.output(a.claimName);
    this.registerOutputs({ claimName: this.claimName });
  }
}
