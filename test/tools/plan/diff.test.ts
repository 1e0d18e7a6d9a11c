import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DiffResult, diffPlans, formatDiff, type PreviousResource } from "../../../tools/plan/diff";
import type { PlannedResource } from "../../../tools/plan/engine";

const K8S_PROVIDER = "urn:pulumi:test::p::pulumi:providers:kubernetes::k8s";
const ALI_PROVIDER = "urn:pulumi:test::p::pulumi:providers:alicloud::ali";

/** A resource of this plan, as the engine records it; its state echoes its inputs unless given. */
function planned(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
  const custom = extra.custom ?? true;
  return {
    urn: `urn:pulumi:test::p::${type}::${name}`,
    type,
    name,
    dependsOn: [],
    protect: false,
    retainOnDelete: false,
    custom,
    read: false,
    inputs,
    ...(custom ? { id: `${name}-id`, state: { ...inputs } } : {}),
    ...(type.startsWith("kubernetes:") ? { provider: K8S_PROVIDER } : type.startsWith("alicloud:") ? { provider: ALI_PROVIDER } : {}),
    ...extra,
  };
}

/** The same resource as a previous plan.json records it. */
function previous(r: PlannedResource, overrides: Partial<PreviousResource> = {}): PreviousResource {
  return {
    urn: r.urn,
    type: r.type,
    provider: r.provider ?? null,
    protect: r.protect,
    inputs: r.inputs,
    id: r.id ?? null,
    state: r.state ?? null,
    ...overrides,
  };
}

const providers = [
  planned("pulumi:providers:kubernetes", "k8s", { clusterIdentifier: "c1", kubeconfig: "[secret]" }),
  planned("pulumi:providers:alicloud", "ali", { region: "cn-hangzhou" }),
];

function diff(before: PlannedResource[], after: PlannedResource[], olds: Map<string, Partial<PreviousResource>> = new Map()): DiffResult {
  return diffPlans(
    [...providers, ...before].map((r) => previous(r, olds.get(r.name))),
    [...providers, ...after],
  );
}

const deployment = (selector: Record<string, string>, replicas: number) =>
  planned("kubernetes:apps/v1:Deployment", "web", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps" },
    spec: { replicas, selector: { matchLabels: selector }, template: { metadata: { labels: selector } } },
  });

