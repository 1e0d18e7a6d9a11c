/**
 * What the release autopilot asks Prometheus about a service, and how it reads the answers: per
 * track (the `track` label the ServiceMonitor copies from each Service), the requests served and the
 * 5xx answers over the window, and the latency at the analysis' quantile. Each query sums by track,
 * so one query answers for both tracks.
 */
import { ERROR_STATUS, serviceSeriesMatchers } from "../../components/workload/monitoring";
import type { ReleaseAnalysis, ServiceConfig } from "../../stacks/config";
import type { TrackNumbers } from "./decision";
import { PrometheusError, queryVector, type Sample } from "./prometheus";

export interface AnalysisQueries {
  readonly requests: string;
  readonly errors: string;
  /** Only when the analysis has a latency threshold. */
  readonly latency?: string;
}

export interface SeriesSettings {
  readonly namespace: string;
  readonly service: string;
  readonly requestsMetric: string;
  readonly statusLabel: string;
  readonly latencyMetric?: string;
}

/** The service's series settings, from its config. */
export function seriesSettings(svc: ServiceConfig, defaultNamespace: string): SeriesSettings {
  return {
    namespace: svc.namespace ?? defaultNamespace,
    service: svc.name,
    requestsMetric: svc.metrics.requestsMetric,
    statusLabel: svc.metrics.statusLabel,
    ...(svc.metrics.latencyMetric ? { latencyMetric: svc.metrics.latencyMetric } : {}),
  };
}

/** The PromQL of one analysis. */
export function analysisQueries(s: SeriesSettings, a: ReleaseAnalysis): AnalysisQueries {
  const matchers = serviceSeriesMatchers(s.namespace, s.service);
  const window = `[${a.windowMinutes}m]`;
  return {
    requests: `sum by (track) (increase(${s.requestsMetric}{${matchers}}${window}))`,
    errors: `sum by (track) (increase(${s.requestsMetric}{${matchers}, ${s.statusLabel}=~"${ERROR_STATUS}"}${window}))`,
    ...(a.maxLatencyMs !== undefined && s.latencyMetric
      ? { latency: `histogram_quantile(${a.latencyQuantile}, sum by (track, le) (rate(${s.latencyMetric}_bucket{${matchers}}${window})))` }
      : {}),
  };
}

type Track = "stable" | "canary";

/** A query's answer by track; a series without a known track means the series are not the ServiceMonitor's. */
function byTrack(samples: readonly Sample[], what: string): Map<Track, number> {
  const out = new Map<Track, number>();
  for (const s of samples) {
    const track = s.labels["track"];
    if (track !== "stable" && track !== "canary") {
      throw new PrometheusError(
        `the ${what} has a series with track ${JSON.stringify(track ?? null)}; expected "stable" or "canary" (the label the service's ServiceMonitor copies from each Service): is the service scraped through another job?`,
      );
    }
    if (out.has(track)) throw new PrometheusError(`the ${what} has two series for the ${track} track`);
    out.set(track, s.value);
  }
  return out;
}

function count(values: Map<Track, number>, track: Track, what: string): number {
  const v = values.get(track) ?? 0;
  if (!Number.isFinite(v) || v < 0) throw new PrometheusError(`the ${what} of the ${track} track is ${v}, not a count`);
  return v;
}

export interface PrometheusTarget {
  readonly url: string;
  /** Evaluation time of every query of one run, in seconds since the epoch. */
  readonly time: number;
  readonly timeoutMs: number;
}

/** Both tracks' numbers over the window; a PrometheusError when an answer is not what it should be. */
export async function readTrackNumbers(target: PrometheusTarget, queries: AnalysisQueries): Promise<Record<Track, TrackNumbers>> {
  const ask = (q: string) => queryVector(target.url, q, { time: target.time, timeoutMs: target.timeoutMs });
  const [requests, errors, latency] = await Promise.all([
    ask(queries.requests).then((r) => byTrack(r, "request count")),
    ask(queries.errors).then((r) => byTrack(r, "5xx count")),
    queries.latency ? ask(queries.latency).then((r) => byTrack(r, "latency")) : undefined,
  ]);
  const numbers = (track: Track): TrackNumbers => {
    const seconds = latency?.get(track);
    return {
      requests: count(requests, track, "request count"),
      errors: count(errors, track, "5xx count"),
      // Histograms of durations are in seconds (Prometheus' base unit); NaN: no observations.
      ...(seconds !== undefined ? { latencyMs: seconds * 1000 } : {}),
    };
  };
  return { stable: numbers("stable"), canary: numbers("canary") };
}
