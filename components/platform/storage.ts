/**
 * Disks for the add-ons' volumes: what Alibaba Cloud's disk CSI driver accepts, and the storage
 * class the platform declares for them.
 *
 * Sizes are the driver's (kubernetes-sigs/alibaba-cloud-csi-driver, pkg/disk/category.go): it tries
 * a class's categories in order and skips each one whose minimum is above the claim ("requested size
 * 2GiB is less than minimum 20GiB", pkg/disk/cloud.go); it rounds a claim up only for classes with
 * `volumeSizeAutoAvailable`, which none of ACK's classes set. A claim below every category's
 * minimum stays Pending, and the StatefulSet behind it never starts.
 *
 * Disks are zonal: a class that binds Immediately picks the disk's zone before the scheduler places
 * the pod (pkg/disk/utils.go takes the first zone offered), so in a multi-zone cluster the zone
 * spread of a StatefulSet is decided by the provisioner, not by its topology spread. ACK's own
 * `alicloud-disk-topology-alltype` waits for the first consumer, but falls back from ESSD to SSD
 * and ultra disks when ESSD is out of stock, silently; the platform therefore declares its own
 * class: ESSD PL1 only, WaitForFirstConsumer, expandable, and retained when the data is protected.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DNS_LABEL, memoryBytes } from "./namespace";
import { type Problem, problemList, throwProblems } from "./validation";

export const DISK_CLASS_TYPE = "ack-platform:platform:DiskClass";

/** The disk CSI driver's provisioner name. */
export const DISK_PROVISIONER = "diskplugin.csi.alibabacloud.com";

/** Sizes (GiB) of a disk category, or of one performance level of it (pkg/disk/category.go). */
export const DISK_SIZES: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  cloud_efficiency: { min: 20, max: 65536 },
  cloud_ssd: { min: 20, max: 65536 },
  cloud_essd: { min: 20, max: 65536 },
  "cloud_essd/PL0": { min: 1, max: 65536 },
  "cloud_essd/PL1": { min: 20, max: 65536 },
  "cloud_essd/PL2": { min: 461, max: 65536 },
  "cloud_essd/PL3": { min: 1261, max: 65536 },
  cloud_auto: { min: 1, max: 65536 },
  cloud_essd_entry: { min: 10, max: 65536 },
  cloud_regional_disk_auto: { min: 10, max: 65536 },
};

/** What a storage class of the disk driver asks for: categories in order, and how it binds. */
export interface DiskClassFacts {
  /** The `type` parameter: categories tried in order. */
  readonly categories: readonly string[];
  /** The `performanceLevel` parameter (ESSD only), when set. */
  readonly performanceLevel?: string;
  readonly bindingMode: "Immediate" | "WaitForFirstConsumer";
}

/** The disk classes every ACK cluster has (the driver's deploy/charts storage-class.yaml). */
export const ACK_DISK_CLASSES: Readonly<Record<string, DiskClassFacts>> = {
  "alicloud-disk-essd": { categories: ["cloud_essd"], bindingMode: "Immediate" },
  "alicloud-disk-ssd": { categories: ["cloud_ssd"], bindingMode: "Immediate" },
  "alicloud-disk-efficiency": { categories: ["cloud_efficiency"], bindingMode: "Immediate" },
  "alicloud-disk-available": { categories: ["cloud_ssd", "cloud_efficiency"], bindingMode: "Immediate" },
  "alicloud-disk-topology-alltype": {
    categories: ["cloud_essd", "cloud_ssd", "cloud_efficiency"],
    bindingMode: "WaitForFirstConsumer",
  },
};

/** Name of the class the platform declares for its add-ons' volumes on Alibaba Cloud. */
export const PLATFORM_DISK_CLASS = "ack-platform-essd";

/** The sizes one attempt of the driver accepts. */
function attemptSizes(category: string, performanceLevel?: string) {
  return (performanceLevel ? DISK_SIZES[`${category}/${performanceLevel}`] : undefined) ?? DISK_SIZES[category];
}

/** The smallest and largest claim (GiB) some category of the class accepts; undefined for unknown categories. */
export function diskClassSizes(facts: DiskClassFacts): { min: number; max: number } | undefined {
  const sizes = facts.categories.map((c) => attemptSizes(c, facts.performanceLevel)).filter((s) => s !== undefined);
  if (sizes.length === 0) return undefined;
  return { min: Math.min(...sizes.map((s) => s.min)), max: Math.max(...sizes.map((s) => s.max)) };
}

/** Facts of a storage class's parameters as the driver reads them; undefined if it is not a disk class. */
export function diskClassFacts(
  provisioner: string,
  parameters: Readonly<Record<string, string>>,
  bindingMode?: string,
): DiskClassFacts | undefined {
  if (provisioner !== DISK_PROVISIONER) return undefined;
  // Without `type` the driver uses cloud_ssd then cloud_efficiency (pkg/disk/utils.go validateDiskType).
  const categories = parameters["type"] ? parameters["type"].split(",").map((t) => t.trim()) : ["cloud_ssd", "cloud_efficiency"];
  return {
    categories,
    ...(parameters["performanceLevel"] ? { performanceLevel: parameters["performanceLevel"] } : {}),
    bindingMode: bindingMode === "WaitForFirstConsumer" ? "WaitForFirstConsumer" : "Immediate",
  };
}