describe("comparing a plan with a previous one", () => {
  it("finds nothing when nothing changed", () => {
    const r = deployment({ app: "web" }, 2);
    assert.deepEqual(diff([r], [r]).diff, { added: [], removed: [], updated: [], replaced: [], ignored: [] });
  });

  it("lists added and removed resources, the removed protected ones apart", () => {
    const kept = deployment({ app: "web" }, 2);
    const gone = planned("alicloud:vpc/switch:Switch", "old", { cidrBlock: "10.0.0.0/24" }, { protect: true });
    const fresh = planned("alicloud:vpc/switch:Switch", "new", { cidrBlock: "10.0.1.0/24" });
    const result = diff([kept, gone], [kept, fresh]);
    assert.deepEqual(result.diff.added, [fresh.urn]);
    assert.deepEqual(result.diff.removed, [gone.urn]);
    assert.deepEqual(result.protectedRemovals, [gone.urn]);
  });

  it("compares a bridged provider's inputs with the state it stored, as Terraform does", () => {
    // The add-on's config is stored as the provider re-serialises it (Go's json.Marshal: keys sorted).
    const written = '{"watchNamespace":"all","AcrInstanceInfo":[]}';
    const stored = '{"AcrInstanceInfo":[],"watchNamespace":"all"}';
    const addon = planned("alicloud:cs/kubernetesAddon:KubernetesAddon", "addon", { clusterId: "c1", name: "helper", config: written });
    const olds = new Map([["addon", { state: { clusterId: "c1", name: "helper", config: stored, version: "v1" } }]]);
    const result = diff([addon], [addon], olds);
    assert.deepEqual(
      result.diff.updated.map((u) => [u.urn, u.fields]),
      [[addon.urn, ["config"]]],
      "a config written in another form than the stored one is an update on every run",
    );
    const same = planned("alicloud:cs/kubernetesAddon:KubernetesAddon", "addon", { clusterId: "c1", name: "helper", config: stored });
    assert.deepEqual(diff([same], [same], olds).diff.updated, [], "written as stored: no change");
  });

  it("ignores what a bridged provider computed, but counts an input the program no longer sets", () => {
    const vpc = planned("alicloud:vpc/network:Network", "vpc", { cidrBlock: "10.0.0.0/16", description: "nodes" });
    const olds = new Map([["vpc", { state: { cidrBlock: "10.0.0.0/16", description: "nodes", routerId: "vrt-1234567" } }]]);
    assert.deepEqual(diff([vpc], [vpc], olds).diff.updated, [], "routerId is the provider's, not a change");
    const without = planned("alicloud:vpc/network:Network", "vpc", { cidrBlock: "10.0.0.0/16" });
    assert.deepEqual(
      diff([vpc], [without], olds).diff.updated.map((u) => u.fields),
      [["description"]],
    );
  });

  it("compares a Kubernetes object with its previous inputs: fields the cluster fills in never show", () => {
    const before = deployment({ app: "web" }, 2);
    const olds = new Map([
      ["web", { state: { ...before.inputs, metadata: { name: "web", namespace: "apps", uid: "u-1", resourceVersion: "7" }, status: {} } }],
    ]);
    assert.deepEqual(diff([before], [before], olds).diff.updated, []);
    const scaled = deployment({ app: "web" }, 3);
    const result = diff([before], [scaled], olds);
    assert.deepEqual(
      result.diff.updated.map((u) => [u.fields, u.paths]),
      [[["spec"], ["spec.replicas"]]],
    );
    // A field the program adds is a change even when the live object already has it.
    const annotated = planned("kubernetes:apps/v1:Deployment", "web", {
      ...before.inputs,
      metadata: { name: "web", namespace: "apps", uid: "u-1" },
    });
    assert.deepEqual(
      diff([before], [annotated], olds).diff.updated.map((u) => u.paths),
      [["metadata.uid"]],
    );
  });

  it("replaces a Kubernetes object on its immutable fields and on its identity", () => {
    const before = deployment({ app: "web" }, 2);
    const result = diff([before], [deployment({ app: "web2" }, 2)]);
    assert.deepEqual(result.diff.updated, []);
    assert.deepEqual(
      result.diff.replaced.map((r) => r.replaceOn),
      [["spec.selector.matchLabels.app"]],
    );
    const renamed = planned("kubernetes:apps/v1:Deployment", "web", { ...before.inputs, metadata: { name: "web-2", namespace: "apps" } });
    assert.deepEqual(
      diff([before], [renamed]).diff.replaced.map((r) => r.replaceOn),
      [["metadata.name"]],
    );
  });

  it("replaces a ConfigMap whose data changes, unless its provider makes ConfigMaps mutable", () => {
    const cm = (v: string) =>
      planned("kubernetes:core/v1:ConfigMap", "cm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { k: v } });
    assert.equal(diff([cm("a")], [cm("b")]).diff.replaced.length, 1);
    const mutable = planned("pulumi:providers:kubernetes", "k8s", {
      clusterIdentifier: "c1",
      kubeconfig: "[secret]",
      enableConfigMapMutable: true,
    });
    const result = diffPlans([previous(mutable), previous(providers[1]!), previous(cm("a"))], [mutable, providers[1]!, cm("b")]);
    assert.deepEqual(
      result.diff.updated.map((u) => u.fields),
      [["data"]],
    );
    assert.equal(result.diff.replaced.length, 0);
  });

  it("compares secrets as unchanged unless one appears or disappears", () => {
    const secret = (data: Record<string, unknown>) =>
      planned("kubernetes:core/v1:Secret", "s", { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, ...data });
    assert.deepEqual(diff([secret({ stringData: "[secret]" })], [secret({ stringData: "[secret]" })]).diff.replaced, []);
    assert.deepEqual(diff([secret({ stringData: "[secret]" })], [secret({ stringData: "[secret]" })]).diff.updated, []);
    const added = diff([secret({ stringData: "[secret]" })], [secret({ stringData: "[secret]", data: "[secret]" })]);
    assert.deepEqual(
      added.diff.replaced.map((r) => r.replaceOn),
      [["data"]],
      "a new secret input is a change (and Secret data replaces the Secret by default)",
    );
    // A state masked whole because something inside it is secret is compared with the previous inputs.
    const addon = (extra: Record<string, unknown>) =>
      planned("alicloud:cs/kubernetesAddon:KubernetesAddon", "a", { name: "x", config: { token: "[secret]", ...extra } });
    const masked = new Map([["a", { state: { name: "x", config: "[secret]" } }]]);
    assert.deepEqual(diff([addon({})], [addon({})], masked).diff.updated, []);
    assert.deepEqual(
      diff([addon({})], [addon({ level: 2 })], masked).diff.updated.map((u) => u.paths),
      [["config.level"]],
    );
  });

  it("counts an unknown input as a change, a replacement where it is create-only", () => {
    const rule = (cidr: string) => planned("alicloud:ecs/securityGroupRule:SecurityGroupRule", "rule", { cidrIp: cidr, description: "x" });
    assert.deepEqual(
      diff([rule("10.0.0.0/8")], [rule("[unknown]")]).diff.replaced.map((r) => r.replaceOn),
      [["cidrIp"]],
    );
  });

  it("reports changes to inputs a provider reads only at creation apart, as neither update nor replacement", () => {
    const cluster = (pods: string[], name: string) =>
      planned("alicloud:cs/managedKubernetes:ManagedKubernetes", "cluster", { name, podVswitchIds: pods, serviceCidr: "172.16.0.0/16" });
    const result = diff([cluster(["vsw-1"], "a")], [cluster(["vsw-1", "vsw-2"], "a")]);
    assert.deepEqual(result.diff.updated, []);
    assert.deepEqual(result.diff.replaced, []);
    assert.deepEqual(
      result.diff.ignored.map((i) => i.fields),
      [["podVswitchIds"]],
    );
    const both = diff([cluster(["vsw-1"], "a")], [cluster(["vsw-1", "vsw-2"], "b")]);
    assert.deepEqual(
      both.diff.updated.map((u) => u.fields),
      [["name"]],
    );
    assert.equal(both.diff.ignored.length, 1);
  });

  it("passes a replacement on: what carries the replaced resource's id or computed outputs may change", () => {
    const vsw = (cidr: string) => planned("alicloud:vpc/switch:Switch", "vsw", { cidrBlock: cidr, zoneId: "z" });
    const before = vsw("10.0.0.0/24");
    const attachment = planned(
      "alicloud:vpc/routeTableAttachment:RouteTableAttachment",
      "attach",
      { routeTableId: "vtb-1", vswitchId: before.id },
      { dependsOn: [before.urn] },
    );
    const cluster = planned(
      "alicloud:cs/managedKubernetes:ManagedKubernetes",
      "cluster",
      { name: "c", vswitchIds: [before.id] },
      { dependsOn: [before.urn] },
    );
    const unrelated = planned("alicloud:vpc/routeEntry:RouteEntry", "route", { routeTableId: "vtb-1" }, { dependsOn: [before.urn] });
    const result = diff([before, attachment, cluster, unrelated], [vsw("10.1.0.0/24"), attachment, cluster, unrelated]);
    assert.deepEqual(
      result.diff.replaced.map((r) => [r.urn.split("::").pop(), r.replaceOn]),
      [
        ["vsw", ["cidrBlock"]],
        ["attach", ["vswitchId"]],
      ],
    );
    assert.deepEqual(
      result.diff.updated.map((u) => [u.urn.split("::").pop(), u.paths]),
      [["cluster", ["vswitchIds[0]"]]],
    );
  });

  it("takes a secret input of what depends on a replaced resource as changed: it may carry the new value unseen", () => {
    const key = (curve: string) => planned("tls:index/privateKey:PrivateKey", "key", { algorithm: "ECDSA", ecdsaCurve: curve });
    const cert = planned(
      "tls:index/selfSignedCert:SelfSignedCert",
      "cert",
      { privateKeyPem: "[secret]", validityPeriodHours: 1 },
      { dependsOn: [key("P256").urn] },
    );
    assert.deepEqual(diff([key("P256"), cert], [key("P256"), cert]).diff.replaced, []);
    assert.deepEqual(
      diff([key("P256"), cert], [key("P384"), cert]).diff.replaced.map((r) => [r.urn.split("::").pop(), r.replaceOn]),
      [
        ["key", ["ecdsaCurve"]],
        ["cert", ["privateKeyPem"]],
      ],
    );
  });

  it("replaces every object of a Kubernetes provider whose cluster identifier changes", () => {
    const cm = planned("kubernetes:core/v1:ConfigMap", "cm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } });
    const moved = planned("pulumi:providers:kubernetes", "k8s", { clusterIdentifier: "c2", kubeconfig: "[secret]" });
    const result = diffPlans(
      [...providers, cm].map((r) => previous(r)),
      [moved, providers[1]!, cm],
    );
    assert.deepEqual(
      result.diff.replaced.map((r) => [r.urn.split("::").pop(), r.replaceOn]),
      [
        ["k8s", ["clusterIdentifier"]],
        ["cm", ["provider"]],
      ],
    );
  });

  it("follows aliases: a renamed resource that names its old URN is the same resource", () => {
    const before = planned("alicloud:cs/nodePool:NodePool", "pool-general", { nodePoolName: "general" });
    const after = planned(
      "alicloud:cs/nodePool:NodePool",
      "pool-main",
      { nodePoolName: "general" },
      { diffOptions: { aliases: [before.urn] } },
    );
    const result = diff([before], [after]);
    assert.deepEqual(result.diff, { added: [], removed: [], updated: [], replaced: [], ignored: [] });
  });

  it("honours ignoreChanges and replaceOnChanges", () => {
    const before = deployment({ app: "web" }, 2);
    const scaled = deployment({ app: "web" }, 5);
    assert.deepEqual(diff([before], [{ ...scaled, diffOptions: { ignoreChanges: ["spec.replicas"] } }]).diff.updated, []);
    assert.deepEqual(
      diff([before], [{ ...scaled, diffOptions: { replaceOnChanges: ["spec.replicas"] } }]).diff.replaced.map((r) => r.replaceOn),
      [["spec.replicas"]],
    );
  });

  it("replaces a Helm release on its name or namespace, and upgrades it otherwise", () => {
    const release = (name: string, replicas: number) =>
      planned("kubernetes:helm.sh/v3:Release", "rel", { name, namespace: "x", chart: "c", version: "1", values: { replicas } });
    const olds = new Map([["rel", { state: { ...release("a", 1).inputs, status: { revision: 1 } } }]]);
    assert.deepEqual(
      diff([release("a", 1)], [release("a", 2)], olds).diff.updated.map((u) => u.paths),
      [["values.replicas"]],
    );
    assert.deepEqual(
      diff([release("a", 1)], [release("b", 1)], olds).diff.replaced.map((r) => r.replaceOn),
      [["name"]],
    );
  });

  it("rebuilds an image whose build context changed, though its inputs did not", () => {
    const image = planned("docker:index/image:Image", "img", { imageName: "r/x:1", build: { context: "services/x" } });
    const olds = new Map([["img", { id: "r/x:1-sha256:aaa" }]]);
    assert.deepEqual(
      diff([image], [image], olds).diff.updated.map((u) => u.paths),
      [["build.contextDigest"]],
    );
  });

  it("names the resource types it has no replacement list for", () => {
    const odd = planned("alicloud:oss/bucket:Bucket", "bucket", { bucket: "a" });
    const changed = planned("alicloud:oss/bucket:Bucket", "bucket", { bucket: "b" });
    const result = diff([odd], [changed]);
    assert.deepEqual(result.unknownTypes, ["alicloud:oss/bucket:Bucket"]);
    assert.equal(result.diff.updated.length, 1);
  });

  it("summarises for a pull request: protected replacements first, then replacements, deletions, creations, updates", () => {
    const vpc = (cidr: string) =>
      planned("alicloud:ecs/securityGroup:SecurityGroup", "sg", { vpcId: cidr, securityGroupName: "sg" }, { protect: true });
    const vsw = (cidr: string) => planned("alicloud:vpc/switch:Switch", "vsw", { cidrBlock: cidr });
    const gone = planned("alicloud:vpc/switch:Switch", "gone", { cidrBlock: "10.0.9.0/24" });
    const fresh = planned("alicloud:vpc/switch:Switch", "fresh", { cidrBlock: "10.0.8.0/24" });
    const web = deployment({ app: "web" }, 2);
    const result = diff(
      [vpc("vpc-1"), vsw("10.0.0.0/24"), gone, web],
      [vpc("vpc-2"), vsw("10.0.1.0/24"), fresh, deployment({ app: "web" }, 3)],
    );
    const text = formatDiff(result, "the plan in out/test", (urn) => urn.split("::").pop()!);
    assert.equal(
      text,
      [
        "Compared with the plan in out/test: 2 to replace (1 protected), 1 to delete, 1 to create, 1 to update",
        "  REPLACE PROTECTED (pulumi up refuses until they are unprotected):",
        "    sg: vpcId",
        "  replace:",
        "    vsw: cidrBlock",
        "  delete:",
        "    gone",
        "  create:",
        "    fresh",
        "  update:",
        "    web: spec",
      ].join("\n"),
    );
    assert.equal(
      formatDiff(diff([web], [web]), "the plan in out/test", (u) => u),
      "Compared with the plan in out/test: no changes; pulumi up would change nothing.",
    );
  });
});
