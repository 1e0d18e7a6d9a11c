/**
 * ack-platform: Pulumi components for a container platform on Alibaba Cloud.
 *
 *   import { Microservice, Cluster, Gateway } from "ack-platform";
 *
 * Each layer also has its own entry with its planners and values builders:
 * "ack-platform/cloud", "ack-platform/platform" and "ack-platform/workload".
 */
export * from "./components/workload";
export {
  Network,
  type NetworkArgs,
  Cluster,
  type ClusterArgs,
  Registry,
  type RegistryArgs,
  ServiceImage,
  type ServiceImageArgs,
} from "./components/cloud";
export {
  Gateway,
  type GatewayArgs,
  Logging,
  type LoggingArgs,
  Monitoring,
  type MonitoringArgs,
  WorkloadNamespace,
  type WorkloadNamespaceArgs,
} from "./components/platform";
