/**
 * Release steps and the gates between them: a service's canary (or its move off legacy VMs) declares
 * the weights it goes through and what its metrics must show before each next one, and the
 * environment's `release` section gives the defaults. `npm run release -- <stack> --advance` reads
 * them; the program itself does not (a step is a weight, which the program already applies).
 */
import { type EnvironmentKind, intAtLeast, intBetween, listOf, numberBetween, oneOf, rule, section, show } from "./common";
import type { Check } from "./checks";
import { KIND_DEFAULTS } from "./defaults";
import type { ServiceConfig } from "./workloads";

/** The keys of an analysis, each optional: a service's own keys override the environment's. */
function analysisKeys() {
  return {
    /** Requests the judged track must have served in the window before its numbers count. */
    minRequests: intAtLeast(1).optional(),
    /** Most 5xx answers allowed, in percent of the judged track's requests in the window. */
    maxErrorPercent: numberBetween(0, 100).optional(),
    /** Highest latency allowed at `latencyQuantile`, in milliseconds; needs `metrics.latencyMetric`. */
    maxLatencyMs: intBetween(1, 600_000).optional(),
    /** The quantile of the latency histogram compared with `maxLatencyMs`. */
    latencyQuantile: quantile().optional(),
    /** The window the numbers are read over, ending now. */
    windowMinutes: intBetween(2, 1440).optional(),
  };
}

/** A quantile strictly between 0 and 1, as `histogram_quantile` takes it. */
function quantile() {
  return rule("a quantile between 0 and 1 (exclusive), such as 0.99", (v) => (typeof v === "number" && v > 0 && v < 1 ? v : undefined), {
    type: "number",
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
  });
}

export const DEFAULT_LATENCY_QUANTILE = 0.99;
export const DEFAULT_WINDOW_MINUTES = 10;

/** `release`: the defaults of every service's release steps in this environment. */
export function releaseSchema(kind: EnvironmentKind) {
  const keys = analysisKeys();
  return section({
    /** What every step's metrics must show; a service's `analysis` overrides it key by key. */
    analysis: section({
      ...keys,
      latencyQuantile: keys.latencyQuantile.unwrap().default(DEFAULT_LATENCY_QUANTILE),
      windowMinutes: keys.windowMinutes.unwrap().default(DEFAULT_WINDOW_MINUTES),
    }).prefault({}),
    /** manual: the autopilot stops before a promotion (and before the last share leaves the VMs) until a person approves. */
    approval: oneOf(["auto", "manual"]).default(KIND_DEFAULTS[kind].releaseApproval),
  }).prefault({});
}

/** A service's own release keys, in `canary` and in `legacy`. */
export function releaseStepKeys() {
  return {
    /** Weights the autopilot moves through, one per `--advance` (see docs/gray-release.md). */
    steps: listOf(intBetween(0, 100), 1, "step").optional(),
    /** This service's gates; `release.analysis` for each key left out. */
    analysis: section(analysisKeys()).optional(),
    /** `release.approval` when unset. */
    approval: oneOf(["auto", "manual"]).optional(),
  };
}

/** A complete analysis: what one step's metrics must show. */
export interface ReleaseAnalysis {
  readonly minRequests: number;
  readonly maxErrorPercent: number;
  readonly maxLatencyMs?: number;
  readonly latencyQuantile: number;
  readonly windowMinutes: number;
}

/** What the autopilot follows for one part of a service: the canary, or the legacy migration. */
export interface ReleaseSteps {
  readonly steps: readonly number[];
  readonly analysis: ReleaseAnalysis;
  readonly approval: "auto" | "manual";
}

type ReleaseSection = ReturnType<ReturnType<typeof releaseSchema>["parse"]>;
type StepOwner = {
  steps?: number[] | undefined;
  analysis?: Partial<ReleaseAnalysis> | undefined;
  approval?: "auto" | "manual" | undefined;
};

/**
 * The analysis of one part of a service: its own keys over the environment's. Returns the keys that
 * neither gives (minRequests and maxErrorPercent have no default: they are the release's judgement).
 */
export function resolveAnalysis(
  environment: ReleaseSection["analysis"],
  own: Partial<ReleaseAnalysis> | undefined,
): { analysis?: ReleaseAnalysis; missing: Array<"minRequests" | "maxErrorPercent"> } {
  const merged = { ...environment, ...Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== undefined)) };
  const missing = (["minRequests", "maxErrorPercent"] as const).filter((k) => merged[k] === undefined);
  if (missing.length > 0) return { missing };
  return {
    analysis: {
      minRequests: merged.minRequests!,
      maxErrorPercent: merged.maxErrorPercent!,
      ...(merged.maxLatencyMs !== undefined ? { maxLatencyMs: merged.maxLatencyMs } : {}),
      latencyQuantile: merged.latencyQuantile,
      windowMinutes: merged.windowMinutes,
    },
    missing: [],
  };
}

/**
 * The steps of a service's canary or legacy migration with their analysis and approval resolved;
 * undefined when that part has no steps. Assumes a validated config.
 */
export function releaseSteps(release: ReleaseSection, svc: ServiceConfig, part: "canary" | "legacy"): ReleaseSteps | undefined {
  const owner = svc[part] as StepOwner | undefined;
  if (!owner?.steps) return undefined;
  const { analysis } = resolveAnalysis(release.analysis, owner.analysis);
  if (!analysis) throw new Error(`services '${svc.name}': ${part}.analysis is incomplete (the config check should have said so)`);
  return { steps: owner.steps, analysis, approval: owner.approval ?? release.approval };
}

