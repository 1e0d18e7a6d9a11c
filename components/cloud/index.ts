/**
 * The cloud layer's components, for other Pulumi programs:
 *
 *   import { Network, Cluster, Registry, RegistryMirror, ServiceImage } from "ack-platform/cloud";
 */
export {
  Network,
  NETWORK_TYPE,
  NAT_BANDWIDTH_MBPS,
  type NetworkArgs,
  type NetworkProblem,
  type ResolvedNetworkArgs,
  networkDefaults,
  networkProblems,
  validateNetworkArgs,
} from "./network";
export {
  ExistingNetwork,
  EXISTING_NETWORK_TYPE,
  type ExistingNetworkArgs,
  resolveExistingNetwork,
  existingNetworkProblems,
} from "./existingNetwork";
export {
  Cluster,
  CLUSTER_TYPE,
  CLUSTER_SPEC,
  type ClusterArgs,
  type RegistryAccess,
  type SecretEncryption,
  type ClusterProblem,
  type ResolvedClusterArgs,
  clusterDefaults,
  clusterProblems,
  validateClusterArgs,
  DEFAULT_MAINTENANCE_WINDOW,
} from "./cluster";
export {
  AccountPrerequisites,
  ACCOUNT_PREREQUISITES_TYPE,
  type AccountPrerequisitesArgs,
  resolveAccountPrerequisites,
  accountPrerequisitesProblems,
} from "./prerequisites";
export { accountPlan, missingRoles, missingRolesMessage, roleCommands, type AccountFeatures, type AccountPlan } from "./prerequisitesPlan";
export { goJson, storedConfig, ALB_INGRESS_CONTROLLER, CREDENTIAL_HELPER_ADDON, type InstalledAddon } from "./addonConfig";
export {
  ACK_VERSION,
  CONTROL_PLANE_LOG_COMPONENTS,
  DEFAULT_CONTROL_PLANE_LOGS,
  MIN_KUBERNETES_MINOR,
  WEEKDAYS,
  checkOfferedVersion,
  kubeconfigWithServer,
  maintenanceWindowSpec,
  type ClusterLogs,
  type MaintenanceWindow,
} from "./clusterPlan";
export {
  Registry,
  REGISTRY_TYPE,
  type RegistryArgs,
  type RegistryEdition,
  type RegistryProblem,
  registryDefaults,
  registryProblems,
  validateRegistryArgs,
} from "./registry";
export {
  RegistryMirror,
  REGISTRY_MIRROR_TYPE,
  type RegistryMirrorArgs,
  resolveRegistryMirror,
  registryMirrorProblems,
  WAIT_MINUTES,
} from "./registryMirror";
export {
  subscriptionSource,
  subscriptionRuleSpec,
  exactTagPattern,
  mirrorProblems,
  missingTags,
  fillInstruction,
  SUBSCRIPTION_PROVIDERS,
  SUBSCRIPTION_TAG_LIMITS,
  type MirrorArtifact,
  type MirrorFill,
  type PushedArtifact,
  type SubscriptionProvider,
} from "./registryMirrorPlan";
export { ServiceImage, SERVICE_IMAGE_TYPE, type ServiceImageArgs, serviceImageDefaults, validateServiceImageArgs } from "./serviceImage";
export {
  planVswitches,
  planNatGateways,
  rangeProblems,
  regionProblem,
  REGION_ID,
  VSWITCH_PREFIX_RANGE,
  zoneBelongsToRegion,
  zoneCapacity,
  zoneProblems,
  PRIVATE_RANGES,
  LEGACY_NEXT_HOPS,
  legacyNetworkProblems,
  legacyNetworkOf,
  addressIn,
  type LegacyNetwork,
  type NatMode,
  type VswitchPlan,
  type ZoneAllocation,
} from "./networkPlan";
export {
  nodePoolSpec,
  nodePoolProblems,
  nodePoolSetProblems,
  autoscalerPriorities,
  CAPACITY_LABEL,
  type NodePoolSettings,
  type NodePoolSpec,
} from "./nodePoolPlan";
export { clusterAddons, addonProblems, type ClusterAddon, type Cni } from "./clusterAddons";
export { registryDomains, syncRuleSpec, digestOf, type ReplicationSettings } from "./registryPlan";
export { parseCidr, formatCidr, overlaps, contains, subnet, ALLOW_LIST_PREFIXES, NETWORK_PREFIXES, type Cidr } from "./cidr";
