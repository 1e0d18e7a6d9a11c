/**
 * The address plan of an environment's network, without Pulumi: which CIDR each zone's vSwitches
 * get, which NAT gateway serves which zone, and the checks that keep the VPC, pod and service
 * ranges apart. The Network component declares exactly what these functions return, and the config
 * schema calls the same checks, so a mistake is refused with the same words in both places.
 */
import { type Cidr, contains, formatCidr, overlaps, parseCidr, sizeOf, subnet } from "./cidr";

/** vSwitch masks Alibaba Cloud accepts. */
export const VSWITCH_PREFIX_RANGE = { min: 16, max: 29 } as const;

/** Ranges a VPC may use: RFC 1918. 100.64.0.0/10 is taken by Alibaba Cloud's own services. */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

export interface VswitchPlanInput {
  /** The VPC's block, e.g. "10.0.0.0/16". */
  readonly vpcCidr: string;
  /** Zones in allocation order. */
  readonly zones: readonly string[];
  /** Prefix of each node vSwitch, e.g. 22. */
  readonly nodePrefix: number;
  /** Prefix of each pod vSwitch (Terway), or undefined when pods take no vSwitch (Flannel). */
  readonly podPrefix?: number;
}

export interface ZoneAllocation {
  readonly zone: string;
  /** Position of the zone in the list; it alone decides the zone's blocks. */
  readonly index: number;
  readonly nodeCidr: string;
  readonly podCidr?: string;
}

export interface VswitchPlan {
  readonly vpcCidr: string;
  readonly zones: readonly ZoneAllocation[];
  /** How many zones this VPC can hold with these prefixes. */
  readonly capacity: number;
  /** Addresses left unallocated between the node and the pod blocks: the room to grow. */
  readonly freeAddresses: number;
}

/**
 * Where zone `index`'s blocks go. Node vSwitches are taken from the bottom of the VPC upwards and
 * pod vSwitches from the top downwards, so a zone's blocks depend only on its position, never on
 * how many zones there are: appending a zone leaves every earlier vSwitch where it is (a vSwitch
 * whose CIDR changes is replaced, with every node in it). The space between the two grows into.
 */
function blocksAt(vpc: Cidr, nodePrefix: number, podPrefix: number | undefined, index: number) {
  const node = subnet(vpc, nodePrefix, index);
  const podSlots = podPrefix === undefined ? 0 : 2 ** (podPrefix - vpc.prefix);
  const pod = podPrefix === undefined ? undefined : subnet(vpc, podPrefix, podSlots - 1 - index);
  return { node, pod };
}

/** Number of zones a VPC can hold: node and pod blocks, growing towards each other, must not meet. */
export function zoneCapacity(vpc: Cidr, nodePrefix: number, podPrefix?: number): number {
  if (nodePrefix <= vpc.prefix || (podPrefix !== undefined && podPrefix <= vpc.prefix)) return 0;
  let count = 0;
  for (;;) {
    const { node, pod } = blocksAt(vpc, nodePrefix, podPrefix, count);
    if (!node || (podPrefix !== undefined && !pod)) return count;
    const nodeEnd = node.base + sizeOf(node);
    if (pod && nodeEnd > pod.base) return count;
    count++;
  }
}

/** A problem with the plan's inputs: the field it concerns and a sentence naming the value. */
export interface PlanProblem {
  readonly field: "vpcCidr" | "zones" | "nodePrefix" | "podPrefix";
  readonly message: string;
}

