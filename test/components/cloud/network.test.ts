import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Network, type NetworkArgs, networkDefaults, validateNetworkArgs } from "../../../components/cloud/network";
import { render, type Rendered } from "../../harness";

const ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"];
const BASE: NetworkArgs = { region: "cn-hangzhou", zones: ZONES.slice(0, 2), vpcCidr: "10.10.0.0/16" };

const T = {
  vpc: "alicloud:vpc/network:Network",
  vswitch: "alicloud:vpc/switch:Switch",
  nat: "alicloud:vpc/natGateway:NatGateway",
  eip: "alicloud:ecs/eipAddress:EipAddress",
  association: "alicloud:ecs/eipAssociation:EipAssociation",
  snat: "alicloud:vpc/snatEntry:SnatEntry",
  routeTable: "alicloud:vpc/routeTable:RouteTable",
  routeEntry: "alicloud:vpc/routeEntry:RouteEntry",
  attachment: "alicloud:vpc/routeTableAttachment:RouteTableAttachment",
  sg: "alicloud:ecs/securityGroup:SecurityGroup",
  rule: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
};

const inputs = (out: Rendered, name: string) => out.named(name).inputs as Record<string, any>;
const urn = (out: Rendered, name: string) => out.named(name).urn;

function errorOf(name: string, args: NetworkArgs): string {
  try {
    validateNetworkArgs(networkDefaults(name, args));
  } catch (err) {
    return (err as Error).message;
  }
  return "(no error)";
}

