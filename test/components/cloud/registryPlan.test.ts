import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  allowedCidrProblems,
  digestOf,
  instanceNameProblem,
  namespaceProblem,
  registryDomains,
  registryHostOf,
  repositoryProblem,
  syncRuleSpec,
} from "../../../components/cloud/registryPlan";

describe("registry plan", () => {
  it("derives an instance's domains from its name and region", () => {
    assert.deepEqual(registryDomains("acme-prod", "cn-hangzhou"), {
      vpc: "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
      internet: "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com",
    });
  });

  it("checks names", () => {
    assert.equal(instanceNameProblem("acme-prod"), undefined);
    assert.equal(instanceNameProblem("Acme"), "'Acme' is not an instance name of 3-30 characters of a-z, 0-9 and '-'");
    assert.equal(namespaceProblem("acme_apps"), undefined);
    assert.equal(namespaceProblem("-acme"), "'-acme' is not a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'");
    assert.equal(repositoryProblem("orders.api"), undefined);
    assert.equal(repositoryProblem("x"), "'x' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'");
  });

  it("refuses an allow-list entry that is not a CIDR block, the whole internet, or a repeat", () => {
    assert.deepEqual(allowedCidrProblems(["203.0.113.0/24", "0.0.0.0/0", "203.0.113.0/24", "198.51.100.7", "198.51.100.7/32"]), [
      { index: 1, message: "'0.0.0.0/0' is not an IPv4 CIDR block such as '203.0.113.0/24': the prefix /0 is outside /8../32" },
      { index: 2, message: "'203.0.113.0/24' is listed twice (also [0])" },
      {
        index: 3,
        message: "'198.51.100.7' is not an IPv4 CIDR block such as '203.0.113.0/24': expected four dot-separated numbers and a /prefix",
      },
    ]);
    assert.deepEqual(allowedCidrProblems([]), []);
  });

  it("replicates the whole namespace, on every push, into the same namespace unless told otherwise", () => {
    assert.deepEqual(syncRuleSpec("acme", { region: "cn-shanghai", instanceId: "cri-abc123" }), {
      syncRuleName: "acme-to-cn-shanghai",
      namespaceName: "acme",
      syncScope: "NAMESPACE",
      syncTrigger: "PASSIVE",
      tagFilter: ".*",
      targetRegionId: "cn-shanghai",
      targetInstanceId: "cri-abc123",
      targetNamespaceName: "acme",
    });
    assert.equal(
      syncRuleSpec("acme", { region: "cn-shanghai", instanceId: "cri-abc123", namespace: "acme-dr" }).targetNamespaceName,
      "acme-dr",
    );
  });

  it("reads the digest of a repository digest and refuses anything else", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    assert.equal(digestOf(`acme-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello@${digest}`), digest);
    assert.equal(digestOf(`localhost:5001/local/hello@${digest}`), digest);
    assert.throws(() => digestOf("acme/hello:1.0.0"), /'acme\/hello:1.0.0' is not a repository digest/);
    assert.throws(() => digestOf(""), /is not a repository digest/);
  });

  it("finds the registry host of a repository", () => {
    assert.equal(
      registryHostOf("acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello"),
      "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
    );
    assert.equal(registryHostOf("localhost:5001/local/hello"), "localhost:5001");
    assert.equal(registryHostOf("localhost/local/hello"), "localhost");
    assert.equal(registryHostOf("local/hello"), "");
    assert.equal(registryHostOf("hello"), "");
  });

  it("round-trips any digest through a repository reference (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-f0-9]{64}$/), fc.constantFrom("r.example.com/ns/app", "localhost:5001/a/b"), (hex, repo) => {
        assert.equal(digestOf(`${repo}@sha256:${hex}`), `sha256:${hex}`);
      }),
    );
  });
});
