import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configProblems, DEV, PROD, parseConfig } from "../configFixtures";

const OWN = "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com";

describe("imageMirror and chartMirror", () => {
  it("default to the stack's own registry in prod and staging, and to nothing elsewhere", () => {
    const prod = parseConfig(PROD);
    assert.deepEqual([prod.imageMirror, prod.chartMirror], [OWN, OWN]);
    const staging = parseConfig({
      ...PROD,
      kind: "staging",
      registry: { mode: "managed", instanceName: "acme-staging", namespace: "acme" },
    });
    const own = "acme-staging-registry-vpc.cn-hangzhou.cr.aliyuncs.com";
    assert.deepEqual([staging.imageMirror, staging.chartMirror], [own, own]);
    const existing = parseConfig({ ...PROD, registry: { mode: "existing", endpoint: "harbor.acme.example.com", namespace: "acme" } });
    assert.deepEqual([existing.imageMirror, existing.chartMirror], ["harbor.acme.example.com", "harbor.acme.example.com"]);
    const dev = parseConfig(DEV);
    assert.deepEqual([dev.imageMirror, dev.chartMirror], [undefined, undefined]);
    assert.deepEqual([parseConfig({ kind: "local" }).chartMirror], [undefined]);
  });

  it("accept any registry host in local and dev, where upstream may do", () => {
    const dev = parseConfig({ ...DEV, imageMirror: "registry.example.com", chartMirror: "localhost:5001" });
    assert.deepEqual([dev.imageMirror, dev.chartMirror], ["registry.example.com", "localhost:5001"]);
  });

  it("refuse, in prod and staging, any registry other than the stack's own", () => {
    assert.deepEqual(configProblems({ ...PROD, imageMirror: "registry.cn-hangzhou.aliyuncs.com", chartMirror: OWN }), [
      `imageMirror: 'registry.cn-hangzhou.aliyuncs.com' is not this stack's registry; prod pulls every add-on image from its own registry only: set '${OWN}' or leave it unset`,
    ]);
    assert.deepEqual(configProblems({ ...PROD, kind: "staging", chartMirror: "charts.example.com" }), [
      `chartMirror: 'charts.example.com' is not this stack's registry; staging pulls every add-on chart from its own registry only: set '${OWN}' or leave it unset`,
    ]);
  });

  it("refuse a path: the mirror's paths are <namespace>/<repository>", () => {
    assert.deepEqual(
      configProblems({ ...DEV, imageMirror: "registry.cn-hangzhou.aliyuncs.com/mirror", chartMirror: "oci://x.example.com" }),
      [
        "imageMirror: 'registry.cn-hangzhou.aliyuncs.com/mirror' is not a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (images are pulled from <host>/<namespace>/<repository>)",
        "chartMirror: 'oci://x.example.com' is not a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (charts are fetched from oci://<host>/charts/<chart>)",
      ],
    );
  });
});

describe("registry.waitMinutes", () => {
  it("waits 20 minutes by default for what fills a managed registry, 0 to look once", () => {
    const prod = parseConfig(PROD);
    assert.equal(prod.registry.mode === "managed" && prod.registry.waitMinutes, 20);
    const once = parseConfig({ ...PROD, registry: { ...PROD.registry, waitMinutes: 0 } });
    assert.equal(once.registry.mode === "managed" && once.registry.waitMinutes, 0);
    assert.deepEqual(configProblems({ ...PROD, registry: { ...PROD.registry, waitMinutes: 240 } }), [
      "registry.waitMinutes: 240 is not a whole number of minutes between 0 and 180",
    ]);
  });
});
