import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configProblems, DEV, PROD as PROD_TWO_ZONES, parseConfig } from "../configFixtures";

const PROD = { ...PROD_TWO_ZONES, zones: ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"] };
const HELLO = { name: "hello", version: "1.0.0", resources: { cpu: "50m", memory: "64Mi" }, build: { context: "services/hello" } };

// The sample service's Dockerfile is the one build context that exists.
const FILES = ["services/hello/Dockerfile"];
const parse = (values: Record<string, unknown>, secrets: string[] = []) => parseConfig(values, { secrets, files: FILES });
const problems = (values: Record<string, unknown>, secrets: string[] = []) => configProblems(values, { secrets, files: FILES });

describe("cloud config: defaults per kind", () => {
  it("dev: a standard cluster, unprotected, one NAT of 50 Mbit/s, an existing registry", () => {
    const env = parse(DEV);
    assert.deepEqual(env.network, {
      vpcCidr: "10.0.0.0/16",
      nodeVswitchPrefix: 22,
      podVswitchPrefix: 19,
      natGateway: "per-environment",
      natBandwidthMbps: 50,
      legacyNetworks: [],
    });
    assert.ok("nodePools" in env.cluster);
    assert.equal(env.cluster.edition, "standard");
    assert.equal(env.cluster.cni, "terway");
    assert.equal(env.cluster.deletionProtection, false);
    assert.equal(env.cluster.publicApiServer, false);
    assert.deepEqual(
      env.cluster.nodePools.map((p) => [p.name, p.min, p.max, p.spot]),
      [["general", 2, 4, false]],
    );
  });

  it("staging: a Pro cluster and a managed registry", () => {
    const env = parse({ ...PROD, kind: "staging", registry: { mode: "managed", instanceName: "acme-staging", namespace: "acme" } });
    assert.ok("nodePools" in env.cluster);
    assert.equal(env.cluster.edition, "pro");
    assert.equal(env.network!.natBandwidthMbps, 100);
    assert.equal(env.registry.mode, "managed");
  });

  it("prod: a protected Pro cluster with a private API server, 200 Mbit/s of egress, an Advanced registry", () => {
    const env = parse(PROD);
    assert.ok("nodePools" in env.cluster);
    assert.equal(env.cluster.edition, "pro");
    assert.equal(env.cluster.deletionProtection, true);
    assert.equal(env.cluster.publicApiServer, false);
    assert.equal(env.network!.natBandwidthMbps, 200);
    assert.equal(env.registry.mode, "managed");
    assert.ok(env.registry.mode === "managed" && env.registry.edition === "Advanced");
    assert.deepEqual(env.registry.mode === "managed" && env.registry.allowedCidrs, []);
    assert.deepEqual(
      env.cluster.nodePools.map((p) => [p.name, p.min, p.max]),
      [["general", 3, 10]],
    );
  });

  it("local: no network, the current kubeconfig context, a local registry", () => {
    const env = parse({ kind: "local" });
    assert.equal(env.network, undefined);
    assert.deepEqual(env.cluster, {});
    assert.deepEqual(env.registry, { mode: "local", namespace: "local" });
  });
});

describe("cloud config: problems name the key, the value and what is accepted", () => {
  it("keeps the VPC private", () => {
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "100.64.0.0/16" } }), [
      "network.vpcCidr: '100.64.0.0/16' is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    ]);
  });

  it("needs the vSwitches of every zone to fit in the VPC", () => {
    assert.deepEqual(problems({ ...PROD, network: { vpcCidr: "10.30.0.0/18" } }), [
      "network.vpcCidr: '10.30.0.0/18' holds 1 zone of a /22 node vSwitch and a /19 pod vSwitch each, not 3; use a larger VPC or smaller vSwitches",
    ]);
    assert.deepEqual(problems({ ...PROD, network: { vpcCidr: "10.30.0.0/18", podVswitchPrefix: 21 } }), []);
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "10.0.0.0/16", podVswitchPrefix: 16 } }), [
      "network.podVswitchPrefix: /16 is not smaller than the VPC 10.0.0.0/16; use a prefix longer than /16",
    ]);
  });

  it("ignores pod vSwitch sizes with Flannel, whose pods take no vSwitch", () => {
    const flannel = { cni: "flannel", podCidr: "172.20.0.0/16" };
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "10.0.0.0/20", nodeVswitchPrefix: 24 }, cluster: flannel }), []);
  });

  it("refuses a NAT gateway per zone with Flannel", () => {
    assert.deepEqual(problems({ ...DEV, network: { natGateway: "per-zone" }, cluster: { cni: "flannel", podCidr: "172.20.0.0/16" } }), [
      "network.natGateway: 'per-zone' is not accepted with Flannel: it gives each zone its own route table, and Flannel's pod routes are written only to the VPC's system route table; use Terway or 'per-environment'",
    ]);
  });

  it("caps the NAT bandwidth at what a pay-by-traffic EIP allows", () => {
    assert.deepEqual(problems({ ...DEV, network: { natBandwidthMbps: 500 } }), [
      "network.natBandwidthMbps: 500 is not between 1 and 200 (Mbit/s of a pay-by-traffic EIP)",
    ]);
  });

  it("checks node labels and taints as Kubernetes does", () => {
    const pool = { name: "general", instanceTypes: ["ecs.g7.xlarge"], min: 1, max: 3 };
    assert.deepEqual(
      problems({
        ...DEV,
        cluster: {
          nodePools: [
            {
              ...pool,
              labels: { "team name": "shop", "ack-platform.io/capacity-type": "spot" },
              taints: [{ key: "acme.com/gpu", value: "a b" }],
            },
          ],
        },
      }),
      [
        "cluster.nodePools[0].labels.team name: 'team name' is not a Kubernetes label key such as 'example.com/role'",
        "cluster.nodePools[0].labels.ack-platform.io/capacity-type: is set by the platform from 'spot'; remove it",
        "cluster.nodePools[0].taints[0].value: 'a b' is not a taint value (at most 63 of A-Z, a-z, 0-9, '-', '_' and '.')",
      ],
    );
    assert.deepEqual(
      problems({
        ...DEV,
        cluster: { nodePools: [pool, { ...pool, name: "burst", min: 0, max: 20, spot: true, taints: [{ key: "acme.com/spot" }] }] },
      }),
      [],
    );
  });

  it("allows single addresses into the registry, never the whole internet, and each block once", () => {
    const registry = (allowedCidrs: string[]) => ({ ...PROD, registry: { ...PROD.registry, allowedCidrs } });
    assert.deepEqual(problems(registry(["198.51.100.7/32", "203.0.113.0/24"])), []);
    assert.deepEqual(problems(registry(["0.0.0.0/0"])), [
      "registry.allowedCidrs[0]: '0.0.0.0/0' is not an IPv4 CIDR block such as '203.0.113.0/24': the prefix /0 is outside /8../32",
    ]);
    assert.deepEqual(problems(registry(["203.0.113.0/24", "203.0.113.0/24"])), [
      "registry.allowedCidrs[1]: '203.0.113.0/24' is listed twice (also [0])",
    ]);
  });

  it("replicates the registry only to another region", () => {
    assert.deepEqual(
      problems({ ...PROD, registry: { ...PROD.registry, replication: { region: "cn-hangzhou", instanceId: "cri-dr0001" } } }),
      ["registry.replication.region: 'cn-hangzhou' is the registry's own region; replicate to another one"],
    );
    assert.deepEqual(
      problems({ ...PROD, registry: { ...PROD.registry, replication: { region: "cn-shanghai", instanceId: "cri-dr0001" } } }),
      [],
    );
  });

  it("needs a version tag for a service built from source", () => {
    assert.deepEqual(problems({ ...DEV, services: [HELLO] }), []);
    assert.deepEqual(problems({ ...DEV, services: [{ ...HELLO, version: `sha256:${"a".repeat(64)}` }] }), [
      `services[0].version: 'sha256:${"a".repeat(64)}' is a digest; a service built from source needs a version tag such as '1.4.2' to tag its image with`,
    ]);
  });

  it("needs the credentials of an existing registry as a secret", () => {
    const registry = { ...DEV.registry, username: "pusher", passwordSecret: "registryPassword" };
    assert.deepEqual(problems({ ...DEV, registry }), [
      "registry.passwordSecret: names the secret 'registryPassword', which is not set as a secret; run `pulumi config set --secret registryPassword <value>`",
    ]);
    assert.deepEqual(problems({ ...DEV, registry }, ["registryPassword"]), []);
  });
});

