/**
 * The cloud layer's components, for other Pulumi programs:
 *
 *   import { Network, Cluster, Registry, RegistryMirror, ServiceImage } from "ack-platform/cloud";
 */
export { Network, NETWORK_TYPE, type NetworkArgs, networkDefaults, validateNetworkArgs } from "./network";
export {
  Cluster,
  CLUSTER_TYPE,
  CLUSTER_SPEC,
  type ClusterArgs,
  type RegistryAccess,
  clusterDefaults,
  validateClusterArgs,
} from "./cluster";
export { Registry, REGISTRY_TYPE, type RegistryArgs, type RegistryEdition, registryDefaults, validateRegistryArgs } from "./registry";
export {
  RegistryMirror,
  REGISTRY_MIRROR_TYPE,
  type RegistryMirrorArgs,
  resolveRegistryMirror,
  registryMirrorProblems,
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
  zoneBelongsToRegion,
  zoneCapacity,
  zoneProblems,
  PRIVATE_RANGES,
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
export { parseCidr, formatCidr, overlaps, contains, subnet, type Cidr } from "./cidr";
