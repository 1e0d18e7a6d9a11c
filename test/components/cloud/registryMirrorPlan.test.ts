import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  exactTagPattern,
  fillInstruction,
  mergeArtifacts,
  type MirrorArtifact,
  mirrorProblems,
  missingTags,
  subscriptionRuleSpec,
  subscriptionSource,
} from "../../../components/cloud/registryMirrorPlan";

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
const HOST = "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com";

describe("where ACR's artifact subscription copies from", () => {
  const cases: Array<[string, ReturnType<typeof subscriptionSource>]> = [
    ["docker.io/envoyproxy/envoy", { provider: "DOCKER_HUB", namespace: "envoyproxy", repository: "envoy" }],
    ["quay.io/jetstack/cert-manager-controller", { provider: "QUAY", namespace: "jetstack", repository: "cert-manager-controller" }],
    [
      "gcr.io/k8s-staging-kube-state-metrics/kube-state-metrics",
      { provider: "GCR", namespace: "k8s-staging-kube-state-metrics", repository: "kube-state-metrics" },
    ],
    // Not a source it subscribes from, or a nested path it cannot name as <namespace>/<repository>.
    ["ghcr.io/jkroepke/kube-webhook-certgen", undefined],
    ["registry.k8s.io/kube-state-metrics/kube-state-metrics", undefined],
    ["docker.elastic.co/elasticsearch/elasticsearch", undefined],
    ["quay.io/jetstack/charts/cert-manager", undefined],
  ];
  for (const [repository, expected] of cases) it(repository, () => assert.deepEqual(subscriptionSource(repository), expected));
});

describe("the subscription rule of a mirrored image", () => {
  it("copies exactly the pinned tags, for the nodes' platform, never overwriting a tag", () => {
    assert.deepEqual(subscriptionRuleSpec({ ...ENVOY, tags: ["v1.9.2", "1.9.2"] }), {
      sourceProvider: "DOCKER_HUB",
      sourceNamespaceName: "envoyproxy",
      sourceRepoName: "envoy",
      namespaceName: "envoyproxy",
      repoName: "envoy",
      tagRegexp: "^(?:v1\\.9\\.2|1\\.9\\.2)$",
      tagCount: 2,
      override: false,
      platforms: ["linux/amd64"],
    });
    const pattern = new RegExp(exactTagPattern(["v1.9.2"]));
    assert.ok(pattern.test("v1.9.2"));
    assert.ok(!pattern.test("v1x9x2") && !pattern.test("v1.9.20"));
  });

  it("is not made for an artifact copied by a person", () => {
    assert.throws(() => subscriptionRuleSpec(CHART), /charts\/cert-manager is not filled by a subscription/);
  });
});

describe("mirror problems", () => {
  it("accepts the platform's kinds of artifact", () => assert.deepEqual(mirrorProblems([ENVOY, CHART]), []));

  const cases: Array<[string, MirrorArtifact[], string[]]> = [
    [
      "a path ACR Enterprise cannot hold",
      [{ ...ENVOY, repository: "kubectl/v2" }],
      [
        "docker.io/envoyproxy/envoy cannot be held at 'envoyproxy/kubectl/v2': 'kubectl/v2' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'",
      ],
    ],
    [
      "a namespace too long",
      [{ ...ENVOY, namespace: "a-namespace-longer-than-thirty-chars" }],
      [
        "docker.io/envoyproxy/envoy cannot be held at 'a-namespace-longer-than-thirty-chars/envoy': 'a-namespace-longer-than-thirty-chars' is not a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'",
      ],
    ],
    [
      "more tags than a Docker Hub subscription copies",
      [{ ...ENVOY, tags: ["1", "2", "3", "4", "5", "6"] }],
      ["docker.io/envoyproxy/envoy: 6 tags, but a subscription from DOCKER_HUB copies at most 5; pin fewer versions"],
    ],
    [
      "a digest, which no subscription or copy fills by name",
      [{ ...ENVOY, tags: [`sha256:${"a".repeat(64)}`] }],
      [`docker.io/envoyproxy/envoy: 'sha256:${"a".repeat(64)}' is not a tag a subscription or copy can fill; pin a tag, not a digest`],
    ],
    [
      "two upstreams in one place",
      [ENVOY, { ...ENVOY, upstream: "quay.io/envoyproxy/envoy" }],
      ["quay.io/envoyproxy/envoy and docker.io/envoyproxy/envoy would both be held at 'envoyproxy/envoy'"],
    ],
  ];
  for (const [what, artifacts, expected] of cases) {
    it(`refuses ${what}`, () =>
      assert.deepEqual(
        mirrorProblems(artifacts).map((p) => p.message),
        expected,
      ));
  }

  it("merges the tags of one repository asked for twice", () => {
    assert.deepEqual(mergeArtifacts([ENVOY, { ...ENVOY, tags: ["distroless-v1.40.0", "distroless-v1.39.1"] }]), [
      { ...ENVOY, tags: ["distroless-v1.39.1", "distroless-v1.40.0"] },
    ]);
  });
});

describe("what is missing, and how it gets there", () => {
  it("finds the tags a registry lacks, a digest counting as the tag it names", () => {
    const held = new Map([
      ["envoyproxy/envoy", [{ tag: "distroless-v1.39.1", digest: "sha256:1" }]],
      ["acme/orders", [{ tag: "4.2.0", digest: "sha256:2" }]],
    ]);
    const orders = { namespace: "acme", repository: "orders", tags: ["4.2.0", "4.3.0", "sha256:2"] };
    assert.deepEqual(missingTags([ENVOY, CHART, orders], held), [
      { artifact: CHART, tags: ["v1.21.2"] },
      { artifact: orders, tags: ["4.3.0"] },
    ]);
  });

  it("names the subscription, or the commands that copy once", () => {
    assert.match(
      fillInstruction(ENVOY, ["distroless-v1.39.1"], HOST),
      /^subscribed from DOCKER_HUB envoyproxy\/envoy; .*skopeo copy --all docker:\/\/docker.io\/envoyproxy\/envoy:distroless-v1.39.1 docker:\/\/acme-prod-registry.cn-hangzhou.cr.aliyuncs.com\/envoyproxy\/envoy:distroless-v1.39.1$/,
    );
    assert.equal(
      fillInstruction(CHART, ["v1.21.2"], HOST),
      `copy it once: helm pull cert-manager --repo https://charts.jetstack.io --version v1.21.2 && helm push cert-manager-v1.21.2.tgz oci://${HOST}/charts`,
    );
    const certgen: MirrorArtifact = {
      ...ENVOY,
      namespace: "jkroepke",
      repository: "kube-webhook-certgen",
      upstream: "ghcr.io/jkroepke/kube-webhook-certgen",
      fill: { by: "copy", from: "ghcr.io/jkroepke/kube-webhook-certgen" },
    };
    assert.equal(
      fillInstruction(certgen, ["1.8.7"], HOST),
      `copy it once: skopeo copy --all docker://ghcr.io/jkroepke/kube-webhook-certgen:1.8.7 docker://${HOST}/jkroepke/kube-webhook-certgen:1.8.7`,
    );
  });
});
