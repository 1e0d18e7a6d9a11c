import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cidrContains } from "../../../policies/lib/cidr";
import {
  apiServerPrivateInProd,
  deletionProtectionInProd,
  multiZoneInProd,
  natForPrivateVswitches,
  registryPrivate,
  securityGroupPublicIngress,
} from "../../../policies/rules";
import { changed, check, resource, type ResourceOptions } from "../helpers";

const SG = "alicloud:ecs/securityGroup:SecurityGroup";
const SG_RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";

function group(name: string, tags: Record<string, string> = {}) {
  return resource(SG, { securityGroupName: name, vpcId: "vpc-1", tags }, { name });
}

function rule(name: string, on: ReturnType<typeof group>, change?: (r: any) => void) {
  const inputs = changed(
    { type: "ingress", ipProtocol: "tcp", portRange: "443/443", cidrIp: "0.0.0.0/0", policy: "accept", securityGroupId: "sg-1" },
    change,
  );
  return resource(SG_RULE, inputs, { name, dependsOn: [on] });
}

describe("security-group-public-ingress", () => {
  it("passes 443 from anywhere to a load balancer's group, and VPC-only rules elsewhere", () => {
    const lb = group("gateway", { "ack-platform/role": "load-balancer" });
    const nodes = group("nodes");
    assert.deepEqual(
      check(securityGroupPublicIngress, [
        lb,
        nodes,
        rule("https", lb),
        rule("vpc", nodes, (r) => Object.assign(r, { cidrIp: "10.0.0.0/16", ipProtocol: "all", portRange: "-1/-1" })),
      ]),
      [],
    );
  });
  it("passes a group a load balancer uses, without the tag", () => {
    const lbGroup = group("alb");
    const alb = resource("alicloud:alb/loadBalancer:LoadBalancer", { loadBalancerName: "gateway" }, { dependsOn: [lbGroup] });
    assert.deepEqual(check(securityGroupPublicIngress, [lbGroup, alb, rule("http", lbGroup, (r) => (r.portRange = "80/80"))]), []);
  });
  it("names SSH open to the internet", () => {
    const nodes = group("nodes");
    assert.deepEqual(check(securityGroupPublicIngress, [nodes, rule("ssh", nodes, (r) => (r.portRange = "22/22"))]), [
      "security group rule 'ssh' lets the whole internet reach tcp 22/22; allow only the addresses that need it (an office or bastion CIDR), and take public traffic through a load balancer on 80/443",
    ]);
  });
  it("names every port open to the internet over IPv6", () => {
    const nodes = group("nodes");
    const open = rule("all", nodes, (r) => {
      delete r.cidrIp;
      Object.assign(r, { ipv6CidrIp: "::/0", ipProtocol: "all", portRange: "-1/-1" });
    });
    assert.deepEqual(check(securityGroupPublicIngress, [nodes, open]), [
      "security group rule 'all' lets the whole internet reach every port of every protocol; allow only the addresses that need it (an office or bastion CIDR), and take public traffic through a load balancer on 80/443",
    ]);
  });
  it("names 443 from anywhere on the nodes' group", () => {
    const nodes = group("nodes");
    assert.deepEqual(check(securityGroupPublicIngress, [nodes, rule("https", nodes)]), [
      "security group rule 'https' opens tcp 443/443 to the whole internet on a security group that is not a load balancer's; open 80/443 only on the load balancer's security group (tagged 'ack-platform/role: load-balancer')",
    ]);
  });
  it("leaves egress and drop rules alone", () => {
    const nodes = group("nodes");
    assert.deepEqual(
      check(securityGroupPublicIngress, [
        nodes,
        rule("out", nodes, (r) => (r.type = "egress")),
        rule("deny", nodes, (r) => (r.policy = "drop")),
      ]),
      [],
    );
  });
});

const CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes";

function cluster(change?: (c: any) => void, options: ResourceOptions = {}) {
  const inputs = changed(
    {
      name: "acme-prod",
      clusterSpec: "ack.pro.small",
      slbInternetEnabled: false,
      newNatGateway: false,
      deletionProtection: true,
      vswitchIds: ["vsw-1", "vsw-2"],
    },
    change,
  );
  return resource(CLUSTER, inputs, { name: "cluster", ...options });
}

