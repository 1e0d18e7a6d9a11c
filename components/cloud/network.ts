/**
 * The network of an environment on Alibaba Cloud: a VPC (never the classic network, where the field
 * could not get pod networking to work), a node vSwitch and optionally a pod vSwitch per zone, an
 * Enhanced NAT gateway with an EIP and SNAT entries so that private nodes reach the internet, the
 * nodes' security group, which takes nothing from 0.0.0.0/0, and the routes to the legacy networks
 * services still send traffic to, in every route table.
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
  cidrSlug,
  type LegacyNetwork,
  legacyNetworkProblems,
  type NatMode,
  planNatGateways,
  planVswitches,
  rangeProblems,
  regionProblem,
  type VswitchPlan,
  zoneProblems,
} from "./networkPlan";

export const NETWORK_TYPE = "ack-platform:cloud:Network";

export interface NetworkArgs {
  /** Region id, e.g. "cn-hangzhou"; every zone must belong to it. */
  readonly region: string;
  /**
   * Zones, in allocation order. Each zone's vSwitch CIDRs follow from its position: append new
   * zones at the end; reordering or removing one from the middle moves (replaces) the vSwitches after it.
   */
  readonly zones: readonly string[];
  /**
   * The VPC's block, inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;
  /**
   * Size of each zone's node vSwitch.
   * @default 22 (1,024 addresses)
   */
  readonly nodeVswitchPrefix?: number;
  /**
   * Size of each zone's pod vSwitch, from which Terway gives pods VPC addresses; `false` for no pod
   * vSwitches (Flannel, whose pods use `podCidr`).
   * @default 19 (8,192 addresses)
   */
  readonly podVswitchPrefix?: number | false;
  /**
   * One NAT gateway for the environment, or one per zone so that a zone outage leaves the other
   * zones online (each zone then gets its own route table).
   * @default "per-environment"
   */
  readonly natGateway?: NatMode;
  /**
   * Bandwidth cap of each NAT gateway's EIP, in Mbit/s (pay by traffic: 1 to 200).
   * @default 100
   */
  readonly natBandwidthMbps?: number;
  /** The cluster's service CIDR, checked here not to overlap the VPC so that the plan is refused before anything exists. */
  readonly serviceCidr?: string;
  /** Flannel's pod CIDR: checked not to overlap the VPC and the services, and let into the node security group. */
  readonly podCidr?: string;
  /**
   * Fewest zones accepted; production passes 2.
   * @default 1
   */
  readonly minZones?: number;
  /**
   * Networks outside the VPC that workloads reach (the VMs a service is moving from), each with the
   * next hop that leads there: routes to them are written into the VPC's system route table and
   * into every zone's route table (vSwitches bound to a custom table see only that table's routes).
   * @default []
   */
  readonly legacyNetworks?: readonly LegacyNetwork[];
  /**
   * Protects the VPC, its vSwitches, the NAT gateways and their EIPs from deletion: Pulumi's
   * `protect`, and the cloud's own deletion protection where the resource has one.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Prefix of the names the resources get in Alibaba Cloud (vpcName, vswitchName, ...).
   * @default the component's name
   */
  readonly namePrefix?: string;
  /** Tags added to every resource that takes tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The args with every default applied. */
export type ResolvedNetworkArgs = Required<Omit<NetworkArgs, "serviceCidr" | "podCidr" | "tags" | "legacyNetworks">> & {
  readonly legacyNetworks: readonly LegacyNetwork[];
} & Pick<NetworkArgs, "serviceCidr" | "podCidr"> & { readonly tags: Readonly<Record<string, string>> };