/** Whole GiB a claim asks for, rounded up as the driver does. */
export function claimGiB(size: string): number {
  return Math.ceil(memoryBytes(size) / 1024 ** 3);
}

/**
 * What a volume claim of `size` on class `storageClass` should be instead ("at least '20Gi', ..."),
 * if the class is a known disk class and the size is outside what all its categories accept; it
 * reads after "<size> is not". Unknown classes (a laptop's hostPath class, another provisioner)
 * are not judged.
 */
export function diskClaimProblem(
  size: string,
  storageClass: string,
  known: Readonly<Record<string, DiskClassFacts>> = KNOWN_DISK_CLASSES,
): string | undefined {
  const facts = known[storageClass];
  const sizes = facts ? diskClassSizes(facts) : undefined;
  if (!facts || !sizes) return undefined;
  let gib: number;
  try {
    gib = claimGiB(size);
  } catch {
    return undefined;
  }
  const kind = facts.categories
    .map((c) => (facts.performanceLevel && c === "cloud_essd" ? `${c} ${facts.performanceLevel}` : c))
    .join(", ");
  if (gib < sizes.min)
    return `at least '${sizes.min}Gi', the minimum of a disk of storage class '${storageClass}' (${kind}): the disk driver refuses a smaller claim and the volume stays Pending`;
  if (gib > sizes.max) return `at most '${sizes.max}Gi', the maximum of a disk of storage class '${storageClass}' (${kind})`;
  return undefined;
}

export interface DiskClassArgs {
  /**
   * Name of the StorageClass.
   * @default PLATFORM_DISK_CLASS ("ack-platform-essd")
   */
  readonly name?: string;
  /**
   * ESSD performance level; PL1 (20 GiB and more) suits logs and metrics.
   * @default "PL1"
   */
  readonly performanceLevel?: "PL0" | "PL1" | "PL2" | "PL3";
  /**
   * Keep the disk when its claim is deleted (production data).
   * @default false
   */
  readonly retain?: boolean;
}

export type ResolvedDiskClassArgs = Required<DiskClassArgs>;

/** The args with their defaults: the only place defaults are applied. */
export function resolveDiskClassArgs(args: DiskClassArgs): ResolvedDiskClassArgs {
  return { name: args.name ?? PLATFORM_DISK_CLASS, performanceLevel: args.performanceLevel ?? "PL1", retain: args.retain ?? false };
}

/** Every problem with resolved args. */
export function diskClassProblems(a: ResolvedDiskClassArgs): Problem[] {
  const { problems, fail } = problemList();
  if (!DNS_LABEL.test(a.name)) fail("name", a.name, "a DNS label");
  if (!["PL0", "PL1", "PL2", "PL3"].includes(a.performanceLevel))
    fail("performanceLevel", a.performanceLevel, "one of: PL0, PL1, PL2, PL3");
  return problems;
}

/** The StorageClass object: ESSD of one performance level, bound where the pod is scheduled. */
export function diskClassSpec(a: ResolvedDiskClassArgs) {
  return {
    metadata: { name: a.name, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "ack-platform" } },
    provisioner: DISK_PROVISIONER,
    parameters: { type: "cloud_essd", performanceLevel: a.performanceLevel, fstype: "ext4" },
    reclaimPolicy: a.retain ? "Retain" : "Delete",
    allowVolumeExpansion: true,
    volumeBindingMode: "WaitForFirstConsumer",
  };
}

/** Facts of the class `diskClassSpec` declares, for validating claims on it before it exists. */
export function diskClassFactsOf(a: ResolvedDiskClassArgs): DiskClassFacts {
  return { categories: ["cloud_essd"], performanceLevel: a.performanceLevel, bindingMode: "WaitForFirstConsumer" };
}

/** ACK's classes and the platform's own (with its default performance level). */
export const KNOWN_DISK_CLASSES: Readonly<Record<string, DiskClassFacts>> = {
  ...ACK_DISK_CLASSES,
  [PLATFORM_DISK_CLASS]: diskClassFactsOf(resolveDiskClassArgs({})),
};

/** The platform's disk class: see the module comment. Give it to the add-ons' `dependsOn`. */
export class DiskClass extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  /** What claims on it are validated against. */
  readonly facts: DiskClassFacts;

  constructor(name: string, args: DiskClassArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveDiskClassArgs(args);
    throwProblems("DiskClass", diskClassProblems(a));
    super(DISK_CLASS_TYPE, name, {}, opts);
    const storageClass = new k8s.storage.v1.StorageClass(`${name}-storage-class`, diskClassSpec(a), { parent: this });
    this.name = storageClass.metadata.name;
    this.facts = diskClassFactsOf(a);
    this.registerOutputs({ name: this.name });
  }
}
