/**
 * Capacity of an Alibaba Cloud ECS instance type, from its name alone, so that the capacity rule
 * needs no API call. The naming is regular for the families a container platform uses:
 *
 *     ecs.<family>.<size>          family c = 2 GiB per vCPU, g = 4, r = 8 (an "hf" prefix, a
 *                                  generation number and suffix letters such as g7ne or c8y keep the ratio)
 *     ecs.<family>-c1m<N>.<size>   N GiB per vCPU (u1, t6, e and other "c1m" families)
 *
 * and the size gives the vCPUs: small 1, large 2, xlarge 4, <k>xlarge 4k. Anything else (GPU,
 * local-disk, bare-metal families) is refused with an error rather than guessed.
 */

import { alternatives, closestNames } from "./names";

export interface InstanceCapacity {
  readonly vcpu: number;
  readonly memoryGiB: number;
}

/** Thrown for a type whose capacity cannot be read from its name. */
export class UnknownInstanceTypeError extends Error {
  constructor(
    readonly instanceType: string,
    why: string,
  ) {
    super(`ECS instance type '${instanceType}' ${why}`);
    this.name = "UnknownInstanceTypeError";
  }
}

function vcpusOf(instanceType: string, size: string): number {
  if (size === "small") return 1;
  if (size === "large") return 2;
  if (size === "xlarge") return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return 4 * Number(m[1]);
  throw new UnknownInstanceTypeError(instanceType, `has size '${size}', which is not small, large, xlarge or <k>xlarge`);
}

function memoryRatioOf(instanceType: string, family: string): number {
  const ratio = /^([a-z0-9]+)-c1m(\d+)$/.exec(family);
  if (ratio && ECS_FAMILIES[ratio[1]!]?.named === "ratio") return Number(ratio[2]);
  const regular = ECS_FAMILIES[family]?.memoryPerVcpu;
  if (regular) return regular;
  throw new UnknownInstanceTypeError(
    instanceType,
    `is of family '${family}', whose memory per vCPU the capacity check does not know: it knows the c (2 GiB per vCPU), g (4 GiB) and r (8 GiB) families of ECS_FAMILIES (ecs.g7.xlarge, ecs.hfc7.large), and '<family>-c1m<N>' (N GiB, ecs.u1-c1m4.xlarge)`,
  );
}

/** vCPUs and memory of an ECS instance type such as "ecs.g7.2xlarge" (8 vCPU, 32 GiB). */
export function instanceCapacity(instanceType: string): InstanceCapacity {
  const m = /^ecs\.([a-z0-9-]+)\.([a-z0-9]+)$/.exec(instanceType);
  if (!m) throw new UnknownInstanceTypeError(instanceType, "is not of the form 'ecs.<family>.<size>', such as 'ecs.g7.xlarge'");
  const vcpu = vcpusOf(instanceType, m[2]!);
  return { vcpu, memoryGiB: vcpu * memoryRatioOf(instanceType, m[1]!) };
}

/**
 * The ECS instance families a node pool may name, by family: the memory per vCPU where the family
 * gives it (enterprise-level x86 and Arm families), or null where the capacity is not regular
 * (GPU, bare-metal and local-disk families, whose types the capacity rule cannot size). The shared
 * families (u1, e, t5, t6) are named `<family>-c<N>m<M>`, the GPU ones `<family>-c<N>g<M>`.
 *
 * This table is the one source of the instance types the platform accepts: the policy pack states
 * it because it must stand alone (it is published on its own); the node pool checks of the cloud
 * layer, and with them the stack's config, read it from here. A real family missing here is refused
 * with the families that are close to it: add it here, with a test.
 * Source: "Instance families" in the ECS documentation (alibabacloud.com/help/en/ecs/user-guide/overview-of-instance-families).
 */