/** Applies the documented defaults. */
export function networkDefaults(name: string, args: NetworkArgs): ResolvedNetworkArgs {
  return {
    region: args.region,
    zones: args.zones,
    vpcCidr: args.vpcCidr ?? "10.0.0.0/16",
    nodeVswitchPrefix: args.nodeVswitchPrefix ?? 22,
    podVswitchPrefix: args.podVswitchPrefix ?? 19,
    natGateway: args.natGateway ?? "per-environment",
    natBandwidthMbps: args.natBandwidthMbps ?? 100,
    serviceCidr: args.serviceCidr,
    podCidr: args.podCidr,
    minZones: args.minZones ?? 1,
    legacyNetworks: args.legacyNetworks ?? [],
    deletionProtection: args.deletionProtection ?? true,
    namePrefix: args.namePrefix ?? name,
    tags: { ...args.tags },
  };
}

const NAME_PREFIX = /^[a-zA-Z][-a-zA-Z0-9_.]{0,79}$/;

/** Bandwidth of a NAT gateway's EIP: a pay-by-traffic EIP takes 1 to 200 Mbit/s. */
export const NAT_BANDWIDTH_MBPS = { min: 1, max: 200 } as const;

/** One problem with the args: the field (a path in the args, such as "legacyNetworks[0].name") and a sentence. */
export interface NetworkProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Every problem with the args (defaults applied), and the vSwitch plan when there is none. Each
 * names the field, the value given and what is accepted; the stack's config reports the same.
 */
export function networkProblems(args: ResolvedNetworkArgs): { problems: NetworkProblem[]; plan?: VswitchPlan } {
  const problems: NetworkProblem[] = [];
  const fail = (field: string, message: string) => void problems.push({ field, message });
  const region = regionProblem(args.region);
  if (region) fail("region", region);
  else
    for (const p of zoneProblems(args.region, args.zones, args.minZones))
      fail(p.index === undefined ? "zones" : `zones[${p.index}]`, p.message);
  for (const p of rangeProblems({ vpcCidr: args.vpcCidr, serviceCidr: args.serviceCidr, podCidr: args.podCidr })) fail(p.field, p.message);
  if (args.podCidr !== undefined && args.podVswitchPrefix !== false) {
    fail(
      "podCidr",
      `'${args.podCidr}' is Flannel's pod network, but podVswitchPrefix /${args.podVswitchPrefix} asks for Terway pod vSwitches; set podVswitchPrefix to false with Flannel`,
    );
  }
  if (args.podCidr !== undefined && args.natGateway === "per-zone") {
    fail(
      "natGateway",
      "'per-zone' is not accepted with Flannel: it gives each zone its own route table, and Flannel's pod routes are written only to the VPC's system route table; use Terway or 'per-environment'",
    );
  }
  const { min, max } = NAT_BANDWIDTH_MBPS;
  if (!Number.isInteger(args.natBandwidthMbps) || args.natBandwidthMbps < min || args.natBandwidthMbps > max) {
    fail("natBandwidthMbps", `${args.natBandwidthMbps} is not between ${min} and ${max} (Mbit/s of a pay-by-traffic EIP)`);
  }
  if (!Number.isInteger(args.minZones) || args.minZones < 1) fail("minZones", `${args.minZones} is not an integer of at least 1`);
  for (const p of legacyNetworkProblems(args.legacyNetworks, {
    vpcCidr: args.vpcCidr,
    serviceCidr: args.serviceCidr,
    podCidr: args.podCidr,
  }))
    fail(`legacyNetworks${p.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`, p.message);
  if (!NAME_PREFIX.test(args.namePrefix)) {
    fail("namePrefix", `'${args.namePrefix}' is not a name of 1 to 80 letters, digits, '-', '_' and '.', starting with a letter`);
  }
  const plan = planVswitches({
    vpcCidr: args.vpcCidr,
    zones: args.zones,
    nodePrefix: args.nodeVswitchPrefix,
    ...(args.podVswitchPrefix === false ? {} : { podPrefix: args.podVswitchPrefix }),
  });
  if ("problem" in plan) {
    const field = { vpcCidr: "vpcCidr", zones: "zones", nodePrefix: "nodeVswitchPrefix", podPrefix: "podVswitchPrefix" }[
      plan.problem.field
    ];
    // A VPC block that does not parse is said once, by rangeProblems.
    if (!problems.some((p) => p.field === field)) fail(field, plan.problem.message);
    return { problems };
  }
  return problems.length === 0 ? { problems, plan } : { problems };
}

