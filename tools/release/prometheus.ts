/**
 * A small client of the Prometheus HTTP API: instant queries (`/api/v1/query`) whose answer is an
 * instant vector, checked field by field. Anything other than a well-formed vector (an unreachable
 * server, a timeout, an error status, a proxy's HTML page, a matrix) is a PrometheusError: the
 * release autopilot must never judge a step on an answer it did not understand.
 */

/** Prometheus could not be asked, or answered something that is not a vector. */
export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrometheusError";
  }
}

/** One element of an instant vector: its labels and its value (NaN and ±Inf as Prometheus writes them). */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface QueryOptions {
  /** Evaluation time, in seconds since the epoch; Prometheus's "now" when unset. */
  readonly time?: number;
  /** How long to wait for the whole answer. */
  readonly timeoutMs: number;
}

/** The query endpoint under a base URL that may carry a path (a proxy's prefix, `--web.route-prefix`). */
export function queryEndpoint(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new PrometheusError(`${JSON.stringify(baseUrl)} is not a URL; give Prometheus's base URL, such as http://127.0.0.1:9090`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PrometheusError(`${baseUrl} is not an http or https URL`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/query`;
  url.search = "";
  return url;
}

/** Prometheus's text form of a sample value: a decimal, or NaN, +Inf, -Inf. */
function sampleValue(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  if (text === "NaN") return NaN;
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks an answer's body and returns its vector; throws a PrometheusError that says what was wrong. */
export function parseVectorAnswer(body: unknown, query: string): Sample[] {
  const where = `the answer to ${query}`;
  if (!isRecord(body)) throw new PrometheusError(`${where} is not a JSON object`);
  if (body["status"] === "error") {
    throw new PrometheusError(`Prometheus refused ${query}: ${String(body["errorType"] ?? "error")}: ${String(body["error"] ?? "")}`);
  }
  if (body["status"] !== "success") throw new PrometheusError(`${where} has status ${JSON.stringify(body["status"])}, not "success"`);
  const data = body["data"];
  if (!isRecord(data)) throw new PrometheusError(`${where} has no data`);
  if (data["resultType"] !== "vector") {
    throw new PrometheusError(`${where} is a ${JSON.stringify(data["resultType"])}, not an instant vector`);
  }
  const result = data["result"];
  if (!Array.isArray(result)) throw new PrometheusError(`${where} has no result list`);
  return result.map((item, i) => {
    const labels = isRecord(item) ? item["metric"] : undefined;
    const pair = isRecord(item) ? item["value"] : undefined;
    if (!isRecord(labels) || !Object.values(labels).every((v) => typeof v === "string")) {
      throw new PrometheusError(`${where}: result[${i}] has no labels (metric)`);
    }
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "number") {
      throw new PrometheusError(`${where}: result[${i}].value is not a [time, "value"] pair`);
    }
    const value = sampleValue(pair[1]);
    if (value === undefined) throw new PrometheusError(`${where}: result[${i}] has the value ${JSON.stringify(pair[1])}, not a number`);
    return { labels: labels as Record<string, string>, value };
  });
}

/**
 * Runs an instant query and returns its vector. Uses GET, which every Prometheus-compatible query
 * API answers (Thanos, Mimir, VictoriaMetrics, a Grafana data source proxy).
 */
export async function queryVector(baseUrl: string, query: string, options: QueryOptions): Promise<Sample[]> {
  const url = queryEndpoint(baseUrl);
  url.searchParams.set("query", query);
  if (options.time !== undefined) url.searchParams.set("time", options.time.toFixed(3));
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs) });
    text = await response.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === "TimeoutError" ? `no answer within ${options.timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new PrometheusError(`cannot reach Prometheus at ${url.origin}${url.pathname}: ${why}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const start = text.slice(0, 80).replace(/\s+/g, " ");
    throw new PrometheusError(
      `Prometheus at ${url.origin}${url.pathname} answered ${response.status} with something that is not JSON: ${start}`,
    );
  }
  // Prometheus answers its errors (400 bad_data, 422 execution, 503 timeout) with a JSON body that says why.
  if (!response.ok && !(isRecord(body) && body["status"] === "error")) {
    throw new PrometheusError(`Prometheus at ${url.origin}${url.pathname} answered ${response.status} ${response.statusText}`);
  }
  return parseVectorAnswer(body, query);
}