describe("cloud config: the cluster's baseline and the account", () => {
  it("prod: audit and control-plane logs kept 30 days, Secrets encrypted, RRSA, a maintenance window; roles checked, services activated", () => {
    const env = parse(PROD);
    assert.ok("nodePools" in env.cluster);
    assert.deepEqual(env.cluster.logs, {
      audit: true,
      controlPlane: ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"],
      retentionDays: 30,
    });
    assert.deepEqual(env.cluster.secretEncryption, { enabled: true });
    assert.equal(env.cluster.rrsa, true);
    assert.equal(env.cluster.checkVersion, true);
    assert.deepEqual(env.cluster.maintenanceWindow, {
      enabled: true,
      weekdays: ["Tuesday"],
      start: "02:00",
      hours: 4,
      utcOffset: "+08:00",
    });
    assert.deepEqual(env.account, { activateServices: true, serviceRoles: "check" });
  });

  it("staging keeps production's logs and RRSA without a KMS key of its own; dev (a standard cluster) keeps RRSA only", () => {
    const staging = parse({ ...PROD, kind: "staging", registry: { mode: "managed", instanceName: "acme-staging", namespace: "acme" } });
    assert.ok("nodePools" in staging.cluster);
    assert.equal(staging.cluster.logs.audit, true);
    assert.equal(staging.cluster.logs.retentionDays, 7);
    assert.equal(staging.cluster.secretEncryption.enabled, false);
    const dev = parse(DEV);
    assert.ok("nodePools" in dev.cluster);
    assert.deepEqual(
      [dev.cluster.logs.audit, dev.cluster.logs.controlPlane, dev.cluster.secretEncryption.enabled, dev.cluster.rrsa],
      [false, [], false, true],
    );
  });

  it("refuses what a standard cluster does not offer, and a KMS key that nothing uses", () => {
    assert.deepEqual(problems({ ...DEV, cluster: { logs: { controlPlane: ["apiserver"] }, secretEncryption: { enabled: true } } }), [
      "cluster.logs.controlPlane: [apiserver] needs edition 'pro': ACK ships control-plane logs of Pro clusters only; use [] on 'standard'",
      "cluster.secretEncryption.enabled: needs edition 'pro': ACK encrypts Secrets with KMS on Pro clusters only; turn it off on 'standard'",
    ]);
    assert.deepEqual(problems({ ...PROD, cluster: { secretEncryption: { enabled: false, kmsKeyId: "key-hzz6304944d4ejqjx9xzz" } } }), [
      "cluster.secretEncryption.kmsKeyId: is only used with cluster.secretEncryption.enabled: true",
    ]);
    assert.deepEqual(
      problems({ ...PROD, cluster: { logs: { controlPlane: ["etcd"] }, maintenanceWindow: { start: "2am", weekdays: ["Tue"] } } }),
      [
        "cluster.logs.controlPlane[0]: 'etcd' is not one of: apiserver, kcm, scheduler, ccm, controlplane-events, alb, ack-goatscaler, coredns, gatekeeper",
        "cluster.maintenanceWindow.weekdays[0]: 'Tue' is not one of: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday",
        "cluster.maintenanceWindow.start: '2am' is not a time of day such as '02:00'",
      ],
    );
    assert.deepEqual(problems({ ...PROD, account: { serviceRoles: "create" } }), [
      "account.serviceRoles: 'create' is not one of: check, manage",
    ]);
    assert.deepEqual(problems({ kind: "local", account: {} }), ["account: is not used by a local environment (it has no cloud account)"]);
  });

  it("takes a node pool's former name, once", () => {
    const pool = { name: "general-v2", formerName: "general", instanceTypes: ["ecs.g7.xlarge"], min: 1, max: 3 };
    assert.deepEqual(problems({ ...DEV, cluster: { nodePools: [pool] } }), []);
    assert.deepEqual(problems({ ...DEV, cluster: { nodePools: [pool, { ...pool, name: "general-v3" }] } }), [
      "cluster.nodePools[1].formerName: 'general' is also nodePools[0]'s name or former name; one pool can take over an old pool's nodes",
    ]);
  });

  it("keeps repositories of services that are gone, each named once", () => {
    assert.deepEqual(problems({ ...PROD, registry: { ...PROD.registry, retainedRepositories: ["old-search"] } }), []);
    assert.deepEqual(problems({ ...PROD, registry: { ...PROD.registry, retainedRepositories: ["Old", "x-y", "x-y"] } }), [
      "registry.retainedRepositories[0]: 'Old' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'",
      "registry.retainedRepositories[2]: 'x-y' is listed twice (also [1])",
    ]);
  });
});

