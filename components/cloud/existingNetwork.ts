/**
 * ExistingNetwork: an environment in a VPC that exists already (where the VMs it migrates from
 * run), with its vSwitches. Nothing of the network is declared but what the cluster needs of its
 * own: the nodes' security group, and, when asked, the routes to the legacy networks in the route
 * tables named. The VPC, its vSwitches, its NAT and its routes stay their owner's.
 *
 * The address plan needs the VPC's block (the service CIDR apart from it, legacy endpoints inside it
 * or a declared network, the nodes' security group admitting it): it is given as `vpcCidr`. What can
 * no longer be checked: that each vSwitch lies in its zone and the VPC, and is large enough for the
 * nodes (and, with Terway, the pods) it will hold; and that the VPC has a way to the internet for
 * the nodes to boot (its NAT gateway is its owner's).
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { cidrSlug, type LegacyNetwork, legacyNetworkProblems, rangeProblems, zoneProblems } from "./networkPlan";

export const EXISTING_NETWORK_TYPE = "ack-platform:cloud:ExistingNetwork";

export interface ExistingNetworkArgs {
  readonly region: string;
  /** Zones the cluster runs in; each has a vSwitch in `vswitchIds`. */
  readonly zones: readonly string[];
  /** The VPC's id (vpc-...). */
  readonly vpcId: string;
  /** The VPC's block, for the address plan's checks and the nodes' security group. */
  readonly vpcCidr: string;
  /** The nodes' vSwitch in each zone (vsw-...). */
  readonly vswitchIds: Readonly<Record<string, string>>;
  /** Terway's pod vSwitch in each zone; none with Flannel. @default {} */
  readonly podVswitchIds?: Readonly<Record<string, string>>;
  /** Route tables (vtb-...) that get the routes to the legacy networks; none are written when empty. @default [] */
  readonly routeTableIds?: readonly string[];
  /** Networks outside the VPC that workloads reach, each with its next hop. @default [] */
  readonly legacyNetworks?: readonly LegacyNetwork[];
  /** The cluster's service CIDR, checked not to overlap the VPC. */
  readonly serviceCidr?: string;
  /** Flannel's pod CIDR: checked not to overlap, and admitted by the nodes' security group. */
  readonly podCidr?: string;
  /** @default 1 */
  readonly minZones?: number;
  /** Prefix of the names of what is declared. @default the component's name */
  readonly namePrefix?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export type ResolvedExistingNetwork = Required<Omit<ExistingNetworkArgs, "serviceCidr" | "podCidr">> &
  Pick<ExistingNetworkArgs, "serviceCidr" | "podCidr">;

export function resolveExistingNetwork(name: string, args: ExistingNetworkArgs): ResolvedExistingNetwork {
  return {
    region: args.region,
    zones: args.zones,
    vpcId: args.vpcId,
    vpcCidr: args.vpcCidr,
    vswitchIds: args.vswitchIds,
    podVswitchIds: args.podVswitchIds ?? {},
    routeTableIds: args.routeTableIds ?? [],
    legacyNetworks: args.legacyNetworks ?? [],
    serviceCidr: args.serviceCidr,
    podCidr: args.podCidr,
    minZones: args.minZones ?? 1,
    namePrefix: args.namePrefix ?? name,
    tags: { ...args.tags },
  };
}

/** One problem: a path in the args and a sentence that reads after it. */
export interface ExistingNetworkProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

const ID = { vpc: /^vpc-[a-z0-9]{8,32}$/, vsw: /^vsw-[a-z0-9]{8,32}$/, vtb: /^vtb-[a-z0-9]{8,32}$/ } as const;

/** Every problem with the args: ids of the right kind, a vSwitch in every zone and only there, the address plan. */
export function existingNetworkProblems(a: ResolvedExistingNetwork): ExistingNetworkProblem[] {
  const problems: ExistingNetworkProblem[] = [];
  const at = (path: ReadonlyArray<string | number>, message: string) => problems.push({ path, message });
  if (!ID.vpc.test(a.vpcId)) at(["vpcId"], `'${a.vpcId}' is not a VPC id such as 'vpc-bp1a2b3c4d5e6f7g8h9i0'`);
  for (const p of zoneProblems(a.region, a.zones, a.minZones)) at(p.index === undefined ? ["zones"] : ["zones", p.index], p.message);
  for (const [key, ids, required] of [
    ["vswitchIds", a.vswitchIds, true],
    ["podVswitchIds", a.podVswitchIds, Object.keys(a.podVswitchIds).length > 0],
  ] as const) {
    for (const zone of a.zones) {
      if (required && !ids[zone]) at([key], `has no vSwitch for zone '${zone}'; give one for every zone of the cluster`);
    }
    for (const [zone, id] of Object.entries(ids)) {
      if (!a.zones.includes(zone)) at([key, zone], `is not a zone of the cluster (${a.zones.join(", ")})`);
      if (!ID.vsw.test(id)) at([key, zone], `'${id}' is not a vSwitch id such as 'vsw-bp1a2b3c4d5e6f7g8h9i0'`);
    }
  }
  const seen = new Map<string, string>();
  for (const [key, ids] of [
    ["vswitchIds", a.vswitchIds],
    ["podVswitchIds", a.podVswitchIds],
  ] as const) {
    for (const [zone, id] of Object.entries(ids)) {
      const other = seen.get(id);
      if (other) at([key, zone], `'${id}' is also ${other}: nodes and pods each need a vSwitch of their own`);
      seen.set(id, `${key}.${zone}`);
    }
  }
  a.routeTableIds.forEach((id, i) => {
    if (!ID.vtb.test(id)) at(["routeTableIds", i], `'${id}' is not a route table id such as 'vtb-bp1a2b3c4d5e6f7g8h9i0'`);
  });
  for (const p of rangeProblems({ vpcCidr: a.vpcCidr, serviceCidr: a.serviceCidr, podCidr: a.podCidr })) at([p.field], p.message);
  for (const p of legacyNetworkProblems(a.legacyNetworks, { vpcCidr: a.vpcCidr, serviceCidr: a.serviceCidr, podCidr: a.podCidr })) {
    at(["legacyNetworks", ...p.path], p.message);
  }
  return problems;
}

