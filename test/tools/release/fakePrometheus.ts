/**
 * A real HTTP server that speaks Prometheus' query API (`GET /api/v1/query`), on a free local port,
 * answering from a script: the tests of the release autopilot talk to it over the network exactly
 * as they would to Prometheus.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** Per track: requests and 5xx answers over the window, and the latency quantile in seconds. */
export interface TrackScript {
  readonly requests?: number;
  readonly errors?: number;
  readonly latencySeconds?: number;
}

/** An answer: a status and a body (an object is sent as JSON, a string as it is), or no answer at all. */
export type Answer = { readonly status: number; readonly body: unknown } | "hang";

/** What the server answers to one query. */
export type Script = (query: string) => Answer;

export interface FakePrometheus {
  readonly url: string;
  /** The `query` parameter of every request, in order. */
  readonly queries: string[];
  /** Paths requested (to check the client's endpoint). */
  readonly paths: string[];
  close(): Promise<void>;
}

/** An instant-vector answer with one sample per track (tracks without a value are left out). */
export function vector(values: Partial<Record<"stable" | "canary", number>>, extraLabels: Record<string, string> = {}): Answer {
  const result = Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([track, v]) => ({ metric: { track, ...extraLabels }, value: [1_700_000_000, Number.isNaN(v) ? "NaN" : String(v)] }));
  return { status: 200, body: { status: "success", data: { resultType: "vector", result } } };
}

/** Which of the autopilot's three questions a query asks. */
export function questionOf(query: string): "latency" | "errors" | "requests" {
  if (query.startsWith("histogram_quantile(")) return "latency";
  return /=~"5\.\."/.test(query) ? "errors" : "requests";
}

/**
 * The usual script: answers each service's questions from its tracks' numbers. Services are told
 * apart by the `service=~"<name>|<name>-canary"` matcher every query carries.
 */
export function tracks(byService: Record<string, Partial<Record<"stable" | "canary", TrackScript>>>): Script {
  return (query) => {
    const service = /service=~"([a-z0-9-]+)\|/.exec(query)?.[1];
    const script = service ? byService[service] : undefined;
    if (!script) return vector({});
    const question = questionOf(query);
    const pick = (t: TrackScript | undefined) =>
      question === "latency" ? t?.latencySeconds : question === "errors" ? (t ? (t.errors ?? 0) : undefined) : t?.requests;
    return vector({ stable: pick(script.stable), canary: pick(script.canary) });
  };
}

export async function startFakePrometheus(script: Script): Promise<FakePrometheus> {
  const queries: string[] = [];
  const paths: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    paths.push(url.pathname);
    if (req.method !== "GET" || !url.pathname.endsWith("/api/v1/query")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      return;
    }
    const query = url.searchParams.get("query") ?? "";
    queries.push(query);
    const answer = script(query);
    if (answer === "hang") {
      hanging.add(res);
      return;
    }
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    const type = typeof answer.body === "string" ? "text/html" : "application/json";
    res.writeHead(answer.status, { "content-type": type }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local URL where nothing listens: a port the system gave out and took back. */
export async function unreachableUrl(): Promise<string> {
  const server = await startFakePrometheus(() => vector({}));
  await server.close();
  return server.url;
}
