import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configProblems, DEV, PROD as PROD_TWO_ZONES, parseConfig } from "./configFixtures";

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
      "network.natGateway: 'per-zone' is not accepted with cni 'flannel': it gives each zone its own route table, and Flannel's pod routes are written only to the VPC's system route table; use 'per-environment' or cni 'terway'",
    ]);
  });

  it("caps the NAT bandwidth at what a pay-by-traffic EIP allows", () => {
    assert.deepEqual(problems({ ...DEV, network: { natBandwidthMbps: 500 } }), ["network.natBandwidthMbps: 500 is not between 1 and 200"]);
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
      ["registry.replication.region: 'cn-hangzhou' is this environment's own region; replicate to another one"],
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
