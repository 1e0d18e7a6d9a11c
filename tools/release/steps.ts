/**
 * Where a service's declared release stands and what its next step is, from its validated config:
 * which track is judged, the edit an advance makes, the edit a rollback makes, and whether the next
 * step waits for a person. Pure.
 *
 * A canary rises through its steps; its last step, 100, is the promotion, which takes three steps
 * of its own (the release helper's staged `--promote`): the canary takes all the traffic the cluster
 * serves, the stable track takes its version over, the canary goes. A legacy migration lowers the
 * VMs' weight through its steps, judged on the Kubernetes build (the stable track). One thing moves
 * at a time: while a canary has steps, the legacy weight waits.
 */
import type { EnvironmentConfig, ReleaseSteps, ServiceConfig } from "../../stacks/config";
import { releaseSteps } from "../../stacks/config";
import type { ReleaseAction } from "./edit";

export type Move =
  /** The service declares no steps: the autopilot does not move it. */
  | { readonly kind: "none" }
  /** Steps are declared, but the release is where the autopilot leaves it alone; nothing is judged. */
  | { readonly kind: "stopped"; readonly line: string }
  | {
      readonly kind: "judge";
      readonly part: "canary" | "legacy";
      readonly judged: "canary" | "stable";
      /** The track shown beside the judged one. */
      readonly other?: "canary" | "stable";
      readonly settings: ReleaseSteps;
      readonly from: string;
      readonly next: string;
      readonly back: string;
      readonly advance: ReleaseAction;
      /** Undefined when no edit can take the traffic back (a person must: `back` says how). */
      readonly rollback?: ReleaseAction;
      readonly needsApproval: boolean;
    };

/** The next move of one service. `approved`: a person approved the step that needs it. */
export function nextMove(stack: string, env: EnvironmentConfig, svc: ServiceConfig, approved: boolean): Move {
  const canary = releaseSteps(env.release, svc, "canary");
  if (canary) return canaryMove(stack, svc, canary, approved);
  const legacy = releaseSteps(env.release, svc, "legacy");
  if (legacy) return legacyMove(stack, svc, legacy, approved);
  return { kind: "none" };
}

function canaryMove(stack: string, svc: ServiceConfig, settings: ReleaseSteps, approved: boolean): Move {
  const c = svc.canary!;
  const weight = c.weight;
  const full = 100 - (svc.legacy?.weight ?? 0);
  const common = { kind: "judge" as const, part: "canary" as const, settings };
  if (c.version === svc.version) {
    // The handover: the stable track runs the new version and has taken the traffic back.
    return {
      ...common,
      judged: "stable",
      from: `promotion step 2 of 3 (stable ${svc.version})`,
      next: "promotion step 3 of 3 (the canary goes)",
      back: `the previous version, by hand: the stable track already runs ${svc.version}; set version back (git log -p on the stack file shows it)`,
      advance: { kind: "promote" },
      needsApproval: false,
    };
  }
  if (weight === 0) {
    return {
      kind: "stopped",
      line: `${svc.name}: canary ${c.version} at weight 0 is not a step (rolled back, or not started): nothing judged; a person starts it with npm run release -- ${stack} ${svc.name} --weight ${settings.steps[0]}`,
    };
  }
  const back = { rollback: { kind: "weight", weight: 0 } as ReleaseAction, back: "canary 0%" };
  if (weight >= full) {
    return {
      ...common,
      ...back,
      judged: "canary",
      other: "stable",
      from: `canary ${weight}% (promotion step 1 of 3)`,
      next: `promotion step 2 of 3 (the stable track takes ${c.version} over)`,
      advance: { kind: "promote" },
      needsApproval: false,
    };
  }
  const next = settings.steps[settings.steps.indexOf(weight) + 1]!;
  const promotes = next === 100;
  return {
    ...common,
    ...back,
    judged: "canary",
    other: "stable",
    from: `canary ${weight}%`,
    next: promotes ? `canary ${full}% (promotion step 1 of 3)` : `canary ${next}%`,
    advance: promotes ? { kind: "promote" } : { kind: "weight", weight: next },
    needsApproval: promotes && settings.approval === "manual" && !approved,
  };
}

function legacyMove(stack: string, svc: ServiceConfig, settings: ReleaseSteps, approved: boolean): Move {
  const weight = svc.legacy!.weight;
  const all = 100 - (svc.canary?.weight ?? 0);
  const { steps } = settings;
  const at = steps.indexOf(weight);
  if (at < 0) {
    return {
      kind: "stopped",
      line: `${svc.name}: legacy weight ${weight} is not a step (rolled back, or not started): nothing judged; a person starts it with npm run release -- ${stack} ${svc.name} --legacy-weight ${steps[0]}`,
    };
  }
  if (at === steps.length - 1) {
    return {
      kind: "stopped",
      line: `${svc.name}: legacy weight ${weight} is the last step: nothing judged${weight === 0 ? `; once the VMs are idle, npm run release -- ${stack} ${svc.name} --retire-legacy` : ""}`,
    };
  }
  const next = steps[at + 1]!;
  const previous = at > 0 ? steps[at - 1]! : all;
  return {
    kind: "judge",
    part: "legacy",
    judged: "stable",
    settings,
    from: `legacy ${weight}%`,
    next: `legacy ${next}%`,
    back: `legacy ${previous}%`,
    advance: { kind: "legacy-weight", weight: next },
    rollback: { kind: "legacy-weight", weight: previous },
    needsApproval: next === 0 && settings.approval === "manual" && !approved,
  };
}