/** Allocates each zone's vSwitch blocks, or says why the inputs cannot be planned. */
export function planVswitches(input: VswitchPlanInput): VswitchPlan | { readonly problem: PlanProblem } {
  const vpc = parseCidr(input.vpcCidr);
  if ("error" in vpc) {
    return { problem: { field: "vpcCidr", message: `'${input.vpcCidr}' is not an IPv4 CIDR block such as '10.0.0.0/16': ${vpc.error}` } };
  }
  const prefixes = [
    ["nodePrefix", input.nodePrefix] as const,
    ...(input.podPrefix === undefined ? [] : [["podPrefix", input.podPrefix] as const]),
  ];
  for (const [field, prefix] of prefixes) {
    if (!Number.isInteger(prefix) || prefix < VSWITCH_PREFIX_RANGE.min || prefix > VSWITCH_PREFIX_RANGE.max) {
      return {
        problem: {
          field,
          message: `/${prefix} is not a vSwitch size Alibaba Cloud accepts (/${VSWITCH_PREFIX_RANGE.min} to /${VSWITCH_PREFIX_RANGE.max})`,
        },
      };
    }
    if (prefix <= vpc.prefix) {
      return {
        problem: { field, message: `/${prefix} is not smaller than the VPC ${formatCidr(vpc)}; use a prefix longer than /${vpc.prefix}` },
      };
    }
  }
  const capacity = zoneCapacity(vpc, input.nodePrefix, input.podPrefix);
  if (input.zones.length > capacity) {
    const each =
      input.podPrefix === undefined
        ? `a /${input.nodePrefix} node vSwitch`
        : `a /${input.nodePrefix} node vSwitch and a /${input.podPrefix} pod vSwitch`;
    return {
      problem: {
        field: "vpcCidr",
        message: `'${formatCidr(vpc)}' holds ${capacity} zone${capacity === 1 ? "" : "s"} of ${each} each, not ${input.zones.length}; use a larger VPC or smaller vSwitches`,
      },
    };
  }
  const zones = input.zones.map((zone, index): ZoneAllocation => {
    const { node, pod } = blocksAt(vpc, input.nodePrefix, input.podPrefix, index);
    return { zone, index, nodeCidr: formatCidr(node!), ...(pod ? { podCidr: formatCidr(pod) } : {}) };
  });
  const used = zones.reduce((sum, z) => sum + 2 ** (32 - input.nodePrefix) + (z.podCidr ? 2 ** (32 - input.podPrefix!) : 0), 0);
  return { vpcCidr: formatCidr(vpc), zones, capacity, freeAddresses: sizeOf(vpc) - used };
}

/** A region id such as "cn-hangzhou" or "ap-southeast-1". */
export const REGION_ID = /^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$/;

/** What is wrong with a region id, as "<value> is not ...", or undefined. */
export function regionProblem(region: string): string | undefined {
  return REGION_ID.test(region) ? undefined : `'${region}' is not a region id such as 'cn-hangzhou'`;
}

/** True when `zone` is a zone id of `region`: "cn-hangzhou-h" of "cn-hangzhou", "ap-southeast-1a" of "ap-southeast-1". */
export function zoneBelongsToRegion(zone: string, region: string): boolean {
  if (!zone.startsWith(region)) return false;
  const rest = zone.slice(region.length);
  return /^-[a-z0-9]$/.test(rest) || (/\d$/.test(region) && /^[a-z]$/.test(rest));
}

/** Problems with a zone list: each zone in the region, none twice, at least `minZones`. */
export function zoneProblems(region: string, zones: readonly string[], minZones = 1): Array<{ index?: number; message: string }> {
  const problems: Array<{ index?: number; message: string }> = [];
  if (zones.length < minZones) {
    problems.push({
      message:
        minZones === 1
          ? `needs at least 1 zone, got ${zones.length}`
          : `needs at least ${minZones} zones so that a zone outage leaves capacity; got ${zones.length}`,
    });
  }
  const seen = new Map<string, number>();
  zones.forEach((zone, index) => {
    if (seen.has(zone)) problems.push({ index, message: `'${zone}' is listed twice (also zones[${seen.get(zone)}])` });
    seen.set(zone, index);
    if (!zoneBelongsToRegion(zone, region)) {
      const form = /\d$/.test(region) ? `'${region}a'` : `'${region}-a'`;
      problems.push({ index, message: `'${zone}' is not a zone of region '${region}' (its zones are named like ${form})` });
    }
  });
  return problems;
}

export interface ClusterRanges {
  /** The VPC's block; when given, it must be private and apart from the other two. */
  readonly vpcCidr?: string;
  /** The cluster's service CIDR. */
  readonly serviceCidr?: string;
  /** Flannel's pod CIDR. */
  readonly podCidr?: string;
}

