/**
 * Gray-release arithmetic: how a route's traffic is split between the stable track, the canary
 * track and legacy backends, and how many canary pods a weight needs. Pure functions.
 */

/** Percent of a route's traffic each backend receives; the three always add up to 100. */
export interface TrafficSplit {
  readonly stable: number;
  readonly canary: number;
  readonly legacy: number;
}

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
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new Error(`${name} weight ${value} is not an integer between 0 and 100`);
    }
  }
  if (canary + legacy > 100) {
    throw new Error(`canary weight ${canary} plus legacy weight ${legacy} is more than 100`);
  }
  return { stable: 100 - canary - legacy, canary, legacy };
}

/**
 * Replicas the canary track needs to carry `weight` percent of what `stableReplicas` carry at full
 * traffic: ceil(stable × weight / 100), and at least one so the canary can be reached by header
 * (and smoke-tested) before it gets any weight.
 */
export function canaryReplicas(stableReplicas: number, weight: number): number {
  if (!Number.isInteger(stableReplicas) || stableReplicas < 0) {
    throw new Error(`stable replicas ${stableReplicas} is not a non-negative integer`);
  }
  trafficSplit({ canary: weight });
  return Math.max(1, Math.ceil((stableReplicas * weight) / 100));
}

/** The canary track's scaling bounds, derived from the stable track's and the canary's weight. */
export function canaryScaling(stable: { readonly min: number; readonly max: number }, weight: number) {
  return { min: canaryReplicas(stable.min, weight), max: canaryReplicas(stable.max, weight) };
}
