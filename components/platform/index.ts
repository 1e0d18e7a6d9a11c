/**
 * The platform layer's components, for other Pulumi programs:
 *
 *   import { Gateway, Logging, Monitoring, WorkloadNamespace } from "ack-platform/platform";
 *
 * Each takes the cluster's `kubernetes.Provider` in its resource options. Each component's args
 * go through `resolveX` (the defaults) and `xProblems` (every problem at once) before anything is
 * declared; a program can call them to check its args first. The values builders are
 * pure functions, exported so a program can inspect what a chart is installed with.
 */
export {
  Gateway,
  GATEWAY_TYPE,
  GATEWAY_REPLICAS,
  type GatewayArgs,
  type GatewayTls,
  type ResolvedGatewayArgs,
  resolveGatewayArgs,
  gatewayProblems,
  validateGatewayArgs,
  loadBalancerSpecProblem,
  exposureProblem,
  servesHttps,
} from "./gateway";
export {
  envoyGatewayValues,
  envoyProxySpec,
  gatewaySpec,
  loadBalancerAnnotations,
  albConfigSpec,
  albIngressClassSpec,
  ENVOY_GATEWAY_CONTROLLER,
  ALB_INGRESS_CONTROLLER,
  HTTP_LISTENER,
  HTTPS_LISTENER,
} from "./gatewayValues";
export { Logging, LOGGING_TYPE, type LoggingArgs, resolveLoggingArgs, loggingProblems, validateLoggingArgs } from "./logging";
export { elasticsearchSpec, kibanaSpec, fluentBitValues, eckOperatorValues, logLifecyclePolicy } from "./loggingValues";
export {
  Monitoring,
  MONITORING_TYPE,
  type MonitoringArgs,
  type AlertReceiver,
  resolveMonitoringArgs,
  monitoringProblems,
  validateMonitoringArgs,
  receiverPorts,
} from "./monitoring";
export {
  DiskClass,
  DISK_CLASS_TYPE,
  type DiskClassArgs,
  type DiskClassFacts,
  resolveDiskClassArgs,
  diskClassProblems,
  diskClassSpec,
  diskClaimProblem,
  diskClassFacts,
  diskClassSizes,
  ACK_DISK_CLASSES,
  KNOWN_DISK_CLASSES,
  PLATFORM_DISK_CLASS,
  DISK_PROVISIONER,
  DISK_SIZES,
} from "./storage";
export { namespacePolicySpecs, defaultDenySpec, dnsSpec, podPolicySpec, type PodPolicy, type Peer, type Allow } from "./networkPolicy";
export { proxyPodLabels, prometheusPodLabels, proxyContainerPort } from "./addonPolicies";
export { type Problem } from "./validation";
export { kubePrometheusStackValues } from "./monitoringValues";
export { platformRuleGroups, DEFAULT_THRESHOLDS, type AlertThresholds, type RuleGroup } from "./alertRules";
export { chartSource, type PullSource } from "./helm";
export { mirroredImage, mirroredRepository, mirrorPath, parseImage, HOST_NAMESPACES, type ImageReference } from "./images";
export {
  CHARTS,
  CHART_NAMESPACE,
  IMAGES,
  PUBLISHED_ALSO_AT,
  addonArtifacts,
  elasticImages,
  mirrorSourceOf,
  type AddonSelection,
  type ChartRef,
} from "./upstream";
export {
  WorkloadNamespace,
  WORKLOAD_NAMESPACE_TYPE,
  type WorkloadNamespaceArgs,
  workloadNamespaceSpecs,
  workloadNamespaceProblems,
  validateWorkloadNamespaceArgs,
} from "./workloadNamespace";