/**
 * Steps that the autopilot can follow: a canary's rise from the first weight a person sets to 100
 * (the promotion), a legacy weight's fall from the first to the last; the current weight one of
 * them (or the weight of a canary stopped, rolled back or promoting); gates that can be judged.
 */
export const checkReleaseSteps: Check = (env, { report }) => {
  const release = env.release;
  env.services?.forEach((svc, i) => {
    if (!svc) return;
    for (const part of ["canary", "legacy"] as const) {
      const owner = svc[part] as (StepOwner & { weight: number }) | undefined;
      if (!owner) continue;
      const at = (...path: PropertyKey[]) => ["services", i, part, ...path];
      if (!owner.steps) {
        if (owner.analysis) report(at("analysis"), `is used only with ${part}.steps: it gates the move from one step to the next`);
        if (owner.approval) report(at("approval"), `is used only with ${part}.steps: it gates the autopilot's last step`);
        continue;
      }
      const steps = owner.steps;
      const legacyWeight = svc.legacy?.weight ?? 0;
      if (part === "canary") checkCanarySteps(steps, owner.weight, svc.version === svc.canary?.version, legacyWeight, at, report);
      else checkLegacySteps(steps, owner.weight, svc.canary?.weight ?? 0, at, report);

      if (!svc.route) report(at("steps"), "needs services[].route: a step is a weight, applied at the gateway");
      if (!svc.metrics.enabled) report(at("steps"), "needs metrics.enabled: each step is judged on the service's metrics");
      else if (env.monitoring && !env.monitoring.enabled)
        report(at("steps"), "needs monitoring.enabled: each step is judged from Prometheus");
      if (!release) continue;
      const { missing } = resolveAnalysis(release.analysis, owner.analysis);
      for (const key of missing) {
        report(at("analysis", key), `is required with ${part}.steps: set it here or in release.analysis (every service's default)`);
      }
      const maxLatencyMs = owner.analysis?.maxLatencyMs ?? release.analysis.maxLatencyMs;
      if (maxLatencyMs !== undefined && !svc.metrics.latencyMetric) {
        const from = owner.analysis?.maxLatencyMs !== undefined ? "" : " (from release.analysis)";
        report(
          at("analysis", "maxLatencyMs"),
          `${maxLatencyMs}${from} needs metrics.latencyMetric: the latency histogram its quantile is read from, such as 'http_request_duration_seconds'`,
        );
      }
    }
  });
};

type Report = Parameters<Check>[1]["report"];

function checkCanarySteps(
  steps: readonly number[],
  weight: number,
  handover: boolean,
  legacyWeight: number,
  at: (...path: PropertyKey[]) => PropertyKey[],
  report: Report,
) {
  steps.forEach((step, j) => {
    if (step === 0) {
      report(
        at("steps", j),
        "0 is not a step: at weight 0 the canary takes only the testers' traffic, so there is nothing to judge; a canary at weight 0 waits for a person to set the first step",
      );
    } else if (j > 0 && step <= steps[j - 1]!) {
      report(at("steps", j), `${step} is not above the step before it (${steps[j - 1]}); a canary's steps rise`);
    } else if (j < steps.length - 1 && step + legacyWeight >= 100) {
      report(
        at("steps", j),
        `${step} plus the legacy weight ${legacyWeight} leaves the stable track nothing before the promotion; only the last step (100, the promotion) takes all the cluster's traffic`,
      );
    }
  });
  const last = steps[steps.length - 1]!;
  if (last !== 100) report(at("steps"), `ends at ${last}; the last step is the promotion: end with 100`);
  // 0: stopped (rolled back, or waiting for a person); the cluster's whole share: the promotion's first stage.
  const full = 100 - legacyWeight;
  if (!handover && weight !== 0 && weight !== full && !steps.includes(weight)) {
    report(
      at("weight"),
      `${weight} is not one of the steps ${show(steps)}; set it to a step (or 0: the autopilot then leaves the canary alone)`,
    );
  }
}

function checkLegacySteps(
  steps: readonly number[],
  weight: number,
  canaryWeight: number,
  at: (...path: PropertyKey[]) => PropertyKey[],
  report: Report,
) {
  steps.forEach((step, j) => {
    if (step === 100) {
      report(
        at("steps", j),
        "100 is not a step: at 100 the Kubernetes build takes only the testers' traffic, so there is nothing to judge; a legacy weight of 100 waits for a person to set the first step",
      );
    } else if (j > 0 && step >= steps[j - 1]!) {
      report(at("steps", j), `${step} is not below the step before it (${steps[j - 1]}); a legacy weight's steps fall`);
    } else if (step + canaryWeight > 100) {
      report(at("steps", j), `${step} plus the canary weight ${canaryWeight} is more than 100`);
    }
  });
  // All the traffic the canary leaves: stopped (rolled back from the first step, or waiting for a person).
  const all = 100 - canaryWeight;
  if (weight !== all && !steps.includes(weight)) {
    report(
      at("weight"),
      `${weight} is not one of the steps ${show(steps)}; set it to a step (or ${all}: the autopilot then leaves the migration alone)`,
    );
  }
}
