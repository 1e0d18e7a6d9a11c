/**
 * Gray-release arithmetic: how a route's traffic is split between the stable track, the canary
 * track and legacy backends, and how much capacity each track keeps while a release is in
 * progress. Pure functions.
 *
 * Capacity comes before traffic. A track that receives a share of the route keeps a floor of
 * ready pods sized to that share of the stable track's peak (its maximum), and the route waits
 * for the floor before it moves: the floor is the autoscaler's minimum, and the track's
 * PodDisruptionBudget becomes a gate that Pulumi awaits (`minAvailable: floor - 1` with
 * `pulumi.com/waitFor: condition=DisruptionAllowed`: the disruption controller reports
 * DisruptionAllowed only while more than `minAvailable` pods are ready, that is at least `floor`).
 */

/** Percent of a route's traffic each backend receives; the three always add up to 100. */
export interface TrafficSplit {
  readonly stable: number;
  readonly canary: number;
  readonly legacy: number;
}

/** A weight is a whole percent of a route's traffic; the service's args and the stack's config use these bounds. */
export const WEIGHT_RANGE: readonly [number, number] = [0, 100];

/**
 * Splits traffic: the canary and the legacy backends get their weights, the stable track the rest.
 * Throws when a weight is outside 0..100 or the two together exceed 100.
 */
export function trafficSplit(weights: { readonly canary?: number; readonly legacy?: number }): TrafficSplit {
  const canary = weights.canary ?? 0;
  const legacy = weights.legacy ?? 0;
  for (const [name, value] of [
    ["canary", canary],
    ["legacy", legacy],
  ] as const) {
    const [min, max] = WEIGHT_RANGE;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} weight ${value} is not an integer between ${min} and ${max}`);
    }
  }
  if (canary + legacy > WEIGHT_RANGE[1]) {
    throw new Error(`canary weight ${canary} plus legacy weight ${legacy} is more than ${WEIGHT_RANGE[1]}`);
  }
  return { stable: WEIGHT_RANGE[1] - canary - legacy, canary, legacy };
}

/** The stable track's scaling bounds: `max` is its peak capacity. */
export interface Scaling {
  readonly min: number;
  readonly max: number;
}

/** How one track is sized while a release is in progress. */
export interface TrackCapacity {
  /** Pods the track keeps at least: its autoscaler's minimum (its replica count when not autoscaled). */
  readonly floor: number;
  /** Its autoscaler's maximum (equal to the floor when not autoscaled). */
  readonly max: number;
  /** Whether the track's disruption budget gates the route on the floor being ready. */
  readonly gated: boolean;
}

/** Smallest canary that carries traffic: one pod is a single point of failure for its share. */
export const MIN_ROUTED_CANARY = 2;

/** Pods that carry `share` percent of what the stable track carries at its peak. */
export function shareOfPeak(stableMax: number, share: number): number {
  if (!Number.isInteger(stableMax) || stableMax < 1) throw new Error(`stable max replicas ${stableMax} is not a positive integer`);
  trafficSplit({ canary: share });
  return Math.ceil((stableMax * share) / 100);
}

/**
 * The canary track's capacity. Routed (it has weight, or testers reach it by header), it keeps
 * max(2, ceil(weight × stable max / 100)) pods: two so a drain, a crash or a spot reclaim never
 * empties it, and its share of the stable peak so the share it takes is served. Unrouted, one pod
 * runs the new version for inspection. Its autoscaler can always grow: up to the stable maximum,
 * and at least one pod above the floor.
 */
export function canaryCapacity(stable: Scaling, weight: number, header: boolean): TrackCapacity {
  const routed = weight > 0 || header;
  const floor = routed ? Math.max(MIN_ROUTED_CANARY, shareOfPeak(stable.max, weight)) : 1;
  return { floor, max: Math.max(stable.max, floor + 1), gated: routed };
}

/**
 * The stable track's capacity. Its own minimum, except while it shares a route with legacy
 * backends or takes a promotion over ("pinned"): then it keeps its share of its own peak,
 * max(min, ceil(share × max / 100)), ready before the route moves. Outside those, the stable
 * track's autoscaler follows its load as usual.
 */
export function stableCapacity(stable: Scaling, share: number, pinned: boolean): TrackCapacity {
  const floor = pinned ? Math.max(stable.min, shareOfPeak(stable.max, share)) : stable.min;
  return { floor, max: stable.max, gated: pinned && share > 0 };
}

/** A track's disruption budget: a gate on its floor while gated, else one pod at a time. */
export function disruptionBudget(capacity: TrackCapacity): { minAvailable: number } | { maxUnavailable: number } {
  return capacity.gated ? { minAvailable: capacity.floor - 1 } : { maxUnavailable: 1 };
}