export const ECS_FAMILIES: Readonly<Record<string, { readonly memoryPerVcpu: number | null; readonly named?: "ratio" | "gpu" }>> =
  Object.fromEntries([
    ...["g5", "g5ne", "g6", "g6a", "g6e", "g6h", "g6r", "g6t", "g7", "g7a", "g7h", "g7ne", "g7nex", "g7r", "g7t"].map((f) => [
      f,
      { memoryPerVcpu: 4 },
    ]),
    ...["g8a", "g8ae", "g8i", "g8ine", "g8y", "g9a", "g9ae", "g9i", "hfg5", "hfg6", "hfg7", "hfg8i"].map((f) => [f, { memoryPerVcpu: 4 }]),
    ...["c5", "c6", "c6a", "c6e", "c6r", "c6t", "c7", "c7a", "c7nex", "c7r", "c7t", "c8a", "c8ae", "c8i", "c8ine", "c8y"].map((f) => [
      f,
      { memoryPerVcpu: 2 },
    ]),
    ...["c9a", "c9ae", "c9i", "hfc5", "hfc6", "hfc7", "hfc8i"].map((f) => [f, { memoryPerVcpu: 2 }]),
    ...[
      "r5",
      "r6",
      "r6a",
      "r6e",
      "r6r",
      "r7",
      "r7a",
      "r7t",
      "r8a",
      "r8ae",
      "r8i",
      "r8y",
      "r9a",
      "r9ae",
      "r9i",
      "hfr6",
      "hfr7",
      "hfr8i",
    ].map((f) => [f, { memoryPerVcpu: 8 }]),
    ...["u1", "e", "t5", "t6"].map((f) => [f, { memoryPerVcpu: null, named: "ratio" }]),
    ...["gn5", "gn5i", "gn6e", "gn6i", "gn6v", "gn7", "gn7e", "gn7i", "gn7s", "gn8is", "gn8v", "vgn6i", "vgn7i-vws", "sgn7i-vws"].map(
      (f) => [f, { memoryPerVcpu: null, named: "gpu" }],
    ),
    ...["ebmc7", "ebmg7", "ebmr7", "ebmc8i", "ebmg8i", "ebmr8i", "ebmg8y", "d2s", "d3s", "d3c", "i3", "i3g", "i4", "i4g", "i4r"].map(
      (f) => [f, { memoryPerVcpu: null }],
    ),
  ]);

/** Sizes of an instance type: the named ones, and `<k>xlarge`. */
const NAMED_SIZES = ["nano", "micro", "small", "medium", "large", "xlarge"];

/**
 * What is wrong with an ECS instance type, read after "<type> ": undefined when its family is in
 * ECS_FAMILIES (with the variant its naming takes) and its size is one ECS has. Near misses are
 * answered with the types meant ("did you mean 'ecs.g7.xlarge'?").
 */
export function instanceTypeProblem(instanceType: string): string | undefined {
  const m = /^ecs\.([a-z0-9-]+)\.([a-z0-9]+)$/.exec(instanceType);
  if (!m) {
    const bare = /^([a-z0-9-]+)\.([a-z0-9]+)$/.exec(instanceType);
    const meant = bare && instanceTypeProblem(`ecs.${instanceType}`) === undefined ? `; did you mean 'ecs.${instanceType}'?` : "";
    return `is not an ECS instance type such as 'ecs.g7.xlarge'${meant}`;
  }
  const [, family, size] = m as unknown as [string, string, string];
  const sizeKnown = NAMED_SIZES.includes(size) || /^[1-9]\d*xlarge$/.test(size);
  const sizes = sizeKnown ? [size] : closestNames(size, [...NAMED_SIZES, "2xlarge", "4xlarge", "8xlarge"]);
  const variant = /^(.*?)-((?:l?c\d+m\d+)|(?:c\d+g\d+))$/.exec(family);
  const base = ECS_FAMILIES[family] ? family : (variant?.[1] ?? family);
  const entry = ECS_FAMILIES[base];
  const variantFits =
    entry !== undefined &&
    (entry.named === undefined
      ? base === family
      : variant !== null && (entry.named === "ratio" ? /m\d+$/.test(variant[2]!) : /g\d+$/.test(variant[2]!)));
  // Families named the way this one is written: with its suffix, or without one.
  const named = Object.keys(ECS_FAMILIES).filter((f) => {
    const n = ECS_FAMILIES[f]!.named;
    return variant ? (n === "ratio" ? /m\d+$/.test(variant[2]!) : n === "gpu" && /g\d+$/.test(variant[2]!)) : n === undefined;
  });
  const families = variantFits ? [family] : entry ? [] : closestNames(base, named).map((f) => (variant ? `${f}-${variant[2]}` : f));
  if (variantFits && sizeKnown) return undefined;
  const meant = families.flatMap((f) => sizes.map((s) => `ecs.${f}.${s}`)).filter((t) => t !== instanceType);
  const guess = meant.length > 0 ? `; did you mean ${alternatives(meant.slice(0, 4))}?` : "";
  if (!variantFits) {
    const why =
      entry?.named === "ratio"
        ? `family '${base}' is named '${base}-c<vCPU>m<GiB>', such as 'ecs.${base}-c1m2.large'`
        : entry?.named === "gpu"
          ? `family '${base}' is named '${base}-c<vCPU>g<GPU>', such as 'ecs.${base}-c8g1.2xlarge'`
          : entry
            ? `family '${base}' takes no '-${variant?.[2]}' suffix`
            : `there is no ECS instance family '${family}'`;
    return `is not an ECS instance type: ${why}${guess}`;
  }
  return `is not an ECS instance type: there is no size '${size}' (sizes are ${NAMED_SIZES.join(", ")} and <k>xlarge)${guess}`;
}
