import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import {
  RegistryMirror,
  type RegistryMirrorArgs,
  registryMirrorProblems,
  resolveRegistryMirror,
} from "../../../components/cloud/registryMirror";
import type { MirrorArtifact, PushedArtifact } from "../../../components/cloud/registryMirrorPlan";
import { render } from "../../harness";

const HOST = "acme-test-registry-vpc.cn-hangzhou.cr.aliyuncs.com";
const ENVOY: MirrorArtifact = {
  kind: "image",
  namespace: "envoyproxy",
  repository: "envoy",
  tags: ["distroless-v1.39.1"],
  upstream: "docker.io/envoyproxy/envoy",
  fill: { by: "subscription", provider: "DOCKER_HUB", sourceNamespace: "envoyproxy", sourceRepository: "envoy" },
};
const CHART: MirrorArtifact = {
  kind: "chart",
  namespace: "charts",
  repository: "cert-manager",
  tags: ["v1.21.2"],
  upstream: "https://charts.jetstack.io cert-manager",
  fill: { by: "copy", from: "https://charts.jetstack.io" },
};

/**
 * A registry instance, a repository for the services' images, the mirror, and what pulls from it
 * (stand-ins for a release and a workload); returns what the mirror resolves to. (A wait that
 * fails is tested on a whole stack, in a plan of its own: test/scenarios/registrySupply.test.ts.)
 */
function program(args: Omit<RegistryMirrorArgs, "instanceId" | "host" | "pushed"> & { pushed?: PushedArtifact[] }) {
  return () => {
    const instance = new alicloud.cr.RegistryEnterpriseInstance("registry-instance", {
      instanceName: "acme-test",
      instanceType: "Advanced",
      paymentType: "Subscription",
    });
    const ns = new alicloud.cs.RegistryEnterpriseNamespace("registry-namespace", {
      instanceId: instance.id,
      name: "acme",
      autoCreate: false,
    });
    const repo = new alicloud.cs.RegistryEnterpriseRepo("registry-repo-orders", {
      instanceId: instance.id,
      namespace: ns.name,
      name: "orders",
      repoType: "PRIVATE",
      summary: "orders",
    });
    const mirror = new RegistryMirror("registry-mirror", {
      instanceId: instance.id,
      host: HOST,
      ...args,
      pushed: (args.pushed ?? []).map((p) => ({ ...p, repositoryReady: repo.name })),
    });
    new k8s.core.v1.ConfigMap("release", { data: { chart: "c" } }, { dependsOn: [mirror.ready] });
    new k8s.core.v1.ConfigMap("workload", { data: { image: mirror.pushedReady.apply((p) => p.join(",")) } });
    return { ready: mirror.ready.apply((r) => r.urn), contents: mirror.contents, pushed: mirror.pushedReady };
  };
}

