import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, describe, it } from "node:test";
import { analysisQueries, readTrackNumbers, seriesSettings } from "../../../tools/release/analysis";
import { readProject, stackFilePath } from "../../../tools/plan/stackFiles";
import { parseStackConfig } from "../../../tools/release/stack";
import { REPO, repositoryStacks } from "../../planRunner";
import { promqlProblems } from "../../promql";
import { type FakePrometheus, type Script, startFakePrometheus, vector } from "./fakePrometheus";

const ANALYSIS = { minRequests: 100, maxErrorPercent: 1, latencyQuantile: 0.95, windowMinutes: 15 };
const SERIES = {
  namespace: "shop",
  service: "orders",
  requestsMetric: "http_server_requests_seconds_count",
  statusLabel: "status",
  latencyMetric: "http_server_requests_seconds",
};

describe("analysisQueries", () => {
  it("asks, per track over the window, for the requests, the 5xx answers and the latency quantile", () => {
    assert.deepEqual(analysisQueries(SERIES, { ...ANALYSIS, maxLatencyMs: 500 }), {
      requests: 'sum by (track) (increase(http_server_requests_seconds_count{namespace="shop", service=~"orders|orders-canary"}[15m]))',
      errors:
        'sum by (track) (increase(http_server_requests_seconds_count{namespace="shop", service=~"orders|orders-canary", status=~"5.."}[15m]))',
      latency:
        'histogram_quantile(0.95, sum by (track, le) (rate(http_server_requests_seconds_bucket{namespace="shop", service=~"orders|orders-canary"}[15m])))',
    });
    assert.equal(analysisQueries(SERIES, ANALYSIS).latency, undefined, "no latency threshold, no latency question");
  });

  it("writes PromQL that Prometheus parses for every service of every committed stack", () => {
    let count = 0;
    for (const stack of repositoryStacks()) {
      const project = readProject(REPO);
      const file = stackFilePath(project, stack);
      const env = parseStackConfig(project, stack, file, fs.readFileSync(file, "utf8"));
      for (const svc of env.services) {
        const settings = {
          ...seriesSettings(svc, env.workloads.namespace),
          latencyMetric: svc.metrics.latencyMetric ?? "http_request_duration_seconds",
        };
        for (const q of Object.values(analysisQueries(settings, { ...ANALYSIS, maxLatencyMs: 300, latencyQuantile: 0.999 }))) {
          assert.deepEqual(promqlProblems(q), [], `${stack}/${svc.name}: ${q}`);
          count++;
        }
      }
    }
    assert.ok(count >= 30, `${count} queries`);
  });
});

describe("readTrackNumbers", () => {
  const servers: FakePrometheus[] = [];
  const serve = async (script: Script) => {
    const s = await startFakePrometheus(script);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));
  const queries = analysisQueries(SERIES, { ...ANALYSIS, maxLatencyMs: 500 });
  const target = (url: string) => ({ url, time: 1_700_000_000, timeoutMs: 2000 });

  it("reads both tracks, a missing track as no requests, latency in milliseconds", async () => {
    const server = await serve((q) =>
      q === queries.requests
        ? vector({ canary: 1200.6, stable: 9000 })
        : q === queries.errors
          ? vector({ canary: 3 })
          : vector({ canary: 0.25, stable: NaN }),
    );
    assert.deepEqual(await readTrackNumbers(target(server.url), queries), {
      canary: { requests: 1200.6, errors: 3, latencyMs: 250 },
      stable: { requests: 9000, errors: 0, latencyMs: NaN },
    });
    assert.equal(server.queries.length, 3);
  });

  it("refuses series it cannot place on a track, twice the same track, and counts that are not counts", async () => {
    const cases: Array<[Script, RegExp]> = [
      [() => vector({ canary: 1 }, { track: "blue" }), /has a series with track "blue"; expected "stable" or "canary"/],
      [
        () => ({ status: 200, body: { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "5"] }] } } }),
        /has a series with track null/,
      ],
      [
        () => ({
          status: 200,
          body: {
            status: "success",
            data: {
              resultType: "vector",
              result: [
                { metric: { track: "canary" }, value: [1, "1"] },
                { metric: { track: "canary" }, value: [1, "2"] },
              ],
            },
          },
        }),
        /has two series for the canary track/,
      ],
      [(q) => (q === queries.latency ? vector({}) : vector({ canary: -4 })), /the request count of the canary track is -4, not a count/],
    ];
    for (const [script, why] of cases) {
      const server = await serve(script);
      await assert.rejects(readTrackNumbers(target(server.url), queries), why);
    }
  });
});