describe("api-server-private-in-prod", () => {
  it("passes a private API server, and a public one outside prod", () => {
    assert.deepEqual(check(apiServerPrivateInProd, cluster()), []);
    assert.deepEqual(
      check(
        apiServerPrivateInProd,
        cluster((c) => (c.slbInternetEnabled = true)),
        { environment: "dev" },
      ),
      [],
    );
  });
  it("names a public API server in prod", () => {
    assert.deepEqual(
      check(
        apiServerPrivateInProd,
        cluster((c) => (c.slbInternetEnabled = true)),
      ),
      [
        "the API server gets a public address in prod (slbInternetEnabled is true); set slbInternetEnabled: false and reach it from the VPC (a bastion or a VPN)",
      ],
    );
  });
  it("names the provider's public default when the setting is left out", () => {
    assert.deepEqual(
      check(
        apiServerPrivateInProd,
        cluster((c) => delete c.slbInternetEnabled),
      ),
      [
        "the API server gets a public address in prod (slbInternetEnabled is not set, and the provider's default is true); set slbInternetEnabled: false and reach it from the VPC (a bastion or a VPN)",
      ],
    );
  });
});

describe("deletion-protection-in-prod", () => {
  it("passes protected resources, and unprotected ones outside prod", () => {
    const nat = resource("alicloud:vpc/natGateway:NatGateway", { natType: "Enhanced", deletionProtection: true });
    const slb = resource("alicloud:slb/loadBalancer:LoadBalancer", { deleteProtection: "on" });
    const registry = resource(
      "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance",
      { instanceName: "acme" },
      { protect: true },
    );
    assert.deepEqual(check(deletionProtectionInProd, [cluster(), nat, slb, registry]), []);
    assert.deepEqual(
      check(
        deletionProtectionInProd,
        cluster((c) => delete c.deletionProtection),
        { environment: "staging" },
      ),
      [],
    );
  });
  it("names a cluster without deletion protection", () => {
    assert.deepEqual(
      check(
        deletionProtectionInProd,
        cluster((c) => delete c.deletionProtection),
      ),
      ["deletionProtection is not set in prod; set deletionProtection: true, so a mistaken destroy or replacement cannot delete it"],
    );
  });
  it("names an EIP and an ALB with protection off", () => {
    const eip = resource("alicloud:ecs/eipAddress:EipAddress", { bandwidth: "200", deletionProtection: false });
    const alb = resource("alicloud:alb/loadBalancer:LoadBalancer", { loadBalancerName: "gateway" });
    assert.deepEqual(check(deletionProtectionInProd, [eip, alb]), [
      "deletionProtection is false in prod; set deletionProtection: true, so a mistaken destroy or replacement cannot delete it",
      "deletionProtectionEnabled is not set in prod; set deletionProtectionEnabled: true, so a mistaken destroy or replacement cannot delete it",
    ]);
  });
  it("names a Classic Load Balancer with protection off", () => {
    assert.deepEqual(check(deletionProtectionInProd, resource("alicloud:slb/loadBalancer:LoadBalancer", { deleteProtection: "off" })), [
      `deleteProtection is "off" in prod; set deleteProtection: "on", so a mistaken destroy or replacement cannot delete it`,
    ]);
  });
  it("names an unprotected registry instance", () => {
    assert.deepEqual(
      check(
        deletionProtectionInProd,
        resource("alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance", { instanceName: "acme" }),
      ),
      ["the registry instance is not protected in prod; declare it with the resource option { protect: true }"],
    );
  });
});

describe("registry-private", () => {
  const namespace = (visibility: string) =>
    resource("alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace", {
      name: "acme",
      instanceId: "cri-1",
      defaultVisibility: visibility,
      autoCreate: false,
    });
  const repo = (type: string) =>
    resource("alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo", {
      name: "orders",
      namespace: "acme",
      instanceId: "cri-1",
      repoType: type,
      summary: "orders",
    });
  const endpoint = (entries: unknown[]) => resource("alicloud:cr/internetEndpoint:InternetEndpoint", { instanceId: "cri-1", entries });
  it("passes private namespaces and repositories, and an internet endpoint with an access list", () => {
    assert.deepEqual(
      check(registryPrivate, [namespace("PRIVATE"), repo("PRIVATE"), endpoint([{ entry: "203.0.113.0/24", comment: "CI" }])]),
      [],
    );
  });
  it("names a namespace that creates public repositories", () => {
    assert.deepEqual(check(registryPrivate, namespace("PUBLIC")), [
      "the namespace makes the repositories it creates public (defaultVisibility: PUBLIC); set defaultVisibility: PRIVATE",
    ]);
  });
  it("names a public repository", () => {
    assert.deepEqual(check(registryPrivate, repo("PUBLIC")), ["the repository is public (repoType: PUBLIC); set repoType: PRIVATE"]);
  });
  it("names an internet endpoint without an access list", () => {
    assert.deepEqual(check(registryPrivate, endpoint([])), [
      "the registry's internet endpoint has no access list, so the whole internet can reach it; list in entries the CIDR blocks that need it (CI runners, offices), or pull through the VPC endpoint only",
    ]);
  });
  it("names an internet endpoint open to everyone", () => {
    assert.deepEqual(check(registryPrivate, endpoint([{ entry: "0.0.0.0/0" }])), [
      "the registry's internet endpoint admits 0.0.0.0/0; list only the CIDR blocks that need it (CI runners, offices)",
    ]);
  });
});