describe("RegistryMirror", () => {
  it("declares a private namespace per organisation, a repository per artifact and a subscription where one can fill it", async () => {
    const out = await render(program({ artifacts: [ENVOY, CHART] }));
    assert.deepEqual(
      out
        .ofType("alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace")
        .filter((r) => r.name.startsWith("registry-mirror"))
        .map((r) => [r.name, r.inputs["defaultVisibility"]]),
      [
        ["registry-mirror-ns-charts", "PRIVATE"],
        ["registry-mirror-ns-envoyproxy", "PRIVATE"],
      ],
    );
    const repo = out.named("registry-mirror-repo-envoyproxy-envoy");
    assert.deepEqual([repo.inputs["name"], repo.inputs["namespace"], repo.inputs["tagImmutability"]], ["envoy", "envoyproxy", true]);
    const rules = out.ofType("alicloud:cr/artifactSubscriptionRule:ArtifactSubscriptionRule");
    assert.deepEqual(
      rules.map((r) => r.name),
      ["registry-mirror-sub-envoyproxy-envoy"],
      "the chart is copied by a person: no rule",
    );
    assert.equal(rules[0]!.inputs["tagRegexp"], "^(?:distroless-v1\\.39\\.1)$");
    assert.ok(rules[0]!.dependsOn.includes(repo.urn));
    const release = out.named("release").dependsOn;
    for (const fill of [repo, rules[0]!, out.named("registry-mirror-ns-envoyproxy"), out.named("registry-mirror-repo-charts-cert-manager")])
      assert.ok(release.includes(fill.urn), `what pulls depends on ${fill.name}`);
  });

  it("resolves once every tag is there, to the digests it holds; a copy the plan is not told of is assumed, and said so", async () => {
    const out = await render(
      program({ artifacts: [ENVOY, CHART], pushed: [{ namespace: "acme", repository: "orders", tags: ["4.2.0"] }] }),
    );
    const contents = out.outputs["contents"] as Record<string, string>;
    assert.deepEqual(Object.keys(contents).sort(), ["charts/cert-manager:v1.21.2", "envoyproxy/envoy:distroless-v1.39.1"]);
    assert.match(contents["envoyproxy/envoy:distroless-v1.39.1"]!, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(out.outputs["pushed"], ["acme/orders:4.2.0"]);
    assert.ok(
      out.named("workload").dependsOn.includes(out.named("registry-repo-orders").urn),
      "a workload depends on its image's repository",
    );
    assert.match(
      String(out.outputs["ready"]),
      /ack-platform:cloud:RegistryMirror::registry-mirror$/,
      "ready is the mirror itself, once filled",
    );
    assert.deepEqual(out.assumptions, [
      "acme-test: charts/cert-manager:v1.21.2 is assumed to be there (people are asked to put it there)",
      "acme-test: acme/orders:4.2.0 is assumed to be there (people are asked to put it there)",
    ]);
    assert.deepEqual(out.named("registry-mirror").inputs["filledByPeople"], [
      { namespace: "charts", repository: "cert-manager", tags: ["v1.21.2"], by: "copy" },
      { namespace: "acme", repository: "orders", tags: ["4.2.0"], by: "push" },
    ]);
  });

  it("is filled when the registry holds the copy", async () => {
    const out = await render(program({ artifacts: [ENVOY, CHART], waitMinutes: 0 }), {
      registryContents: { "acme-test": { "charts/cert-manager": ["v1.21.2"] } },
    });
    assert.deepEqual(out.assumptions, []);
    assert.equal(Object.keys(out.outputs["contents"] as object).length, 2);
  });

  it("protects what it holds when told to (production), and by default does not", async () => {
    const kept = await render(program({ artifacts: [ENVOY], protect: true }));
    assert.deepEqual(
      kept.resources
        .filter((r) => r.name.startsWith("registry-mirror-"))
        .map((r) => [r.name, r.protect])
        .sort(),
      [
        ["registry-mirror-ns-envoyproxy", true],
        ["registry-mirror-repo-envoyproxy-envoy", true],
        ["registry-mirror-sub-envoyproxy-envoy", false],
      ],
    );
    const plain = await render(program({ artifacts: [ENVOY] }));
    assert.ok(plain.resources.filter((r) => r.name.startsWith("registry-mirror")).every((r) => !r.protect));
  });

  it("refuses, before declaring anything, what ACR Enterprise cannot hold and a wait out of range", () => {
    const problems = registryMirrorProblems(
      resolveRegistryMirror({
        instanceId: "cri-1",
        host: HOST,
        artifacts: [{ ...ENVOY, namespace: "k8s", repository: "kubectl/v1" }],
        pushed: [{ namespace: "Acme", repository: "orders", tags: ["1"], repositoryReady: "" }],
        waitMinutes: 500,
      }),
    );
    assert.deepEqual(problems, [
      "artifacts[0]: docker.io/envoyproxy/envoy cannot be held at 'k8s/kubectl/v1': 'kubectl/v1' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'",
      "pushed[0]: 'Acme' is not a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'",
      "waitMinutes: 500 is not a whole number of minutes between 0 and 180",
    ]);
    assert.throws(
      () => new RegistryMirror("m", { instanceId: "cri-1", host: HOST, artifacts: [{ ...ENVOY, repository: "a/b" }] }),
      /^Error: RegistryMirror m:\n {2}artifacts\[0\]: docker.io\/envoyproxy\/envoy cannot be held at 'envoyproxy\/a\/b'/,
    );
  });
});
