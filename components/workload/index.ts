export type { HeaderRoute, LegacyHealthCheck, MicroserviceArgs, NetworkPeer, ServiceNetwork, ServicePeer } from "./args";
export { Microservice, MICROSERVICE_TYPE, type MicroserviceOptions } from "./microservice";
export {
  planMicroservice,
  imageReference,
  imageRepository,
  resolveMicroservice,
  type PlannedObject,
  type ResolvedMicroservice,
} from "./plan";
export { validateMicroserviceArgs, MicroserviceArgsError } from "./validate";
export {
  trafficSplit,
  canaryCapacity,
  stableCapacity,
  disruptionBudget,
  shareOfPeak,
  MIN_ROUTED_CANARY,
  type Scaling,
  type TrackCapacity,
  type TrafficSplit,
} from "./release";
export { jvmToolOptions, heapPercent, jvmStartupSeconds } from "./jvm";
export { parseCpu, parseMemory, parseQuantity } from "./quantities";
export * from "./routing";