/** Problems with the three address ranges of a cluster, by field: each valid, private, and apart. */
export function rangeProblems(ranges: ClusterRanges): Array<{ field: keyof ClusterRanges; message: string }> {
  const problems: Array<{ field: keyof ClusterRanges; message: string }> = [];
  const parsed = new Map<keyof ClusterRanges, Cidr>();
  for (const field of ["vpcCidr", "serviceCidr", "podCidr"] as const) {
    const text = ranges[field];
    if (text === undefined) continue;
    const block = parseCidr(text);
    if ("error" in block) problems.push({ field, message: `'${text}' is not an IPv4 CIDR block such as '10.0.0.0/16': ${block.error}` });
    else parsed.set(field, block);
  }
  const vpc = parsed.get("vpcCidr");
  if (vpc && !PRIVATE_RANGES.some((r) => contains(parseCidr(r) as Cidr, vpc))) {
    problems.push({ field: "vpcCidr", message: `'${ranges.vpcCidr}' is not inside a private range (${PRIVATE_RANGES.join(", ")})` });
  }
  const service = parsed.get("serviceCidr");
  const pod = parsed.get("podCidr");
  if (vpc && service && overlaps(vpc, service)) {
    problems.push({
      field: "serviceCidr",
      message: `'${ranges.serviceCidr}' overlaps the VPC '${ranges.vpcCidr}'; use a block outside it such as '172.21.0.0/20'`,
    });
  }
  if (vpc && pod && overlaps(vpc, pod)) {
    problems.push({ field: "podCidr", message: `'${ranges.podCidr}' overlaps the VPC '${ranges.vpcCidr}'` });
  }
  if (service && pod && overlaps(service, pod)) {
    problems.push({ field: "podCidr", message: `'${ranges.podCidr}' overlaps the service CIDR '${ranges.serviceCidr}'` });
  }
  return problems;
}

export type NatMode = "per-environment" | "per-zone";

export interface NatGatewayPlan {
  /**
   * The role in resource names: "nat" for the first zone's gateway in both modes, so that moving
   * from one gateway to one per zone adds gateways and keeps the first (and its egress IP, which
   * partners may have allow-listed); "nat-<zone>" for the others.
   */
  readonly role: string;
  /** Zone whose node vSwitch holds the gateway. */
  readonly zone: string;
  /** Zones whose vSwitches leave through this gateway. */
  readonly serves: readonly string[];
}

/** One gateway for the environment in its first zone, or one per zone. */
export function planNatGateways(zones: readonly string[], mode: NatMode): NatGatewayPlan[] {
  if (zones.length === 0) return [];
  if (mode === "per-environment") return [{ role: "nat", zone: zones[0]!, serves: [...zones] }];
  return zones.map((zone, i) => ({ role: i === 0 ? "nat" : `nat-${zone}`, zone, serves: [zone] }));
}

/**
 * Next hops a route to a legacy network can take (`vpc.RouteEntry` nexthopType), with the id prefix
 * of each: a VPN gateway, a transit router attachment (CEN), a VPC peering connection, an ECS
 * instance or ENI running a router, a high-availability virtual IP, a router interface (Express
 * Connect), an Express Connect Router.
 */
export const LEGACY_NEXT_HOPS: Readonly<Record<string, string>> = {
  VpnGateway: "vpn-",
  Attachment: "tr-attach-",
  VpcPeer: "pcc-",
  Instance: "i-",
  NetworkInterface: "eni-",
  HaVip: "havip-",
  RouterInterface: "ri-",
  Ecr: "ecr-",
};

/** A network outside the VPC (the VMs a service is moving from) and how the VPC reaches it. */
export interface LegacyNetwork {
  /** Name, a DNS label; part of the route entries' resource names. */
  readonly name: string;
  /** Its address blocks. */
  readonly cidrs: readonly string[];
  /** Where the VPC sends traffic for those blocks. */
  readonly nextHop: { readonly type: string; readonly id: string };
}

/** Routes to legacy networks take /8 to /32: a network of VMs, or a single host. */
export const LEGACY_ROUTE_PREFIXES = { min: 8, max: 32 } as const;

