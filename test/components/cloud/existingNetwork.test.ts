import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ExistingNetwork,
  type ExistingNetworkArgs,
  existingNetworkProblems,
  resolveExistingNetwork,
} from "../../../components/cloud/existingNetwork";
import { render } from "../../harness";

const ARGS: ExistingNetworkArgs = {
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
  vpcId: "vpc-bp1adsvms0000000001",
  vpcCidr: "172.16.0.0/16",
  vswitchIds: { "cn-hangzhou-h": "vsw-bp1adsnodesh00000001", "cn-hangzhou-i": "vsw-bp1adsnodesi00000002" },
  podVswitchIds: { "cn-hangzhou-h": "vsw-bp1adspodsh000000003", "cn-hangzhou-i": "vsw-bp1adspodsi000000004" },
  serviceCidr: "172.21.0.0/20",
};
const problems = (args: Partial<ExistingNetworkArgs>) =>
  existingNetworkProblems(resolveExistingNetwork("network", { ...ARGS, ...args })).map((p) => `${p.path.join(".")}: ${p.message}`);

describe("ExistingNetwork", () => {
  it("declares only the nodes' security group in the VPC, and hands the given ids on", async () => {
    let network: ExistingNetwork | undefined;
    const out = await render(() => {
      network = new ExistingNetwork("network", ARGS);
      return { vpcId: network.vpcId, vswitchIds: network.vswitchIds, podVswitchIds: network.podVswitchIds };
    });
    assert.deepEqual(
      out.resources.filter((r) => r.custom).map((r) => r.type),
      ["alicloud:ecs/securityGroup:SecurityGroup", "alicloud:ecs/securityGroupRule:SecurityGroupRule"],
    );
    assert.equal(out.named("network-nodes-sg").inputs["vpcId"], ARGS.vpcId);
    assert.equal(out.named("network-nodes-sg-vpc-ingress").inputs["cidrIp"], "172.16.0.0/16");
    assert.deepEqual(out.outputs["vswitchIds"], ARGS.vswitchIds);
    assert.deepEqual(out.outputs["podVswitchIds"], ARGS.podVswitchIds);
    assert.deepEqual(network!.internetAccess, [], "the VPC's way out is its owner's: nothing to wait for");
  });

  it("writes the routes to the legacy networks into the route tables named, and into none when none is", async () => {
    const legacyNetworks = [{ name: "idc", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpnGateway", id: "vpn-bp1ads000000000001" } }];
    const out = await render(
      () => new ExistingNetwork("network", { ...ARGS, legacyNetworks, routeTableIds: ["vtb-bp1adsmain0000000001"] }),
    );
    const route = out.named("network-legacy-idc-192-168-10-0-24-vtb-bp1adsmain0000000001");
    assert.deepEqual([route.inputs["routeTableId"], route.inputs["destinationCidrblock"]], ["vtb-bp1adsmain0000000001", "192.168.10.0/24"]);
    const none = await render(() => new ExistingNetwork("network", { ...ARGS, legacyNetworks }));
    assert.equal(none.ofType("alicloud:vpc/routeEntry:RouteEntry").length, 0);
  });

  it("refuses ids of the wrong kind, a zone without a vSwitch, a vSwitch of another zone, one vSwitch for nodes and pods", () => {
    assert.deepEqual(problems({}), []);
    assert.deepEqual(
      problems({
        vpcId: "bp1ads",
        vswitchIds: { "cn-hangzhou-h": "vsw-bp1adsnodesh00000001", "cn-hangzhou-j": "vswbp1" },
        podVswitchIds: { "cn-hangzhou-h": "vsw-bp1adsnodesh00000001", "cn-hangzhou-i": "vsw-bp1adspodsi000000004" },
        routeTableIds: ["rtb-1"],
      }),
      [
        "vpcId: 'bp1ads' is not a VPC id such as 'vpc-bp1a2b3c4d5e6f7g8h9i0'",
        "vswitchIds: has no vSwitch for zone 'cn-hangzhou-i'; give one for every zone of the cluster",
        "vswitchIds.cn-hangzhou-j: is not a zone of the cluster (cn-hangzhou-h, cn-hangzhou-i)",
        "vswitchIds.cn-hangzhou-j: 'vswbp1' is not a vSwitch id such as 'vsw-bp1a2b3c4d5e6f7g8h9i0'",
        "podVswitchIds.cn-hangzhou-h: 'vsw-bp1adsnodesh00000001' is also vswitchIds.cn-hangzhou-h: nodes and pods each need a vSwitch of their own",
        "routeTableIds.0: 'rtb-1' is not a route table id such as 'vtb-bp1a2b3c4d5e6f7g8h9i0'",
      ],
    );
  });

  it("still checks what the VPC's block allows: the service CIDR apart from it", () => {
    assert.deepEqual(problems({ serviceCidr: "172.16.4.0/22" }), [
      "serviceCidr: '172.16.4.0/22' overlaps the VPC '172.16.0.0/16'; use a block outside it such as '172.21.0.0/20'",
    ]);
  });

  it("throws before declaring anything", async () => {
    const out = await render(() =>
      assert.throws(() => new ExistingNetwork("network", { ...ARGS, vpcId: "x" }), /ExistingNetwork vpcId: 'x' is not a VPC id/),
    );
    assert.equal(out.resources.length, 0);
  });
});