describe("Network", () => {
  it("by default: a protected VPC, a node and a pod vSwitch per zone, one Enhanced NAT with its EIP, SNAT for every vSwitch", async () => {
    const out = await render(() => new Network("net", BASE));
    const vpc = out.named("net-vpc");
    assert.equal(vpc.protect, true);
    assert.deepEqual(vpc.inputs, {
      vpcName: "net-vpc",
      cidrBlock: "10.10.0.0/16",
      description: "net: nodes and pods of the ACK cluster",
      tags: {},
    });

    assert.deepEqual(
      out
        .ofType(T.vswitch)
        .map((s) => [s.name, s.inputs["zoneId"], s.inputs["cidrBlock"], s.inputs["vswitchName"]])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ["net-nodes-cn-hangzhou-h", "cn-hangzhou-h", "10.10.0.0/22", "net-nodes-cn-hangzhou-h"],
        ["net-nodes-cn-hangzhou-i", "cn-hangzhou-i", "10.10.4.0/22", "net-nodes-cn-hangzhou-i"],
        ["net-pods-cn-hangzhou-h", "cn-hangzhou-h", "10.10.224.0/19", "net-pods-cn-hangzhou-h"],
        ["net-pods-cn-hangzhou-i", "cn-hangzhou-i", "10.10.192.0/19", "net-pods-cn-hangzhou-i"],
      ],
    );
    for (const s of out.ofType(T.vswitch)) assert.ok(s.dependsOn.includes(vpc.urn), `${s.name} is in the VPC`);

    const [nat] = out.ofType(T.nat);
    assert.equal(out.ofType(T.nat).length, 1);
    assert.equal(nat!.name, "net-nat");
    assert.equal(nat!.protect, true);
    assert.equal(nat!.inputs["natType"], "Enhanced");
    assert.equal(nat!.inputs["networkType"], "internet");
    assert.equal(nat!.inputs["deletionProtection"], true);
    assert.ok(nat!.dependsOn.includes(urn(out, "net-nodes-cn-hangzhou-h")), "the gateway sits in the first zone's node vSwitch");

    const eip = out.named("net-eip");
    assert.equal(eip.protect, true);
    assert.deepEqual(
      { bandwidth: eip.inputs["bandwidth"], charge: eip.inputs["internetChargeType"], protection: eip.inputs["deletionProtection"] },
      { bandwidth: "100", charge: "PayByTraffic", protection: true },
    );
    assert.equal(inputs(out, "net-eip-association")["instanceType"], "Nat");

    const snat = out.ofType(T.snat);
    assert.deepEqual(snat.map((s) => s.name).sort(), [
      "net-snat-cn-hangzhou-h-nodes",
      "net-snat-cn-hangzhou-h-pods",
      "net-snat-cn-hangzhou-i-nodes",
      "net-snat-cn-hangzhou-i-pods",
    ]);
    for (const s of snat) {
      assert.ok(s.dependsOn.includes(urn(out, "net-eip-association")), `${s.name} waits for the EIP binding`);
      assert.match(String(s.inputs["snatTableId"]), /^stb-/);
      assert.match(String(s.inputs["snatIp"]), /^47\./);
    }
    const sourceIds = new Set(snat.map((s) => s.inputs["sourceVswitchId"]));
    assert.equal(sourceIds.size, 4, "every vSwitch has its SNAT entry");
    assert.deepEqual(out.ofType(T.routeTable), [], "one gateway uses the system route table");
  });

  it("lets nothing into the nodes from 0.0.0.0/0: only the VPC", async () => {
    const out = await render(() => new Network("net", BASE));
    const sg = out.named("net-nodes-sg");
    assert.equal(sg.inputs["securityGroupType"], "normal");
    const rules = out.ofType(T.rule);
    assert.deepEqual(
      rules.map((r) => [r.name, r.inputs["type"], r.inputs["cidrIp"], r.inputs["policy"]]),
      [["net-nodes-sg-vpc-ingress", "ingress", "10.10.0.0/16", "accept"]],
    );
    for (const r of rules) assert.notEqual(r.inputs["cidrIp"], "0.0.0.0/0");
  });

  it("publishes its outputs: ids by zone, the NAT, the egress addresses and the security group", async () => {
    let network: Network | undefined;
    const out = await render(() => {
      network = new Network("net", BASE);
      return {
        vpcId: network.vpcId,
        vswitchIds: network.vswitchIds,
        podVswitchIds: network.podVswitchIds,
        natGatewayIds: network.natGatewayIds,
        natGatewayId: network.natGatewayId,
        egressIps: network.egressIps,
        securityGroupId: network.securityGroupId,
      };
    });
    const o = out.outputs as Record<string, any>;
    assert.match(o["vpcId"], /^vpc-[0-9a-f]+$/);
    assert.deepEqual(Object.keys(o["vswitchIds"]), ZONES.slice(0, 2));
    assert.equal(o["vswitchIds"]["cn-hangzhou-h"], inputs(out, "net-snat-cn-hangzhou-h-nodes")["sourceVswitchId"]);
    assert.equal(o["podVswitchIds"]["cn-hangzhou-h"], inputs(out, "net-snat-cn-hangzhou-h-pods")["sourceVswitchId"]);
    assert.match(o["podVswitchIds"]["cn-hangzhou-i"], /^vsw-/);
    assert.match(o["natGatewayId"], /^ngw-/);
    assert.deepEqual(o["natGatewayIds"], { "cn-hangzhou-h": o["natGatewayId"], "cn-hangzhou-i": o["natGatewayId"] });
    assert.equal(o["egressIps"].length, 1);
    assert.match(o["securityGroupId"], /^sg-/);
    assert.equal(network!.plan.capacity, 7);
    assert.equal(network!.internetAccess.length, 5, "the EIP binding and four SNAT entries");
  });

  it("per zone: a gateway, an EIP and a route table in each zone, each zone leaving through its own", async () => {
    const out = await render(() => new Network("net", { ...BASE, zones: ZONES, natGateway: "per-zone" }));
    assert.deepEqual(
      out
        .ofType(T.nat)
        .map((n) => n.name)
        .sort(),
      ["net-nat", "net-nat-cn-hangzhou-i", "net-nat-cn-hangzhou-j"],
    );
    assert.deepEqual(
      out
        .ofType(T.eip)
        .map((n) => n.name)
        .sort(),
      ["net-eip", "net-eip-cn-hangzhou-i", "net-eip-cn-hangzhou-j"],
    );
    for (const [zone, nat] of [
      ["cn-hangzhou-h", "net-nat"],
      ["cn-hangzhou-i", "net-nat-cn-hangzhou-i"],
      ["cn-hangzhou-j", "net-nat-cn-hangzhou-j"],
    ] as const) {
      assert.ok(out.named(nat).dependsOn.includes(urn(out, `net-nodes-${zone}`)), `${nat} sits in ${zone}`);
      const route = out.named(`net-default-route-${zone}`);
      assert.equal(route.inputs["destinationCidrblock"], "0.0.0.0/0");
      assert.equal(route.inputs["nexthopType"], "NatGateway");
      assert.ok(route.dependsOn.includes(urn(out, nat)));
      assert.ok(route.dependsOn.includes(urn(out, `net-routes-${zone}`)));
      for (const kind of ["nodes", "pods"]) {
        const attachment = out.named(`net-routes-${zone}-${kind}`);
        assert.ok(attachment.dependsOn.includes(urn(out, `net-${kind}-${zone}`)));
        const snat = out.named(`net-snat-${zone}-${kind}`);
        assert.ok(snat.dependsOn.includes(urn(out, nat)), `${zone} ${kind} leave through ${nat}`);
      }
    }
    assert.equal(out.ofType(T.snat).length, 6);
    assert.equal(out.ofType(T.attachment).length, 6);
  });

  it("with Flannel: no pod vSwitches, and the pod network let into the nodes", async () => {
    const out = await render(
      () => new Network("net", { ...BASE, podVswitchPrefix: false, podCidr: "172.20.0.0/16", serviceCidr: "172.21.0.0/20" }),
    );
    assert.deepEqual(
      out
        .ofType(T.vswitch)
        .map((s) => s.name)
        .sort(),
      ["net-nodes-cn-hangzhou-h", "net-nodes-cn-hangzhou-i"],
    );
    assert.deepEqual(
      out
        .ofType(T.rule)
        .map((r) => r.inputs["cidrIp"])
        .sort(),
      ["10.10.0.0/16", "172.20.0.0/16"],
    );
    assert.equal(out.ofType(T.snat).length, 2);
  });

  it("can be left unprotected (a throwaway environment), and takes names, tags and a bandwidth", async () => {
    const out = await render(
      () =>
        new Network("net", {
          ...BASE,
          deletionProtection: false,
          namePrefix: "acme-dev",
          tags: { team: "platform" },
          natBandwidthMbps: 20,
        }),
    );
    for (const r of [...out.ofType(T.vpc), ...out.ofType(T.vswitch), ...out.ofType(T.nat), ...out.ofType(T.eip)])
      assert.equal(r.protect, false, r.name);
    assert.equal(inputs(out, "net-nat")["deletionProtection"], false);
    assert.equal(inputs(out, "net-vpc")["vpcName"], "acme-dev-vpc");
    assert.deepEqual(inputs(out, "net-vpc")["tags"], { team: "platform" });
    assert.equal(inputs(out, "net-nodes-cn-hangzhou-i")["vswitchName"], "acme-dev-nodes-cn-hangzhou-i");
    assert.equal(inputs(out, "net-eip")["bandwidth"], "20");
  });

  it("protects the vSwitches with the VPC: a zone leaves deliberately, never by an edit of the zone list", async () => {
    const out = await render(() => new Network("net", BASE));
    for (const s of out.ofType(T.vswitch)) assert.equal(s.protect, true, s.name);
  });

  it("routes each legacy network through its next hop, in the system route table and in every zone's table", async () => {
    const legacyNetworks = [
      { name: "payments-vms", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpnGateway", id: "vpn-bp1abc" } },
      { name: "office", cidrs: ["172.31.0.0/20", "172.31.16.0/24"], nextHop: { type: "Attachment", id: "tr-attach-xyz" } },
    ];
    const out = await render(() => new Network("net", { ...BASE, zones: ZONES, natGateway: "per-zone", legacyNetworks }));
    const legacy = out.ofType(T.routeEntry).filter((r) => r.name.startsWith("net-legacy-"));
    // 3 blocks, each in the system table and the 3 zone tables.
    assert.equal(legacy.length, 12);
    const system = out.named("net-legacy-payments-vms-192-168-10-0-24");
    assert.deepEqual(system.inputs, {
      routeTableId: system.inputs["routeTableId"],
      destinationCidrblock: "192.168.10.0/24",
      nexthopType: "VpnGateway",
      nexthopId: "vpn-bp1abc",
      name: "net-payments-vms",
      description: "legacy network payments-vms through VpnGateway vpn-bp1abc, in the system route table",
    });
    assert.ok(system.dependsOn.includes(urn(out, "net-vpc")), "the VPC's system route table");
    for (const zone of ZONES) {
      const entry = out.named(`net-legacy-office-172-31-16-0-24-${zone}`);
      assert.ok(entry.dependsOn.includes(urn(out, `net-routes-${zone}`)), `${zone}'s own table`);
      assert.equal(entry.inputs["nexthopType"], "Attachment");
    }
    // One environment NAT: the system table alone serves every vSwitch.
    const single = await render(() => new Network("net", { ...BASE, legacyNetworks }));
    assert.deepEqual(
      single
        .ofType(T.routeEntry)
        .map((r) => r.name)
        .sort(),
      ["net-legacy-office-172-31-0-0-20", "net-legacy-office-172-31-16-0-24", "net-legacy-payments-vms-192-168-10-0-24"],
    );
  });

  it("keeps every existing vSwitch where it is when a zone is appended", async () => {
    const two = await render(() => new Network("net", BASE));
    const three = await render(() => new Network("net", { ...BASE, zones: ZONES }));
    for (const s of two.ofType(T.vswitch)) assert.deepEqual(three.named(s.name).inputs, s.inputs, s.name);
    assert.equal(three.ofType(T.vswitch).length, 6);
  });

  it("refuses bad args before declaring anything, naming the field, the value and what is accepted", async () => {
    const table: Array<[Partial<NetworkArgs>, string]> = [
      [{ region: "Hangzhou" }, "Network region: 'Hangzhou' is not a region id such as 'cn-hangzhou'"],
      [
        { zones: ["cn-hangzhou-h", "cn-shanghai-b"] },
        "Network zones[1]: 'cn-shanghai-b' is not a zone of region 'cn-hangzhou' (its zones are named like 'cn-hangzhou-a')",
      ],
      [{ zones: ["cn-hangzhou-h", "cn-hangzhou-h"] }, "Network zones[1]: 'cn-hangzhou-h' is listed twice (also zones[0])"],
      [{ zones: ["cn-hangzhou-h"], minZones: 2 }, "Network zones: needs at least 2 zones so that a zone outage leaves capacity; got 1"],
      [
        { vpcCidr: "8.8.0.0/16" },
        "Network vpcCidr: '8.8.0.0/16' is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
      ],
      [
        { vpcCidr: "10.0.0.0/16", serviceCidr: "10.0.128.0/20" },
        "Network serviceCidr: '10.0.128.0/20' overlaps the VPC '10.0.0.0/16'; use a block outside it such as '172.21.0.0/20'",
      ],
      [{ podVswitchPrefix: false, podCidr: "10.10.0.0/17" }, "Network podCidr: '10.10.0.0/17' overlaps the VPC '10.10.0.0/16'"],
      [
        { podCidr: "172.20.0.0/16" },
        "Network podCidr: '172.20.0.0/16' is Flannel's pod network, but podVswitchPrefix /19 asks for Terway pod vSwitches; set podVswitchPrefix to false with Flannel",
      ],
      [
        { podVswitchPrefix: false, podCidr: "172.20.0.0/16", natGateway: "per-zone" },
        "Network natGateway: 'per-zone' is not accepted with Flannel: it gives each zone its own route table, and Flannel's pod routes are written only to the VPC's system route table; use Terway or 'per-environment'",
      ],
      [{ natBandwidthMbps: 500 }, "Network natBandwidthMbps: 500 is not between 1 and 200 (Mbit/s of a pay-by-traffic EIP)"],
      [
        { vpcCidr: "10.10.0.0/18", zones: ZONES },
        "Network vpcCidr: '10.10.0.0/18' holds 1 zone of a /22 node vSwitch and a /19 pod vSwitch each, not 3; use a larger VPC or smaller vSwitches",
      ],
      [{ nodeVswitchPrefix: 16 }, "Network nodeVswitchPrefix: /16 is not smaller than the VPC 10.10.0.0/16; use a prefix longer than /16"],
      [{ namePrefix: "-x" }, "Network namePrefix: '-x' is not a name of 1 to 80 letters, digits, '-', '_' and '.', starting with a letter"],
      [
        { legacyNetworks: [{ name: "vms", cidrs: ["10.10.8.0/24"], nextHop: { type: "VpnGateway", id: "vpn-1" } }] },
        "Network legacyNetworks[0].cidrs[0]: '10.10.8.0/24' overlaps the VPC '10.10.0.0/16', which the VPC routes itself",
      ],
      [
        {
          serviceCidr: "172.21.0.0/20",
          legacyNetworks: [{ name: "vms", cidrs: ["172.21.0.0/24"], nextHop: { type: "VpnGateway", id: "vpn-1" } }],
        },
        "Network legacyNetworks[0].cidrs[0]: '172.21.0.0/24' overlaps the service CIDR '172.21.0.0/20', which the VPC routes itself",
      ],
      [
        { legacyNetworks: [{ name: "vms", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpnGateway", id: "tr-attach-1" } }] },
        "Network legacyNetworks[0].nextHop.id: 'tr-attach-1' is not the id of a VpnGateway (vpn-...)",
      ],
      [
        { legacyNetworks: [{ name: "vms", cidrs: ["192.168.10.0/24"], nextHop: { type: "Vpn", id: "vpn-1" } }] },
        "Network legacyNetworks[0].nextHop.type: 'Vpn' is not one of: VpnGateway, Attachment, VpcPeer, Instance, NetworkInterface, HaVip, RouterInterface, Ecr",
      ],
      [
        {
          legacyNetworks: [
            { name: "a", cidrs: ["192.168.0.0/16"], nextHop: { type: "VpnGateway", id: "vpn-1" } },
            { name: "b", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpcPeer", id: "pcc-1" } },
          ],
        },
        "Network legacyNetworks[1].cidrs[0]: '192.168.10.0/24' overlaps legacyNetworks[0].cidrs[0] '192.168.0.0/16'; a block is reached through one next hop",
      ],
    ];
    for (const [change, message] of table) assert.equal(errorOf("net", { ...BASE, ...change }), message);
    // The component throws the same error before registering anything.
    await assert.rejects(
      render(() => new Network("net", { ...BASE, natBandwidthMbps: 0 })),
      /Network natBandwidthMbps: 0 is not between 1 and 200/,
    );
  });
});
