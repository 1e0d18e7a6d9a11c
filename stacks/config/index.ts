export { ConfigError, type ConfigProblem, formatPath } from "./errors";
export {
  CONFIG_KEYS,
  loadEnvironmentConfig,
  PROVIDER_NAMESPACES,
  parseEnvironmentConfig,
  rawStackConfig,
  readStackConfig,
  type RawStackConfig,
} from "./load";
export { type EnvironmentConfig, environmentShape, parseEnvironment } from "./schema";
export { ENVIRONMENT_KINDS, type EnvironmentKind } from "./common";
export { KIND_DEFAULTS, DEFAULT_KUBERNETES_VERSION } from "./defaults";
export type { ServiceConfig } from "./workloads";
export { type ReleaseAnalysis, type ReleaseSteps, releaseSteps } from "./release";
export type { RegistryConfig } from "./cloud";
export type { ReceiverConfig } from "./platform";
