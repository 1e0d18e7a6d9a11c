import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dockerEmulator } from "../../../../tools/plan/mocks/docker";
import {
  literalTags,
  mirrorComponent,
  namespaceResource,
  registryRepos,
  repositoryResource,
  subscriptionRuleResource,
} from "../../../../tools/plan/mocks/registry";
import type { EmulatorContext, ResourceRequest } from "../../../../tools/plan/mocks/types";

const INSTANCE = "cri-test";
const NAME = "acme-prod";

function context(registryContents?: EmulatorContext["registryContents"]): EmulatorContext & { notes: string[] } {
  const notes: string[] = [];
  return {
    project: "p",
    stack: "s",
    stackOutputs: () => undefined,
    ...(registryContents ? { registryContents } : {}),
    assume: (note) => notes.push(note),
    notes,
  };
}

const req = (type: string, name: string, inputs: Record<string, unknown>): ResourceRequest => ({ type, name, inputs, custom: true });
const ns = (ctx: EmulatorContext, name: string) =>
  namespaceResource(
    req("alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace", `ns-${name}`, { instanceId: INSTANCE, name }),
    ctx,
  );
const repo = (ctx: EmulatorContext, namespace: string, name: string) =>
  repositoryResource(
    req("alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo", `repo-${namespace}-${name}`, {
      instanceId: INSTANCE,
      namespace,
      name,
    }),
    ctx,
  );
const RULE = {
  instanceId: INSTANCE,
  sourceProvider: "DOCKER_HUB",
  sourceNamespaceName: "envoyproxy",
  sourceRepoName: "envoy",
  namespaceName: "envoyproxy",
  repoName: "envoy",
  tagRegexp: "^(?:distroless-v1\\.39\\.1)$",
  tagCount: 1,
  platforms: ["linux/amd64"],
};
const rule = (ctx: EmulatorContext, inputs: Record<string, unknown> = {}) =>
  subscriptionRuleResource(req("alicloud:cr/artifactSubscriptionRule:ArtifactSubscriptionRule", "rule", { ...RULE, ...inputs }), ctx);
const look = (ctx: EmulatorContext, namespace: string, nameRegex?: string) =>
  registryRepos({ instanceId: INSTANCE, namespace, enableDetails: true, ...(nameRegex ? { nameRegex } : {}) }, ctx, NAME).repos.map(
    (r: { name: string; tags: Array<{ tag: string }> }) => [r.name, r.tags.map((t) => t.tag)],
  );

describe("the registry emulator refuses what ACR Enterprise refuses", () => {
  it("a repository path it cannot hold, a namespace name, a repository in a namespace that does not exist", () => {
    const ctx = context();
    ns(ctx, "k8s");
    assert.throws(
      () => repo(ctx, "k8s", "kubectl/v1"),
      /REPO_NAME_ILLEGAL.*'kubectl\/v1' is not a repository name.*<namespace>\/<repository> only/,
    );
    assert.throws(() => ns(ctx, "Library"), /NAMESPACE_NAME_ILLEGAL/);
    assert.throws(() => repo(ctx, "jkroepke", "kube-webhook-certgen"), /NAMESPACE_NOT_EXIST\): namespace 'jkroepke' does not exist/);
    repo(ctx, "k8s", "kubectl");
  });

  it("subscription rules from a source it cannot subscribe to, for more tags than it copies, from a nested source path", () => {
    const ctx = context();
    ns(ctx, "envoyproxy");
    assert.throws(() => rule(ctx, { sourceProvider: "GHCR" }), /SourceProvider 'GHCR' is not one of DOCKER_HUB, QUAY, GCR/);
    assert.throws(() => rule(ctx, { tagCount: 6 }), /TagCount 6 is not between 1 and 5 for DOCKER_HUB/);
    rule(ctx, { sourceProvider: "QUAY", tagCount: 6 });
    assert.throws(
      () => rule(ctx, { sourceRepoName: "charts/cert-manager" }),
      /SourceRepoName 'charts\/cert-manager' is not one path segment/,
    );
    assert.throws(() => rule(ctx, { tagRegexp: "(" }), /TagRegexp '\(' is not a regular expression/);
    assert.throws(() => rule(ctx, { namespaceName: "charts" }), /NAMESPACE_NOT_EXIST/);
    assert.throws(() => rule(ctx, { platforms: [] }), /Platform is required/);
  });
});

