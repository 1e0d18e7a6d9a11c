// hello: the smallest service the platform builds from source. It answers the probes the
// Microservice declares (/ready, /healthz), exposes Prometheus metrics on /metrics, and shuts down
// gracefully: on SIGTERM it first reports not-ready, keeps serving while endpoints drain, then exits.
import http from "node:http";

const port = Number(process.env.PORT ?? 8080);
const version = process.env.VERSION ?? "dev";
const warmupMs = Number(process.env.WARMUP_SECONDS ?? 0) * 1000;
const drainMs = Number(process.env.DRAIN_SECONDS ?? 5) * 1000;
const started = Date.now();

let draining = false;
let inFlight = 0;
// Counters by path, method and status. Paths outside this list count as "other", so that a scan of
// random URLs cannot grow the series without bound.
const KNOWN_PATHS = new Set(["/", "/ready", "/healthz", "/metrics"]);
const requests = new Map();
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const durations = { counts: durationBuckets.map(() => 0), sum: 0, count: 0 };

function log(fields) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), service: "hello", version, ...fields }) + "\n");
}

function ready() {
  return !draining && Date.now() - started >= warmupMs;
}

function metrics() {
  const lines = ["# HELP http_requests_total Requests served, by path, method and status code.", "# TYPE http_requests_total counter"];
  for (const [key, count] of [...requests].sort(([a], [b]) => a.localeCompare(b))) {
    const [path, method, code] = key.split(" ");
    lines.push(`http_requests_total{path="${path}",method="${method}",code="${code}"} ${count}`);
  }
  lines.push(
    "# HELP http_request_duration_seconds Time to answer a request.",
    "# TYPE http_request_duration_seconds histogram",
    ...durationBuckets.map((le, i) => `http_request_duration_seconds_bucket{le="${le}"} ${durations.counts[i]}`),
    `http_request_duration_seconds_bucket{le="+Inf"} ${durations.count}`,
    `http_request_duration_seconds_sum ${durations.sum}`,
    `http_request_duration_seconds_count ${durations.count}`,
    "# HELP http_requests_in_flight Requests being served.",
    "# TYPE http_requests_in_flight gauge",
    `http_requests_in_flight ${inFlight}`,
    "# HELP hello_ready Whether the instance takes traffic (1) or not (0).",
    "# TYPE hello_ready gauge",
    `hello_ready ${ready() ? 1 : 0}`,
    "# HELP process_start_time_seconds Start time of the process since the Unix epoch.",
    "# TYPE process_start_time_seconds gauge",
    `process_start_time_seconds ${Math.floor(started / 1000)}`,
  );
  return lines.join("\n") + "\n";
}

function answer(req) {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") return { status: 405, type: "text/plain", body: "method not allowed\n" };
  switch (path) {
    case "/healthz":
      // Liveness only says the process still serves; it never fails because of a dependency.
      return { status: 200, type: "text/plain", body: "ok\n" };
    case "/ready":
      return ready()
        ? { status: 200, type: "text/plain", body: "ready\n" }
        : { status: 503, type: "text/plain", body: draining ? "draining\n" : "warming up\n" };
    case "/metrics":
      return { status: 200, type: "text/plain; version=0.0.4", body: metrics() };
    case "/":
      return { status: 200, type: "application/json", body: JSON.stringify({ message: "hello", version }) + "\n" };
    default:
      return { status: 404, type: "text/plain", body: "not found\n" };
  }
}

const server = http.createServer((req, res) => {
  const begin = process.hrtime.bigint();
  inFlight++;
  const { status, type, body } = answer(req);
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), ...(draining ? { connection: "close" } : {}) });
  res.end(req.method === "HEAD" ? undefined : body);
  res.on("finish", () => {
    inFlight--;
    const path = (req.url ?? "/").split("?")[0];
    const key = `${KNOWN_PATHS.has(path) ? path : "other"} ${req.method} ${status}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
    durations.count++;
    durations.sum += seconds;
    durationBuckets.forEach((le, i) => {
      if (seconds <= le) durations.counts[i]++;
    });
  });
});

function shutdown(signal) {
  if (draining) return;
  draining = true;
  log({ msg: "draining", signal, drainSeconds: drainMs / 1000 });
  // Endpoints are removed while the pod keeps serving; only then stop accepting connections.
  setTimeout(() => {
    server.close(() => {
      log({ msg: "stopped" });
      process.exit(0);
    });
    server.closeIdleConnections();
  }, drainMs).unref();
}

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

server.listen(port, () => {
  const address = server.address();
  log({ msg: "listening", port: typeof address === "object" && address ? address.port : port });
});
