export type {
  HeaderRoute,
  LegacyHealthCheck,
  MicroserviceArgs,
  NetworkPeer,
  Placement,
  PortExposure,
  PortProtocol,
  Probe,
  ServiceNetwork,
  ServicePeer,
  ServicePort,
  SharedMount,
  StatefulDisk,
  Toleration,
  WorkloadType,
} from "./args";
export { Microservice, MICROSERVICE_TYPE, type MicroserviceOptions } from "./microservice";
export { planMicroservice, routeSpec, serviceLabels, type PlannedObject } from "./plan";
export { resolveMicroservice, resolvePorts, type ResolvedMicroservice, type ResolvedPort, SERVICE_PORT, DEFAULT_PORT } from "./resolve";
export { imageReference, imageRepository, imageProblem, canaryImage } from "./images";
export {
  validateMicroserviceArgs,
  microserviceProblems,
  MicroserviceArgsError,
  formatProblemPath,
  LIMITS,
  HEALTH_LIMITS,
  MAX_SERVICE_NAME,
  type WorkloadProblem,
} from "./validate";
export { clbAnnotations, tcpRouteName } from "./exposure";
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
export { BatchJob, BATCH_JOB_TYPE, type BatchJobOptions } from "./job";
export {
  planBatchJob,
  batchJobProblems,
  resolveBatchJob,
  scheduleProblem,
  MAX_JOB_NAME,
  type BatchJobArgs,
  type ResolvedBatchJob,
} from "./jobPlan";
export {
  SharedVolume,
  SHARED_VOLUME_TYPE,
  NAS_DRIVER,
  resolveSharedVolume,
  sharedVolumeProblems,
  sharedVolumeObjects,
  sharedVolumeName,
  type SharedVolumeArgs,
} from "./sharedVolume";
