/**
 * Alibaba Cloud disks as the disk CSI driver creates them (kubernetes-sigs/alibaba-cloud-csi-driver,
 * pkg/disk/category.go): the sizes each category comes in, and the storage classes every ACK cluster
 * has. The pack judges stacks without importing the platform's code; a test keeps these tables equal
 * to the platform's own (components/platform/storage.ts).
 */
import { asObject } from "./policy";
import { memoryBytes } from "./quantities";

export const DISK_PROVISIONER = "diskplugin.csi.alibabacloud.com";

/** Sizes (GiB) of a category, or of one ESSD performance level. */
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

export interface DiskClass {
  readonly categories: readonly string[];
  readonly performanceLevel?: string;
  readonly bindingMode: "Immediate" | "WaitForFirstConsumer";
}

/** The disk classes of every ACK cluster (the driver's deploy/charts storage-class.yaml). */
export const ACK_DISK_CLASSES: Readonly<Record<string, DiskClass>> = {
  "alicloud-disk-essd": { categories: ["cloud_essd"], bindingMode: "Immediate" },
  "alicloud-disk-ssd": { categories: ["cloud_ssd"], bindingMode: "Immediate" },
  "alicloud-disk-efficiency": { categories: ["cloud_efficiency"], bindingMode: "Immediate" },
  "alicloud-disk-available": { categories: ["cloud_ssd", "cloud_efficiency"], bindingMode: "Immediate" },
  "alicloud-disk-topology-alltype": { categories: ["cloud_essd", "cloud_ssd", "cloud_efficiency"], bindingMode: "WaitForFirstConsumer" },
};

/** A StorageClass object's facts, if it is a disk class. */
export function diskClassOf(props: Record<string, any>): DiskClass | undefined {
  if (props["provisioner"] !== DISK_PROVISIONER) return undefined;
  const parameters = (asObject(props["parameters"]) ?? {}) as Record<string, string>;
  const categories = parameters["type"]
    ? String(parameters["type"])
        .split(",")
        .map((t) => t.trim())
    : ["cloud_ssd", "cloud_efficiency"];
  return {
    categories,
    ...(parameters["performanceLevel"] ? { performanceLevel: String(parameters["performanceLevel"]) } : {}),
    bindingMode: props["volumeBindingMode"] === "WaitForFirstConsumer" ? "WaitForFirstConsumer" : "Immediate",
  };
}

/** The smallest disk (GiB) any category of the class comes in. */
export function minimumGiB(disk: DiskClass): number | undefined {
  const mins = disk.categories
    .map((c) => ((disk.performanceLevel ? DISK_SIZES[`${c}/${disk.performanceLevel}`] : undefined) ?? DISK_SIZES[c])?.min)
    .filter((m): m is number => m !== undefined);
  return mins.length ? Math.min(...mins) : undefined;
}

/** Whole GiB of a size, rounded up as the driver does; undefined when it is not a quantity. */
export function sizeGiB(size: unknown): number | undefined {
  if (typeof size !== "string") return undefined;
  const bytes = memoryBytes(size);
  return bytes === undefined ? undefined : Math.ceil(bytes / 1024 ** 3);
}