describe("what the registry emulator holds", () => {
  it("reads the tags a pattern names literally, and no tag of any other pattern", () => {
    assert.deepEqual(literalTags("^(?:v1\\.9\\.2|1\\.9\\.2)$"), ["v1.9.2", "1.9.2"]);
    assert.deepEqual(literalTags("^(8\\.19\\.4)$"), ["8.19.4"]);
    assert.deepEqual(literalTags("^v1$"), ["v1"]);
    assert.deepEqual(literalTags(".*"), []);
    assert.deepEqual(literalTags("^v1\\.9\\..*$"), []);
    assert.deepEqual(literalTags("^v1.9.2$"), [], "an unescaped '.' matches any character: not a literal tag");
  });

  it("holds what a subscription names, up to its tag count, and nothing for a pattern that names no tag", () => {
    const ctx = context({});
    ns(ctx, "envoyproxy");
    repo(ctx, "envoyproxy", "envoy");
    repo(ctx, "envoyproxy", "gateway");
    rule(ctx);
    rule(ctx, { repoName: "gateway", sourceRepoName: "gateway", tagRegexp: "^v1\\.9\\..*$", tagCount: 5 });
    assert.deepEqual(look(ctx, "envoyproxy"), [
      ["envoy", ["distroless-v1.39.1"]],
      ["gateway", []],
    ]);
  });

  it("holds an image the program pushed, and what the plan is told people put there", () => {
    const ctx = context({ [NAME]: { "acme/orders": ["4.2.0"] } });
    dockerEmulator.resource(
      req("docker:index/image:Image", "image-hello", {
        imageName: `${NAME}-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello:1.0.0`,
        build: {},
      }),
      ctx,
    );
    assert.deepEqual(look(ctx, "acme"), [
      ["hello", ["1.0.0"]],
      ["orders", ["4.2.0"]],
    ]);
    assert.deepEqual(ctx.notes, []);
  });

  it("assumes what a program asks people to put there only when not told the contents, and says so", () => {
    const asked = {
      instanceId: INSTANCE,
      filledByPeople: [{ namespace: "charts", repository: "cert-manager", tags: ["v1.21.2"], by: "copy" }],
    };
    const assuming = context();
    mirrorComponent(req("ack-platform:cloud:RegistryMirror", "registry-mirror", asked), assuming);
    assert.deepEqual(look(assuming, "charts"), [["cert-manager", ["v1.21.2"]]]);
    assert.deepEqual(assuming.notes, [`${NAME}: charts/cert-manager:v1.21.2 is assumed to be there (people are asked to put it there)`]);
    const told = context({ [NAME]: {} });
    mirrorComponent(req("ack-platform:cloud:RegistryMirror", "registry-mirror", asked), told);
    assert.deepEqual(look(told, "charts"), [], "a tag nobody fills is missing");
  });

  it("filters by name, and refuses to be looked at again: nothing fills a registry while an offline plan waits", () => {
    const ctx = context({});
    ns(ctx, "envoyproxy");
    repo(ctx, "envoyproxy", "envoy");
    repo(ctx, "envoyproxy", "gateway");
    assert.deepEqual(look(ctx, "envoyproxy", "^(?:gateway)$"), [["gateway", []]]);
    assert.throws(
      () => look(ctx, "envoyproxy", "^(?:gateway)$"),
      /the offline plan cannot wait for registry 'acme-prod' to fill: the program looks at namespace 'envoyproxy' again/,
    );
  });
});