/**
 * Validates the args (defaults applied) and returns the vSwitch plan. Throws an error that lists
 * every problem, each naming the field, the value given and what is accepted; nothing is declared
 * before this returns.
 */
export function validateNetworkArgs(args: ResolvedNetworkArgs): VswitchPlan {
  const { problems, plan } = networkProblems(args);
  if (!plan || problems.length > 0) throw new Error(problems.map((p) => `Network ${p.field}: ${p.message}`).join("\n"));
  return plan;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** Node vSwitch ids by zone. */
  readonly vswitchIds: pulumi.Output<Record<string, string>>;
  /** Terway pod vSwitch ids by zone (empty without pod vSwitches). */
  readonly podVswitchIds: pulumi.Output<Record<string, string>>;
  /** Node vSwitch id of each zone, one Output each (what ExistingNetwork gives too). */
  readonly zoneVswitchIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Pod vSwitch id of each zone, one Output each. */
  readonly zonePodVswitchIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** The NAT gateway each zone leaves through, by zone. */
  readonly natGatewayIds: pulumi.Output<Record<string, string>>;
  /** The first zone's NAT gateway: the only one with "per-environment". */
  readonly natGatewayId: pulumi.Output<string>;
  /** Public addresses the environment's outbound traffic comes from (for partners' allow-lists). */
  readonly egressIps: pulumi.Output<string[]>;
  readonly securityGroupId: pulumi.Output<string>;
  /**
   * What gives the vSwitches their way out (EIP bindings, SNAT entries, routes): a cluster should
   * wait for these, because its nodes download from the internet while they boot.
   */
  readonly internetAccess: readonly pulumi.Resource[];
  /** Route entries to the legacy networks, in every route table. */
  readonly legacyRoutes: readonly pulumi.Resource[];
  /** The address plan that was declared. */
  readonly plan: VswitchPlan;

  readonly vpc: alicloud.vpc.Network;
  readonly nodeVswitches: Readonly<Record<string, alicloud.vpc.Switch>>;
  readonly podVswitches: Readonly<Record<string, alicloud.vpc.Switch>>;
  readonly securityGroup: alicloud.ecs.SecurityGroup;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = networkDefaults(name, args);
    const plan = validateNetworkArgs(a);
    super(NETWORK_TYPE, name, {}, opts);
    this.plan = plan;
    const tags = a.tags;
    const protect = a.deletionProtection;

    this.vpc = new alicloud.vpc.Network(
      `${name}-vpc`,
      { vpcName: `${a.namePrefix}-vpc`, cidrBlock: plan.vpcCidr, description: `${a.namePrefix}: nodes and pods of the ACK cluster`, tags },
      { parent: this, protect },
    );

    const nodeVswitches: Record<string, alicloud.vpc.Switch> = {};
    const podVswitches: Record<string, alicloud.vpc.Switch> = {};
    for (const z of plan.zones) {
      nodeVswitches[z.zone] = new alicloud.vpc.Switch(
        `${name}-nodes-${z.zone}`,
        {
          vswitchName: `${a.namePrefix}-nodes-${z.zone}`,
          vpcId: this.vpc.id,
          zoneId: z.zone,
          cidrBlock: z.nodeCidr,
          description: "ACK nodes and control plane endpoints",
          tags,
        },
        // A vSwitch with nodes' ENIs in it cannot be deleted cleanly; a zone leaves deliberately.
        { parent: this, protect },
      );
      if (z.podCidr) {
        podVswitches[z.zone] = new alicloud.vpc.Switch(
          `${name}-pods-${z.zone}`,
          {
            vswitchName: `${a.namePrefix}-pods-${z.zone}`,
            vpcId: this.vpc.id,
            zoneId: z.zone,
            cidrBlock: z.podCidr,
            description: "Terway pod addresses",
            tags,
          },
          { parent: this, protect },
        );
      }
    }
    this.nodeVswitches = nodeVswitches;
    this.podVswitches = podVswitches;

    const natByZone: Record<string, pulumi.Output<string>> = {};
    const zoneTables: Record<string, alicloud.vpc.RouteTable> = {};
    const internetAccess: pulumi.Resource[] = [];
    const egressIps: pulumi.Output<string>[] = [];
    for (const gateway of planNatGateways(a.zones, a.natGateway)) {
      const role = gateway.role;
      const nat = new alicloud.vpc.NatGateway(
        `${name}-${role}`,
        {
          natGatewayName: `${a.namePrefix}-${role}`,
          vpcId: this.vpc.id,
          vswitchId: nodeVswitches[gateway.zone]!.id,
          natType: "Enhanced",
          networkType: "internet",
          paymentType: "PayAsYouGo",
          internetChargeType: "PayByLcu",
          deletionProtection: protect,
          description: `outbound internet for ${gateway.serves.join(", ")}`,
          tags,
        },
        { parent: this, protect },
      );
      const eip = new alicloud.ecs.EipAddress(
        `${name}-eip${role === "nat" ? "" : `-${gateway.zone}`}`,
        {
          addressName: `${a.namePrefix}-${role}-eip`,
          bandwidth: String(a.natBandwidthMbps),
          paymentType: "PayAsYouGo",
          internetChargeType: "PayByTraffic",
          deletionProtection: protect,
          description: `egress address of ${a.namePrefix}-${role}`,
          tags,
        },
        { parent: this, protect },
      );
      const association = new alicloud.ecs.EipAssociation(
        `${name}-eip-association${role === "nat" ? "" : `-${gateway.zone}`}`,
        { allocationId: eip.id, instanceId: nat.id, instanceType: "Nat" },
        { parent: this },
      );
      egressIps.push(eip.ipAddress);
      internetAccess.push(association);

      for (const zone of gateway.serves) {
        natByZone[zone] = nat.id;
        const sources = [["nodes", nodeVswitches[zone]!] as const, ...(podVswitches[zone] ? [["pods", podVswitches[zone]] as const] : [])];
        for (const [kind, vswitch] of sources) {
          // Nothing else orders an SNAT entry after the EIP is bound to the gateway.
          const snat = new alicloud.vpc.SnatEntry(
            `${name}-snat-${zone}-${kind}`,
            {
              snatTableId: nat.snatTableIds,
              sourceVswitchId: vswitch.id,
              snatIp: eip.ipAddress,
              snatEntryName: `${a.namePrefix}-${zone}-${kind}`,
            },
            { parent: this, dependsOn: [association] },
          );
          internetAccess.push(snat);
        }
        // With one gateway, the 0.0.0.0/0 route it adds to the system route table serves every
        // zone. A second gateway gets no such route, so each zone routes through its own table.
        if (a.natGateway === "per-zone") {
          const table = new alicloud.vpc.RouteTable(
            `${name}-routes-${zone}`,
            {
              vpcId: this.vpc.id,
              routeTableName: `${a.namePrefix}-${zone}`,
              associateType: "VSwitch",
              description: `${zone} leaves through ${a.namePrefix}-${role}`,
              tags,
            },
            { parent: this },
          );
          zoneTables[zone] = table;
          const route = new alicloud.vpc.RouteEntry(
            `${name}-default-route-${zone}`,
            {
              routeTableId: table.id,
              destinationCidrblock: "0.0.0.0/0",
              nexthopType: "NatGateway",
              nexthopId: nat.id,
              name: `${a.namePrefix}-${zone}-internet`,
            },
            { parent: this },
          );
          internetAccess.push(route);
          for (const [kind, vswitch] of sources) {
            internetAccess.push(
              new alicloud.vpc.RouteTableAttachment(
                `${name}-routes-${zone}-${kind}`,
                { routeTableId: table.id, vswitchId: vswitch.id },
                { parent: this },
              ),
            );
          }
        }
      }
    }

    const legacyRoutes: pulumi.Resource[] = [];
    const tables: Array<[suffix: string, tableId: pulumi.Input<string>, where: string]> = [
      ["", this.vpc.routeTableId, "the system route table"],
      ...Object.entries(zoneTables).map(
        ([zone, t]) => [`-${zone}`, t.id, `the route table of ${zone}`] as [string, pulumi.Input<string>, string],
      ),
    ];
    for (const net of a.legacyNetworks) {
      for (const cidr of net.cidrs) {
        for (const [suffix, routeTableId, where] of tables) {
          // One resource per network, block and table: adding a block or a zone adds routes and
          // leaves the others where they are.
          legacyRoutes.push(
            new alicloud.vpc.RouteEntry(
              `${name}-legacy-${net.name}-${cidrSlug(cidr)}${suffix}`,
              {
                routeTableId,
                destinationCidrblock: cidr,
                nexthopType: net.nextHop.type,
                nexthopId: net.nextHop.id,
                name: `${a.namePrefix}-${net.name}`,
                description: `legacy network ${net.name} through ${net.nextHop.type} ${net.nextHop.id}, in ${where}`,
              },
              { parent: this },
            ),
          );
        }
      }
    }
    this.legacyRoutes = legacyRoutes;

    this.securityGroup = new alicloud.ecs.SecurityGroup(
      `${name}-nodes-sg`,
      {
        securityGroupName: `${a.namePrefix}-nodes`,
        vpcId: this.vpc.id,
        securityGroupType: "normal",
        innerAccessPolicy: "Accept",
        description: "ACK nodes: reachable from inside the VPC only",
        tags,
      },
      { parent: this },
    );
    const ingress = [
      ["vpc", plan.vpcCidr, "nodes, Terway pods and the control plane"] as const,
      ...(a.podCidr ? [["pods", a.podCidr, "Flannel pods"] as const] : []),
    ];
    for (const [role, cidr, who] of ingress) {
      new alicloud.ecs.SecurityGroupRule(
        `${name}-nodes-sg-${role}-ingress`,
        {
          securityGroupId: this.securityGroup.id,
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

    const idsOf = (switches: Record<string, alicloud.vpc.Switch>) =>
      pulumi.all(Object.fromEntries(Object.entries(switches).map(([zone, s]) => [zone, s.id]))) as pulumi.Output<Record<string, string>>;
    this.vpcId = this.vpc.id;
    this.vswitchIds = idsOf(nodeVswitches);
    this.podVswitchIds = idsOf(podVswitches);
    this.zoneVswitchIds = Object.fromEntries(Object.entries(nodeVswitches).map(([zone, s]) => [zone, s.id]));
    this.zonePodVswitchIds = Object.fromEntries(Object.entries(podVswitches).map(([zone, s]) => [zone, s.id]));
    this.natGatewayIds = pulumi.all(natByZone) as pulumi.Output<Record<string, string>>;
    this.natGatewayId = natByZone[a.zones[0]!]!;
    this.egressIps = pulumi.all(egressIps);
    this.securityGroupId = this.securityGroup.id;
    this.internetAccess = internetAccess;
    this.registerOutputs({
      vpcId: this.vpcId,
      vswitchIds: this.vswitchIds,
      podVswitchIds: this.podVswitchIds,
      natGatewayIds: this.natGatewayIds,
      natGatewayId: this.natGatewayId,
      egressIps: this.egressIps,
      securityGroupId: this.securityGroupId,
    });
  }
}