export class ExistingNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** Node vSwitch ids by zone. */
  readonly vswitchIds: pulumi.Output<Record<string, string>>;
  /** Terway pod vSwitch ids by zone (empty without pod vSwitches). */
  readonly podVswitchIds: pulumi.Output<Record<string, string>>;
  /** Node vSwitch id of each zone, one Output each. */
  readonly zoneVswitchIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Pod vSwitch id of each zone, one Output each. */
  readonly zonePodVswitchIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** The VPC's NAT gateways are its owner's: none here. */
  readonly natGatewayIds: pulumi.Output<Record<string, string>>;
  readonly egressIps: pulumi.Output<string[]>;
  readonly securityGroupId: pulumi.Output<string>;
  /** Nothing of the way out is declared here: a cluster has nothing to wait for. */
  readonly internetAccess: readonly pulumi.Resource[];
  readonly legacyRoutes: readonly pulumi.Resource[];

  constructor(name: string, args: ExistingNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveExistingNetwork(name, args);
    const problems = existingNetworkProblems(a);
    if (problems.length > 0) {
      throw new Error(
        problems
          .map(
            (p) => `ExistingNetwork ${p.path.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("")}: ${p.message}`,
          )
          .join("\n"),
      );
    }
    super(EXISTING_NETWORK_TYPE, name, {}, opts);
    const securityGroup = new alicloud.ecs.SecurityGroup(
      `${name}-nodes-sg`,
      {
        securityGroupName: `${a.namePrefix}-nodes`,
        vpcId: a.vpcId,
        securityGroupType: "normal",
        innerAccessPolicy: "Accept",
        description: "ACK nodes: reachable from inside the VPC only",
        tags: a.tags,
      },
      { parent: this },
    );
    const ingress = [
      ["vpc", a.vpcCidr, "nodes, Terway pods and the control plane"] as const,
      ...(a.podCidr ? [["pods", a.podCidr, "Flannel pods"] as const] : []),
    ];
    for (const [role, cidr, who] of ingress) {
      new alicloud.ecs.SecurityGroupRule(
        `${name}-nodes-sg-${role}-ingress`,
        {
          securityGroupId: securityGroup.id,
          type: "ingress",
          ipProtocol: "all",
          portRange: "-1/-1",
          nicType: "intranet",
          policy: "accept",
          priority: 1,
          cidrIp: cidr,
          description: `from ${who}`,
        },
        { parent: this },
      );
    }
    const legacyRoutes: pulumi.Resource[] = [];
    for (const net of a.legacyNetworks) {
      for (const cidr of net.cidrs) {
        for (const routeTableId of a.routeTableIds) {
          legacyRoutes.push(
            new alicloud.vpc.RouteEntry(
              `${name}-legacy-${net.name}-${cidrSlug(cidr)}-${routeTableId}`,
              {
                routeTableId,
                destinationCidrblock: cidr,
                nexthopType: net.nextHop.type,
                nexthopId: net.nextHop.id,
                name: `${a.namePrefix}-${net.name}`,
                description: `legacy network ${net.name} through ${net.nextHop.type} ${net.nextHop.id}, in ${routeTableId}`,
              },
              { parent: this },
            ),
          );
        }
      }
    }
    const outputs = (ids: Readonly<Record<string, string>>) =>
      Object.fromEntries(Object.entries(ids).map(([z, id]) => [z, pulumi.output(id)]));
    this.vpcId = pulumi.output(a.vpcId);
    this.vswitchIds = pulumi.output({ ...a.vswitchIds });
    this.podVswitchIds = pulumi.output({ ...a.podVswitchIds });
    this.zoneVswitchIds = outputs(a.vswitchIds);
    this.zonePodVswitchIds = outputs(a.podVswitchIds);
    this.natGatewayIds = pulumi.output({} as Record<string, string>);
    this.egressIps = pulumi.output([]);
    this.securityGroupId = securityGroup.id;
    this.internetAccess = [];
    this.legacyRoutes = legacyRoutes;
    this.registerOutputs({
      vpcId: this.vpcId,
      vswitchIds: this.vswitchIds,
      podVswitchIds: this.podVswitchIds,
      securityGroupId: this.securityGroupId,
    });
  }
}