const VSWITCH = "alicloud:vpc/switch:Switch";

function vswitch(name: string, zoneId: string, cidrBlock: string) {
  return resource(VSWITCH, { vswitchName: name, zoneId, cidrBlock, vpcId: "vpc-1" }, { name });
}

function nodePool(switches: ReturnType<typeof vswitch>[], change?: (p: any) => void) {
  const inputs = changed(
    {
      nodePoolName: "general",
      instanceTypes: ["ecs.g7.xlarge"],
      vswitchIds: switches.map((_, i) => `vsw-${i}`),
      scalingConfig: { enable: true, minSize: 2, maxSize: 4 },
    },
    change,
  );
  return resource("alicloud:cs/nodePool:NodePool", inputs, { name: "general", dependsOn: switches });
}

describe("multi-zone-in-prod", () => {
  const h = vswitch("nodes-h", "cn-hangzhou-h", "10.0.0.0/22");
  const i = vswitch("nodes-i", "cn-hangzhou-i", "10.0.4.0/22");
  it("passes vSwitches, a cluster and a node pool in two zones", () => {
    assert.deepEqual(check(multiZoneInProd, [h, i, cluster(undefined, { dependsOn: [h, i] }), nodePool([h, i])]), []);
  });
  it("names a stack, a cluster and a node pool in one zone", () => {
    assert.deepEqual(check(multiZoneInProd, [h, cluster(undefined, { dependsOn: [h] }), nodePool([h])]), [
      "every vSwitch of the stack is in one zone (cn-hangzhou-h); add vSwitches in a second zone and spread the node pools over them",
      "cluster 'acme-prod' runs in one zone (cn-hangzhou-h); give it vSwitches in at least 2 zones",
      "node pool 'general' runs in one zone (cn-hangzhou-h); give it vSwitches in at least 2 zones",
    ]);
  });
  it("counts the vSwitch ids of a node pool whose vSwitches it does not declare", () => {
    const pool = resource("alicloud:cs/nodePool:NodePool", { nodePoolName: "general", vswitchIds: ["vsw-existing"] }, { name: "general" });
    assert.deepEqual(check(multiZoneInProd, pool), [
      "node pool 'general' has 1 vSwitch (vswitchIds); give it vSwitches in at least 2 zones",
    ]);
  });
  it("applies to prod only", () => {
    assert.deepEqual(check(multiZoneInProd, [h, nodePool([h])], { environment: "dev" }), []);
  });
});

describe("nat-for-private-vswitches", () => {
  const h = vswitch("nodes-h", "cn-hangzhou-h", "10.0.0.0/22");
  const i = vswitch("nodes-i", "cn-hangzhou-i", "10.0.4.0/22");
  const snat = (name: string, options: ResourceOptions, sourceCidr?: string) =>
    resource(
      "alicloud:vpc/snatEntry:SnatEntry",
      { snatTableId: "stb-1", snatIp: "47.0.0.1", ...(sourceCidr ? { sourceCidr } : { sourceVswitchId: "vsw-1" }) },
      { name, ...options },
    );
  it("passes node vSwitches covered by SNAT, by vSwitch or by CIDR", () => {
    assert.deepEqual(
      check(natForPrivateVswitches, [
        h,
        i,
        nodePool([h, i]),
        cluster(),
        snat("snat-h", { dependsOn: [h] }),
        snat("snat-vpc", {}, "10.0.0.0/16"),
      ]),
      [],
    );
  });
  it("passes a cluster that lets ACK create its NAT gateway", () => {
    assert.deepEqual(check(natForPrivateVswitches, [h, nodePool([h]), cluster((c) => delete c.newNatGateway)]), []);
  });
  it("names a node vSwitch without SNAT", () => {
    assert.deepEqual(check(natForPrivateVswitches, [h, i, nodePool([h, i]), cluster(), snat("snat-h", { dependsOn: [h] })]), [
      "vSwitch 'nodes-i' (10.0.4.0/22) of node pool 'general' has no SNAT entry, so what runs there cannot reach the internet; add a vpc.SnatEntry with sourceVswitchId (or a sourceCidr covering it) on a NAT gateway",
    ]);
  });
  it("compares CIDR blocks", () => {
    assert.ok(cidrContains("10.0.0.0/16", "10.0.4.0/22"));
    assert.ok(!cidrContains("10.0.0.0/22", "10.0.4.0/22"));
  });
});