describe("cloud config: legacy networks", () => {
  const VMS = { name: "payments-vms", cidrs: ["192.168.10.0/24"], nextHop: { type: "VpnGateway", id: "vpn-bp1abc" } };
  const payments = (endpoints: string[]) => ({
    name: "payments",
    version: "7.0.2",
    resources: { cpu: "500m", memory: "1Gi" },
    route: { host: "api.acme.example.com", path: "/payments" },
    legacy: { endpoints, weight: 50 },
  });

  it("accepts a legacy endpoint inside the VPC or inside a declared network", () => {
    assert.deepEqual(
      problems({
        ...PROD,
        network: { vpcCidr: "10.30.0.0/16", legacyNetworks: [VMS] },
        services: [payments(["192.168.10.21:8080", "10.30.8.5:8080"])],
      }),
      [],
    );
  });

  it("refuses a legacy endpoint outside the VPC and every declared network, naming the key and what to declare", () => {
    assert.deepEqual(
      problems({ ...PROD, network: { vpcCidr: "10.30.0.0/16" }, services: [payments(["10.30.8.5:8080", "192.168.10.21:8080"])] }),
      [
        "services[0].legacy.endpoints[1]: '192.168.10.21:8080' is outside the VPC '10.30.0.0/16', so nothing routes traffic to it; declare the network it is in under network.legacyNetworks: a name, its cidrs and the nextHop that reaches it (type VpnGateway, Attachment, VpcPeer, Instance, ... and its id)",
      ],
    );
    assert.deepEqual(
      problems({ ...PROD, network: { vpcCidr: "10.30.0.0/16", legacyNetworks: [VMS] }, services: [payments(["192.168.11.21:8080"])] }),
      [
        "services[0].legacy.endpoints[0]: '192.168.11.21:8080' is outside the VPC '10.30.0.0/16' and every network in network.legacyNetworks (payments-vms), so nothing routes traffic to it; declare the network it is in under network.legacyNetworks: a name, its cidrs and the nextHop that reaches it (type VpnGateway, Attachment, VpcPeer, Instance, ... and its id)",
      ],
    );
  });

  it("refuses a network inside the VPC or the service CIDR, a bad next hop, and a name twice", () => {
    assert.deepEqual(
      problems({
        ...PROD,
        network: {
          vpcCidr: "10.30.0.0/16",
          legacyNetworks: [
            { ...VMS, cidrs: ["10.30.64.0/24", "172.21.0.0/24", "192.168.10.1/24"] },
            { ...VMS, cidrs: ["192.168.0.0/16"], nextHop: { type: "VpcPeer", id: "vpn-1" } },
            { ...VMS, name: "office", cidrs: ["192.168.10.0/24"] },
          ],
        },
      }),
      [
        "network.legacyNetworks[0].cidrs[0]: '10.30.64.0/24' overlaps the VPC '10.30.0.0/16', which the VPC routes itself",
        "network.legacyNetworks[0].cidrs[1]: '172.21.0.0/24' overlaps the service CIDR '172.21.0.0/20', which the VPC routes itself",
        "network.legacyNetworks[0].cidrs[2]: '192.168.10.1/24' is not an IPv4 CIDR block such as '192.168.10.0/24': host bits are set; the block starts at 192.168.10.0/24",
        "network.legacyNetworks[1].name: 'payments-vms' is already legacyNetworks[0]",
        "network.legacyNetworks[1].nextHop.id: 'vpn-1' is not the id of a VpcPeer (pcc-...)",
        "network.legacyNetworks[2].cidrs[0]: '192.168.10.0/24' overlaps legacyNetworks[1].cidrs[0] '192.168.0.0/16'; a block is reached through one next hop",
      ],
    );
    assert.deepEqual(problems({ ...PROD, network: { legacyNetworks: [{ ...VMS, nextHop: { type: "Tunnel", id: "x-1" } }] } }), [
      "network.legacyNetworks[0].nextHop.type: 'Tunnel' is not one of: VpnGateway, Attachment, VpcPeer, Instance, NetworkInterface, HaVip, RouterInterface, Ecr",
    ]);
  });
});

