/**
 * The Prometheus client against a real HTTP server on a free local port.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { parseVectorAnswer, PrometheusError, queryEndpoint, queryVector } from "../../../tools/release/prometheus";
import { type FakePrometheus, type Script, startFakePrometheus, unreachableUrl } from "./fakePrometheus";

const servers: FakePrometheus[] = [];
async function serve(script: Script) {
  const s = await startFakePrometheus(script);
  servers.push(s);
  return s;
}
after(() => Promise.all(servers.map((s) => s.close())));

const ok = (result: unknown[]) => ({ status: 200, body: { status: "success", data: { resultType: "vector", result } } });

describe("queryVector", () => {
  it("asks /api/v1/query under the base URL's path at the given time, and reads the vector, NaN and infinities included", async () => {
    const server = await serve(() =>
      ok([
        { metric: { track: "canary" }, value: [1700000000.5, "1520.25"] },
        { metric: { track: "stable" }, value: [1700000000.5, "NaN"] },
        { metric: {}, value: [1700000000.5, "+Inf"] },
        { metric: { le: "0.5" }, value: [1700000000.5, "-Inf"] },
        { metric: {}, value: [1700000000.5, "1e3"] },
      ]),
    );
    const samples = await queryVector(`${server.url}/prometheus/`, "sum by (track) (up)", { time: 1700000000.5, timeoutMs: 2000 });
    assert.deepEqual(samples, [
      { labels: { track: "canary" }, value: 1520.25 },
      { labels: { track: "stable" }, value: NaN },
      { labels: {}, value: Infinity },
      { labels: { le: "0.5" }, value: -Infinity },
      { labels: {}, value: 1000 },
    ]);
    assert.deepEqual(server.paths, ["/prometheus/api/v1/query"]);
    assert.deepEqual(server.queries, ["sum by (track) (up)"]);
  });

  const failures: Array<[string, Script, RegExp]> = [
    [
      "HTML",
      () => ({ status: 200, body: "<!doctype html><title>Login</title>" }),
      /answered 200 with something that is not JSON: <!doctype html>/,
    ],
    [
      "an error status",
      () => ({ status: 422, body: { status: "error", errorType: "execution", error: "query timed out" } }),
      /Prometheus refused up: execution: query timed out/,
    ],
    ["a 5xx without Prometheus' body", () => ({ status: 503, body: { reason: "maintenance" } }), /answered 503 Service Unavailable/],
    [
      "a scalar",
      () => ({ status: 200, body: { status: "success", data: { resultType: "scalar", result: [1, "1"] } } }),
      /is a "scalar", not an instant vector/,
    ],
    ["no status", () => ({ status: 200, body: { data: {} } }), /has status undefined, not "success"/],
    ["no labels", () => ok([{ value: [1, "1"] }]), /result\[0\] has no labels \(metric\)/],
    ["a label that is no string", () => ok([{ metric: { track: 1 }, value: [1, "1"] }]), /result\[0\] has no labels/],
    ["a value that is no pair", () => ok([{ metric: {}, value: "1" }]), /result\[0\]\.value is not a \[time, "value"\] pair/],
    ["a value that is no number", () => ok([{ metric: {}, value: [1, "12abc"] }]), /result\[0\] has the value "12abc", not a number/],
    ["a value that is a JSON number", () => ok([{ metric: {}, value: [1, 12] }]), /result\[0\] has the value 12, not a number/],
    ["no answer in time", () => "hang", /cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: no answer within 0\.3 s/],
  ];
  for (const [name, script, why] of failures) {
    it(`refuses ${name}`, async () => {
      const server = await serve(script);
      await assert.rejects(queryVector(server.url, "up", { timeoutMs: 300 }), (err: unknown) => {
        assert.ok(err instanceof PrometheusError, String(err));
        assert.match(err.message, why);
        return true;
      });
    });
  }

  it("says when nothing listens", async () => {
    await assert.rejects(queryVector(await unreachableUrl(), "up", { timeoutMs: 2000 }), /cannot reach Prometheus at .*: ECONNREFUSED/);
  });
});

describe("queryEndpoint and parseVectorAnswer", () => {
  it("keeps the base URL's path and drops its query", () => {
    assert.equal(queryEndpoint("http://127.0.0.1:9090").href, "http://127.0.0.1:9090/api/v1/query");
    assert.equal(
      queryEndpoint("https://grafana.example.com/api/datasources/proxy/uid/prom/?x=1").href,
      "https://grafana.example.com/api/datasources/proxy/uid/prom/api/v1/query",
    );
    assert.throws(() => queryEndpoint("localhost:9090"), /is not an http or https URL/);
    assert.throws(() => queryEndpoint("not a url"), /"not a url" is not a URL/);
  });

  it("refuses what is not an answer", () => {
    assert.throws(() => parseVectorAnswer([], "up"), /the answer to up is not a JSON object/);
    assert.throws(() => parseVectorAnswer({ status: "success" }, "up"), /has no data/);
    assert.throws(() => parseVectorAnswer({ status: "success", data: { resultType: "vector" } }, "up"), /has no result list/);
    assert.deepEqual(parseVectorAnswer({ status: "success", data: { resultType: "vector", result: [] } }, "up"), []);
  });
});
