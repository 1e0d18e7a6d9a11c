export type { MicroserviceArgs } from "./args";
export { Microservice, MICROSERVICE_TYPE, type MicroserviceOptions } from "./microservice";
export { planMicroservice, imageReference, imageRepository, type PlannedObject } from "./plan";
export { validateMicroserviceArgs, MicroserviceArgsError } from "./validate";
export { trafficSplit, canaryReplicas, canaryScaling, type TrafficSplit } from "./release";
export { jvmToolOptions, heapPercent } from "./jvm";
export { parseCpu, parseMemory, parseQuantity } from "./quantities";
export * from "./routing";