/**
 * Problems with the legacy networks of a VPC: names unique, each block valid, outside the VPC and the
 * cluster's service (and Flannel pod) ranges, which the VPC routes itself, and in no other network,
 * and a next hop of a known kind with an id of that kind.
 */
export function legacyNetworkProblems(
  networks: readonly LegacyNetwork[],
  ranges: ClusterRanges,
): Array<{ path: ReadonlyArray<string | number>; message: string }> {
  const problems: Array<{ path: ReadonlyArray<string | number>; message: string }> = [];
  const own = (["vpcCidr", "serviceCidr", "podCidr"] as const).flatMap((field) => {
    const text = ranges[field];
    const block = text === undefined ? undefined : parseCidr(text);
    return block && !("error" in block) ? [{ field, text: text!, block }] : [];
  });
  const names = new Map<string, number>();
  const seen: Array<{ block: Cidr; at: string }> = [];
  networks.forEach((net, i) => {
    if (!/^(?=.{1,40}$)[a-z]([-a-z0-9]*[a-z0-9])?$/.test(net.name))
      problems.push({
        path: [i, "name"],
        message: `'${net.name}' is not a name of 1 to 40 characters of a-z, 0-9 and '-', starting with a letter`,
      });
    else if (names.has(net.name))
      problems.push({ path: [i, "name"], message: `'${net.name}' is already legacyNetworks[${names.get(net.name)}]` });
    names.set(net.name, i);
    if (net.cidrs.length === 0) problems.push({ path: [i, "cidrs"], message: "needs at least 1 CIDR block, got 0" });
    net.cidrs.forEach((text, j) => {
      const block = parseCidr(text, LEGACY_ROUTE_PREFIXES);
      if ("error" in block) {
        problems.push({ path: [i, "cidrs", j], message: `'${text}' is not an IPv4 CIDR block such as '192.168.10.0/24': ${block.error}` });
        return;
      }
      for (const range of own) {
        if (overlaps(block, range.block)) {
          const what = { vpcCidr: "the VPC", serviceCidr: "the service CIDR", podCidr: "the pod CIDR" }[range.field];
          problems.push({ path: [i, "cidrs", j], message: `'${text}' overlaps ${what} '${range.text}', which the VPC routes itself` });
        }
      }
      const clash = seen.find((s) => overlaps(s.block, block));
      if (clash)
        problems.push({ path: [i, "cidrs", j], message: `'${text}' overlaps ${clash.at}; a block is reached through one next hop` });
      seen.push({ block, at: `legacyNetworks[${i}].cidrs[${j}] '${text}'` });
    });
    const prefix = LEGACY_NEXT_HOPS[net.nextHop.type];
    if (prefix === undefined)
      problems.push({
        path: [i, "nextHop", "type"],
        message: `'${net.nextHop.type}' is not one of: ${Object.keys(LEGACY_NEXT_HOPS).join(", ")}`,
      });
    else if (!new RegExp(`^${prefix}[a-z0-9]+$`).test(net.nextHop.id))
      problems.push({ path: [i, "nextHop", "id"], message: `'${net.nextHop.id}' is not the id of a ${net.nextHop.type} (${prefix}...)` });
  });
  return problems;
}

/** The legacy network an address lies in, or undefined. Addresses inside the VPC need none. */
export function legacyNetworkOf(address: string, networks: readonly LegacyNetwork[]): LegacyNetwork | undefined {
  const host = parseCidr(`${address}/32`, LEGACY_ROUTE_PREFIXES);
  if ("error" in host) return undefined;
  return networks.find((n) =>
    n.cidrs.some((c) => {
      const block = parseCidr(c, LEGACY_ROUTE_PREFIXES);
      return !("error" in block) && contains(block, host);
    }),
  );
}

/** Whether an address lies inside a block. */
export function addressIn(address: string, cidr: string): boolean {
  const host = parseCidr(`${address}/32`, LEGACY_ROUTE_PREFIXES);
  const block = parseCidr(cidr, LEGACY_ROUTE_PREFIXES);
  return !("error" in host) && !("error" in block) && contains(block, host);
}

/** The part of a route entry's resource name that names a block: "192.168.10.0/24" → "192-168-10-0-24". */
export function cidrSlug(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}
