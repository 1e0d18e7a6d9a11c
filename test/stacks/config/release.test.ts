/**
 * The release steps of the stack config (stacks/config/release.ts): a canary's and a legacy
 * migration's steps, their gates, the environment's defaults, and every way they are refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { releaseSteps } from "../../../stacks/config";
import { configProblems, DEV, PROD, parseConfig } from "../configFixtures";

const CATALOG = {
  name: "catalog",
  version: "2.14.0",
  resources: { cpu: "500m", memory: "768Mi" },
  route: { host: "api.acme.example.com", path: "/catalog" },
};
const GATES = { minRequests: 100, maxErrorPercent: 1 };
const canary = (over: Record<string, unknown>) => ({ ...CATALOG, canary: { version: "2.15.0", weight: 10, ...over } });
const legacy = (over: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...CATALOG,
  legacy: { endpoints: ["10.0.8.21:8080"], weight: 50, ...over },
  ...extra,
});
const withServices = (base: Record<string, unknown>, ...services: Array<Record<string, unknown>>) => ({ ...base, services });

describe("release steps: what is accepted", () => {
  it("gives the environment's defaults: a 0.99 quantile over 10 minutes; approval manual in prod, auto elsewhere", () => {
    assert.deepEqual(parseConfig(PROD).release, { analysis: { latencyQuantile: 0.99, windowMinutes: 10 }, approval: "manual" });
    assert.equal(parseConfig(DEV).release.approval, "auto");
  });

  it("merges a service's analysis over the environment's, key by key", () => {
    const env = parseConfig({
      ...withServices(PROD, canary({ steps: [10, 25, 50, 100], analysis: { maxErrorPercent: 0.5, windowMinutes: 15 }, approval: "auto" })),
      release: { analysis: { minRequests: 200, maxErrorPercent: 2 } },
    });
    assert.deepEqual(releaseSteps(env.release, env.services[0]!, "canary"), {
      steps: [10, 25, 50, 100],
      analysis: { minRequests: 200, maxErrorPercent: 0.5, latencyQuantile: 0.99, windowMinutes: 15 },
      approval: "auto",
    });
    assert.equal(releaseSteps(env.release, env.services[0]!, "legacy"), undefined, "no legacy steps");
  });

  it("accepts a canary at a step, at 0 (stopped), at the promotion's stages, and legacy weights at a step or all the traffic", () => {
    const steps = { steps: [10, 25, 50, 100], analysis: GATES };
    for (const weight of [10, 25, 50, 100, 0]) assert.deepEqual(configProblems(withServices(PROD, canary({ ...steps, weight }))), []);
    // The handover: the stable version at weight 0.
    const handover = { ...canary({ ...steps, weight: 0 }), version: "2.15.0" };
    assert.deepEqual(configProblems(withServices(PROD, handover)), []);
    // Beside legacy backends at 40, the promotion's first stage is 60: all the cluster takes.
    assert.deepEqual(
      configProblems(
        withServices(PROD, {
          ...canary({ steps: [10, 25, 100], analysis: GATES, weight: 60 }),
          legacy: { endpoints: ["10.0.8.21:8080"], weight: 40 },
        }),
      ),
      [],
    );
    const migration = { steps: [90, 50, 10, 0], analysis: GATES };
    for (const weight of [90, 50, 10, 0, 100]) assert.deepEqual(configProblems(withServices(PROD, legacy({ ...migration, weight }))), []);
  });

  it("takes the latency from a declared histogram", () => {
    const env = parseConfig({
      ...withServices(PROD, {
        ...canary({ steps: [10, 100], analysis: GATES }),
        metrics: { latencyMetric: "http_request_duration_seconds" },
      }),
      release: { analysis: { maxLatencyMs: 400, latencyQuantile: 0.95 } },
    });
    assert.deepEqual(releaseSteps(env.release, env.services[0]!, "canary")!.analysis, {
      minRequests: 100,
      maxErrorPercent: 1,
      maxLatencyMs: 400,
      latencyQuantile: 0.95,
      windowMinutes: 10,
    });
  });
});

describe("release steps: what is refused", () => {
  it("refuses canary steps that do not rise to 100 from the current weight", () => {
    assert.deepEqual(configProblems(withServices(PROD, canary({ weight: 30, steps: [0, 10, 5, 50], analysis: GATES }))), [
      "services[0].canary.steps[0]: 0 is not a step: at weight 0 the canary takes only the testers' traffic, so there is nothing to judge; a canary at weight 0 waits for a person to set the first step",
      "services[0].canary.steps[2]: 5 is not above the step before it (10); a canary's steps rise",
      "services[0].canary.steps: ends at 50; the last step is the promotion: end with 100",
      "services[0].canary.weight: 30 is not one of the steps [0,10,5,50]; set it to a step (or 0: the autopilot then leaves the canary alone)",
    ]);
    assert.deepEqual(configProblems(withServices(PROD, canary({ steps: [], analysis: GATES }))), [
      "services[0].canary.steps: needs at least 1 step, got 0",
    ]);
    assert.deepEqual(configProblems(withServices(PROD, canary({ steps: [10, 150], analysis: GATES }))), [
      "services[0].canary.steps[1]: 150 is not between 0 and 100",
    ]);
  });

  it("keeps a canary's steps below what legacy backends leave, until the promotion", () => {
    assert.deepEqual(
      configProblems(
        withServices(PROD, { ...canary({ steps: [10, 60, 100], analysis: GATES }), legacy: { endpoints: ["10.0.8.21:8080"], weight: 40 } }),
      ),
      [
        "services[0].canary.steps[1]: 60 plus the legacy weight 40 leaves the stable track nothing before the promotion; only the last step (100, the promotion) takes all the cluster's traffic",
      ],
    );
  });

  it("refuses legacy steps that do not fall, include 100, or miss the current weight", () => {
    assert.deepEqual(configProblems(withServices(PROD, legacy({ steps: [100, 50, 60], analysis: GATES, weight: 40 }))), [
      "services[0].legacy.steps[0]: 100 is not a step: at 100 the Kubernetes build takes only the testers' traffic, so there is nothing to judge; a legacy weight of 100 waits for a person to set the first step",
      "services[0].legacy.steps[2]: 60 is not below the step before it (50); a legacy weight's steps fall",
      "services[0].legacy.weight: 40 is not one of the steps [100,50,60]; set it to a step (or 100: the autopilot then leaves the migration alone)",
    ]);
  });

  it("needs the gates: minRequests and maxErrorPercent from the service or the environment, thresholds in range", () => {
    assert.deepEqual(configProblems(withServices(PROD, canary({ steps: [10, 100], analysis: { minRequests: 100 } }))), [
      "services[0].canary.analysis.maxErrorPercent: is required with canary.steps: set it here or in release.analysis (every service's default)",
    ]);
    assert.deepEqual(configProblems(withServices(PROD, legacy({ steps: [50, 0] }))), [
      "services[0].legacy.analysis.minRequests: is required with legacy.steps: set it here or in release.analysis (every service's default)",
      "services[0].legacy.analysis.maxErrorPercent: is required with legacy.steps: set it here or in release.analysis (every service's default)",
    ]);
    assert.deepEqual(
      configProblems({
        ...withServices(
          PROD,
          canary({ steps: [10, 100], analysis: { minRequests: 0, maxErrorPercent: 101, latencyQuantile: 1, windowMinutes: 1 } }),
        ),
        release: { analysis: { maxLatencyMs: 0 }, approval: "sometimes" },
      }),
      [
        "services[0].canary.analysis.minRequests: 0 is not an integer of at least 1",
        "services[0].canary.analysis.maxErrorPercent: 101 is not a number between 0 and 100",
        "services[0].canary.analysis.latencyQuantile: 1 is not a quantile between 0 and 1 (exclusive), such as 0.99",
        "services[0].canary.analysis.windowMinutes: 1 is not between 2 and 1440",
        "release.analysis.maxLatencyMs: 0 is not between 1 and 600000",
        "release.approval: 'sometimes' is not one of: auto, manual",
      ],
    );
  });

  it("needs a latency histogram for a latency threshold, from the service or the environment", () => {
    assert.deepEqual(
      configProblems({
        ...withServices(PROD, canary({ steps: [10, 100], analysis: GATES })),
        release: { analysis: { maxLatencyMs: 300 } },
      }),
      [
        "services[0].canary.analysis.maxLatencyMs: 300 (from release.analysis) needs metrics.latencyMetric: the latency histogram its quantile is read from, such as 'http_request_duration_seconds'",
      ],
    );
    assert.deepEqual(
      configProblems(
        withServices(PROD, {
          ...canary({ steps: [10, 100], analysis: GATES }),
          metrics: { latencyMetric: "http_request_duration_seconds_bucket" },
        }),
      ),
      [
        "services[0].metrics.latencyMetric: 'http_request_duration_seconds_bucket' names one of the histogram's series; give the histogram's name, without '_bucket'",
      ],
    );
  });

  it("needs a route and metrics for steps, and steps for gates", () => {
    const { route: _route, ...unrouted } = canary({ steps: [10, 100], analysis: GATES, weight: 0 });
    assert.deepEqual(configProblems({ ...withServices(PROD, { ...unrouted, metrics: { enabled: false } }) }), [
      "services[0].canary.steps: needs services[].route: a step is a weight, applied at the gateway",
      "services[0].canary.steps: needs metrics.enabled: each step is judged on the service's metrics",
    ]);
    assert.deepEqual(
      configProblems({ ...withServices(PROD, canary({ steps: [10, 100], analysis: GATES })), monitoring: { enabled: false } }),
      ["services[0].canary.steps: needs monitoring.enabled: each step is judged from Prometheus"],
    );
    assert.deepEqual(configProblems(withServices(PROD, canary({ analysis: GATES, approval: "auto" }))), [
      "services[0].canary.analysis: is used only with canary.steps: it gates the move from one step to the next",
      "services[0].canary.approval: is used only with canary.steps: it gates the autopilot's last step",
    ]);
  });
});
