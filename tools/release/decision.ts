/**
 * The release autopilot's judgement of one step, from numbers alone: the judged track's requests,
 * 5xx answers and latency over the window, against the service's analysis. Pure: no I/O, so every
 * case is a row of a table test.
 */
import type { ReleaseAnalysis } from "../../stacks/config";

/**
 * - advance: enough traffic and within every threshold: the next step is written;
 * - hold: too little traffic to judge: nothing is written;
 * - rollback: a threshold is breached: the traffic is taken back;
 * - approval: the next step is a promotion the stack wants a person to approve: nothing is written;
 * - inconclusive: the numbers cannot be judged (a latency threshold with no latency measured).
 */
export type Verdict = "advance" | "hold" | "rollback" | "approval" | "inconclusive";

/** Exit status of each verdict; 2 is bad input (nothing judged). */
export const EXIT_CODES: Readonly<Record<Verdict, number>> = { advance: 0, inconclusive: 1, hold: 3, rollback: 4, approval: 5 };

/** Exit status of a bad command line or an invalid stack file. */
export const EXIT_BAD_INPUT = 2;

/**
 * One exit status for several services' verdicts, the most urgent first: bad input (nothing was
 * judged), a rollback (an incident: the job must fail, after the rollback is applied), a promotion
 * awaiting approval (a person is needed; it is not hidden behind another service's outage), a
 * service that could not be judged, one that held; 0 only when every judged service advanced.
 */
const URGENCY = [EXIT_BAD_INPUT, 4, 5, 1, 3, 0];

export function combinedExitCode(codes: readonly number[]): number {
  for (const code of URGENCY) if (codes.includes(code)) return code;
  return 0;
}

/** A track's numbers over the window. */
export interface TrackNumbers {
  /** Requests served (the counter's increase: Prometheus extrapolates, so not always whole). */
  readonly requests: number;
  /** Of which answered 5xx. */
  readonly errors: number;
  /** Latency at the analysis' quantile, in milliseconds; undefined when not measured. */
  readonly latencyMs?: number;
}

export interface Judgement {
  readonly service: string;
  /** The track whose numbers decide, and the other one, shown for comparison. */
  readonly judged: { readonly track: "canary" | "stable"; readonly numbers: TrackNumbers };
  readonly other?: { readonly track: "canary" | "stable"; readonly numbers: TrackNumbers };
  readonly analysis: ReleaseAnalysis;
  /** Where the release stands, the step an advance takes, and where a rollback goes (for the line). */
  readonly from: string;
  readonly next: string;
  readonly back: string;
  /** The next step waits for a person's approval. */
  readonly needsApproval: boolean;
}

export interface Decision {
  readonly verdict: Verdict;
  readonly exitCode: number;
  /** One line: the verdict, the numbers it used and the thresholds. */
  readonly line: string;
}

const round2 = (n: number) => String(Number(n.toFixed(2)));

/** "p99" for 0.99, "p99.9" for 0.999. */
export function quantileName(q: number): string {
  return `p${round2(q * 100)}`;
}

function errorPercent(n: TrackNumbers): number {
  return n.requests > 0 ? (100 * n.errors) / n.requests : 0;
}

/** A latency Prometheus measured: NaN is its answer for a histogram without observations; +Inf is measured (and too slow). */
const measured = (latency: number | undefined): latency is number => latency !== undefined && !Number.isNaN(latency);

function numbers(track: string, n: TrackNumbers, a: ReleaseAnalysis, withThresholds: boolean): string {
  const parts = [`${track} ${Math.round(n.requests)} requests${withThresholds ? ` in ${a.windowMinutes}m` : ""}`];
  parts.push(`${round2(errorPercent(n))}% 5xx${withThresholds ? ` (max ${a.maxErrorPercent}%)` : ""}`);
  if (a.maxLatencyMs !== undefined || measured(n.latencyMs)) {
    const latency = measured(n.latencyMs) ? `${Math.round(n.latencyMs)} ms` : "none measured";
    const max = withThresholds && a.maxLatencyMs !== undefined ? ` (max ${a.maxLatencyMs} ms)` : "";
    parts.push(`${quantileName(a.latencyQuantile)} ${latency}${max}`);
  }
  return parts.join(", ");
}

/** The breached thresholds, in words; empty when the track is within every one. */
function breaches(n: TrackNumbers, a: ReleaseAnalysis): string[] {
  const out: string[] = [];
  const errors = errorPercent(n);
  if (errors > a.maxErrorPercent) out.push(`5xx ${round2(errors)}% above the ${a.maxErrorPercent}% maximum`);
  if (a.maxLatencyMs !== undefined && measured(n.latencyMs) && n.latencyMs > a.maxLatencyMs) {
    out.push(`${quantileName(a.latencyQuantile)} ${Math.round(n.latencyMs)} ms above the ${a.maxLatencyMs} ms maximum`);
  }
  return out;
}

/**
 * Judges one step. Below `minRequests` nothing is judged (one failure in three requests is not a
 * 33% error rate): the step holds. With enough traffic, any breached threshold rolls back; a
 * latency threshold with no latency measured cannot be judged; otherwise the release advances, or
 * waits for approval when its next step needs one.
 */
export function decide(j: Judgement): Decision {
  const { analysis: a, judged } = j;
  const n = judged.numbers;
  const detail = [numbers(judged.track, n, a, true), ...(j.other ? [numbers(j.other.track, j.other.numbers, a, false)] : [])].join("; ");
  const make = (verdict: Verdict, what: string): Decision => ({
    verdict,
    exitCode: EXIT_CODES[verdict],
    line: `${j.service}: ${what}: ${detail}`,
  });
  if (![n.requests, n.errors].every((v) => Number.isFinite(v) && v >= 0)) {
    return make("inconclusive", `cannot judge ${j.from}: the ${judged.track}'s request counts are not numbers`);
  }
  if (n.requests < a.minRequests) {
    return make("hold", `hold at ${j.from}, too little traffic to judge (${a.minRequests} requests needed)`);
  }
  const breached = breaches(n, a);
  if (breached.length > 0) return make("rollback", `roll back ${j.from} → ${j.back}, ${breached.join(" and ")}`);
  if (a.maxLatencyMs !== undefined && !measured(n.latencyMs)) {
    return make(
      "inconclusive",
      `cannot judge ${j.from}: the ${judged.track} served requests but no ${quantileName(a.latencyQuantile)} latency is measured (check metrics.latencyMetric)`,
    );
  }
  if (j.needsApproval)
    return make("approval", `awaiting approval for ${j.from} → ${j.next} (within every threshold; run with --approve once approved)`);
  return make("advance", `advance ${j.from} → ${j.next}`);
}