describe("cloud config: an existing VPC", () => {
  const EXISTING = {
    vpcId: "vpc-bp1adsvms0000000001",
    vswitches: { "cn-hangzhou-h": "vsw-bp1adsnodesh00000001", "cn-hangzhou-i": "vsw-bp1adsnodesi00000002" },
    podVswitches: { "cn-hangzhou-h": "vsw-bp1adspodsh000000003", "cn-hangzhou-i": "vsw-bp1adspodsi000000004" },
  };

  it("takes the VPC and its vSwitches as they are, with the VPC's block for the checks", () => {
    const env = parse({ ...DEV, network: { vpcCidr: "172.16.0.0/16", existing: EXISTING } });
    assert.deepEqual(env.network!.existing, EXISTING);
    assert.equal(env.network!.vpcCidr, "172.16.0.0/16");
  });

  it("needs the VPC's block, a pod vSwitch per zone with Terway, and refuses what plans a new network", () => {
    assert.deepEqual(
      problems({ ...DEV, network: { existing: { ...EXISTING, podVswitches: undefined }, natGateway: "per-zone", nodeVswitchPrefix: 22 } }),
      [
        "network.nodeVswitchPrefix: is not used with network.existing: the VPC and its vSwitches exist, nothing of them is planned or created",
        "network.natGateway: is not used with network.existing: the VPC and its vSwitches exist, nothing of them is planned or created",
        "network.vpcCidr: is required with network.existing: the existing VPC's block, which the address checks need (the service CIDR apart from it, legacy endpoints inside it)",
        "network.existing.podVswitches: is required with cni 'terway': the pod vSwitch of each zone, where pods get their addresses",
      ],
    );
  });

  it("asks for the vSwitches as a mapping of each zone to its vSwitch", () => {
    const { vswitches: _vswitches, ...withoutVswitches } = EXISTING;
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "172.16.0.0/16", existing: withoutVswitches } }), [
      "network.existing.vswitches: is required: a mapping of each zone to a vSwitch id, such as { cn-hangzhou-h: vsw-bp1a2b3c4d5e6f7g8h9i0 }",
    ]);
    assert.deepEqual(
      problems({ ...DEV, network: { vpcCidr: "172.16.0.0/16", existing: { ...EXISTING, vswitches: ["vsw-bp1adsnodesh00000001"] } } }),
      [
        'network.existing.vswitches: ["vsw-bp1adsnodesh00000001"] is not a mapping of each zone to a vSwitch id, such as { cn-hangzhou-h: vsw-bp1a2b3c4d5e6f7g8h9i0 }',
      ],
    );
  });

  it("names a zone without a vSwitch, and ids of the wrong kind, as ExistingNetwork does", () => {
    assert.deepEqual(
      problems({
        ...DEV,
        network: {
          vpcCidr: "172.16.0.0/16",
          existing: { ...EXISTING, vpcId: "vpc1", vswitches: { "cn-hangzhou-h": "vsw-bp1adsnodesh00000001" } },
        },
      }),
      [
        "network.existing.vpcId: 'vpc1' is not a VPC id such as 'vpc-bp1a2b3c4d5e6f7g8h9i0'",
        "network.existing.vswitches: has no vSwitch for zone 'cn-hangzhou-i'; give one for every zone of the cluster",
      ],
    );
  });

  it("keeps checking legacy endpoints against the existing VPC's block", () => {
    const svc = {
      name: "ads",
      version: "3.1.0",
      resources: { cpu: "250m", memory: "512Mi" },
      route: { host: "ads.example.com" },
      legacy: { endpoints: ["172.16.8.21:8080", "10.1.0.5:8080"], weight: 90 },
    };
    assert.deepEqual(problems({ ...DEV, network: { vpcCidr: "172.16.0.0/16", existing: EXISTING }, services: [svc] }), [
      "services[0].legacy.endpoints[1]: '10.1.0.5:8080' is outside the VPC '172.16.0.0/16', so nothing routes traffic to it; declare the network it is in under network.legacyNetworks: a name, its cidrs and the nextHop that reaches it (type VpnGateway, Attachment, VpcPeer, Instance, ... and its id)",
    ]);
  });
});
