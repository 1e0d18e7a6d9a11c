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

export interface InstanceCapacity {
  readonly vcpu: number;
  readonly memoryGiB: number;
}

const MEMORY_PER_VCPU: Readonly<Record<string, number>> = { c: 2, g: 4, r: 8 };

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
  const ratio = /^[a-z]+\d*[a-z]*-c1m(\d+)$/.exec(family);
  if (ratio) return Number(ratio[1]);
  const standard = /^(?:hf)?([cgr])\d+[a-z]*$/.exec(family);
  if (standard) return MEMORY_PER_VCPU[standard[1]!]!;
  throw new UnknownInstanceTypeError(
    instanceType,
    `is of family '${family}', whose memory per vCPU the capacity check does not know: it knows c (2 GiB per vCPU), g (4 GiB) and r (8 GiB), optionally 'hf'-prefixed (ecs.g7.xlarge, ecs.hfc7.large), and '<family>-c1m<N>' (N GiB, ecs.u1-c1m4.xlarge)`,
  );
}

/** vCPUs and memory of an ECS instance type such as "ecs.g7.2xlarge" (8 vCPU, 32 GiB). */
export function instanceCapacity(instanceType: string): InstanceCapacity {
  const m = /^ecs\.([a-z0-9-]+)\.([a-z0-9]+)$/.exec(instanceType);
  if (!m) throw new UnknownInstanceTypeError(instanceType, "is not of the form 'ecs.<family>.<size>', such as 'ecs.g7.xlarge'");
  const vcpu = vcpusOf(instanceType, m[2]!);
  return { vcpu, memoryGiB: vcpu * memoryRatioOf(instanceType, m[1]!) };
}
