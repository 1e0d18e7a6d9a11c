/**
 * Which input changes replace a resource, per resource type the program declares, as each provider
 * decides it; and which inputs a provider reads only when it creates the resource.
 *
 * Every entry names its source. A type a committed stack declares that this list does not know fails
 * test/scenarios/plans.test.ts, so the list grows with the program.
 *
 * Paths: dots between fields, `[*]` for any item of a list, "*" for every input. A change at a path, or
 * inside it, or around it (a parent object that changed whole) replaces the resource.
 *
 * Alibaba Cloud: the ForceNew fields of the Terraform schema that @pulumi/alicloud 3.108.0 bridges
 * (aliyun/terraform-provider-alicloud, alicloud/resource_alicloud_<name>.go, read at master 81c43b6;
 * the 3.108.0 docs describe the same fields). `ignoredAfterCreate`: inputs the docs of
 * node_modules/@pulumi/alicloud/<module>.d.ts mark "Only works for Create Operation" or "immutable after
 * resource creation ... no effect when modified", and that neither the schema (no ForceNew) nor the
 * resource's Update function acts on: `pulumi up` records a change to them and changes nothing in the cloud.
 */

export interface ReplacementRule {
  /** Paths whose change replaces the resource. */
  readonly replaceOn: readonly string[];
  /** Top-level inputs the provider reads only at creation: a change is accepted and has no effect. */
  readonly ignoredAfterCreate?: readonly string[];
  /**
   * Paths that replace the resource unless its provider sets `providerOption` to true and the object
   * is not `immutable` (Kubernetes Secrets and ConfigMaps).
   */
  readonly replaceUnlessMutable?: { readonly providerOption: string; readonly paths: readonly string[] };
}

const ALICLOUD = "aliyun/terraform-provider-alicloud alicloud/resource_alicloud";

/** Alibaba Cloud resources, by Pulumi type token (with the Terraform resource each one bridges). */
const alicloud: Record<string, ReplacementRule & { readonly source: string }> = {
  // alicloud_vpc: cidr_block is updatable in place (ModifyVpcAttribute) since provider 1.206.0.
  "alicloud:vpc/network:Network": { source: `${ALICLOUD}_vpc.go`, replaceOn: ["ipv6CidrBlock", "isDefault", "userCidrs"] },
  "alicloud:vpc/switch:Switch": {
    source: `${ALICLOUD}_vswitch.go`,
    replaceOn: ["cidrBlock", "isDefault", "vpcId", "zoneId", "availabilityZone"],
  },
  "alicloud:vpc/routeTable:RouteTable": { source: `${ALICLOUD}_route_table.go`, replaceOn: ["associateType", "vpcId"] },
  "alicloud:vpc/routeTableAttachment:RouteTableAttachment": {
    source: `${ALICLOUD}_route_table_attachment.go`,
    replaceOn: ["routeTableId", "vswitchId"],
  },
  "alicloud:vpc/routeEntry:RouteEntry": {
    source: `${ALICLOUD}_route_entry.go`,
    replaceOn: ["routeTableId", "destinationCidrblock", "nexthopType", "nexthopId", "name", "description"],
  },
  // natType and vswitchId are documented as immutable, but Update calls UpdateNatGatewayNatType with them:
  // an update that the API may refuse, not a replacement.
  "alicloud:vpc/natGateway:NatGateway": {
    source: `${ALICLOUD}_nat_gateway.go`,
    replaceOn: ["internetChargeType", "paymentType", "instanceChargeType", "vpcId", "privateLinkEnabled", "accessMode", "availabilityMode"],
    ignoredAfterCreate: ["networkType", "period"],
  },
  "alicloud:vpc/snatEntry:SnatEntry": { source: `${ALICLOUD}_snat_entry.go`, replaceOn: ["snatTableId", "sourceCidr", "sourceVswitchId"] },
  "alicloud:ecs/eipAddress:EipAddress": {
    source: `${ALICLOUD}_eip_address.go`,
    replaceOn: [
      "allocationId",
      "highDefinitionMonitorLogStatus",
      "internetChargeType",
      "ipAddress",
      "isp",
      "netmode",
      "paymentType",
      "publicIpAddressPoolId",
      "securityProtectionTypes",
      "zone",
      "instanceChargeType",
    ],
  },
  "alicloud:ecs/eipAssociation:EipAssociation": {
    source: `${ALICLOUD}_eip_association.go`,
    replaceOn: ["allocationId", "instanceId", "instanceType", "privateIpAddress", "vpcId"],
  },
  "alicloud:ecs/securityGroup:SecurityGroup": { source: `${ALICLOUD}_security_group.go`, replaceOn: ["securityGroupType", "vpcId"] },
  "alicloud:ecs/securityGroupRule:SecurityGroupRule": {
    source: `${ALICLOUD}_security_group_rule.go`,
    replaceOn: [
      "securityGroupId",
      "type",
      "ipProtocol",
      "policy",
      "priority",
      "cidrIp",
      "ipv6CidrIp",
      "sourceSecurityGroupId",
      "sourceGroupOwnerAccount",
      "sourceGroupOwnerId",
      "prefixListId",
      "portRange",
      "nicType",
    ],
  },
  // vswitchIds, name, securityGroupId, version, clusterSpec, tags, audit and encryption settings are
  // updated in place (ModifyCluster, UpgradeCluster, MigrateCluster, UpdateKMSEncryption...).
  "alicloud:cs/managedKubernetes:ManagedKubernetes": {
    source: `${ALICLOUD}_cs_managed_kubernetes.go`,
    replaceOn: [
      "profile",
      "podCidr",
      "serviceCidr",
      "nodeCidrMask",
      "proxyMode",
      "ipStack",
      "clusterDomain",
      "serviceAccountIssuer",
      "apiAudiences",
      "autoMode",
    ],
    ignoredAfterCreate: [
      "addons",
      "isEnterpriseSecurityGroup",
      "loadBalancerSpec",
      "newNatGateway",
      "podVswitchIds",
      "slbInternetEnabled",
      "zoneIds",
      "userCa",
      "skipSetCertificateAuthority",
    ],
  },
  "alicloud:cs/nodePool:NodePool": {
    source: `${ALICLOUD}_cs_kubernetes_node_pool.go`,
    replaceOn: [
      "autoMode",
      "cisEnabled",
      "clusterId",
      "deploymentSetId",
      "instanceMetadataOptions",
      "loginAsNonRoot",
      "nodeNameMode",
      "ramRoleName",
      "securityGroupId",
      "securityGroupIds",
      "securityHardeningOs",
      "socEnabled",
      "teeConfig",
      "type",
    ],
    ignoredAfterCreate: ["efloNodeGroup"],
  },
  "alicloud:cs/autoscalingConfig:AutoscalingConfig": { source: `${ALICLOUD}_cs_autoscaling_config.go`, replaceOn: ["clusterId"] },
  // config and version are updated in place (ModifyClusterAddon, UpgradeClusterAddons).
  "alicloud:cs/kubernetesAddon:KubernetesAddon": { source: `${ALICLOUD}_cs_kubernetes_addon.go`, replaceOn: ["clusterId", "name"] },
  // Its Update changes only the resource group, the login password and the tags.
  "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance": {
    source: `${ALICLOUD}_cr_ee_instance.go`,
    replaceOn: ["instanceName", "paymentType", "renewPeriod", "renewalStatus"],
    ignoredAfterCreate: ["customOssBucket", "imageScanner", "instanceType", "namespaceQuota", "period", "repoQuota", "vpcQuota"],
  },
  "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace": {
    source: `${ALICLOUD}_cr_ee_namespace.go`,
    replaceOn: ["instanceId", "name"],
  },
  "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo": {
    source: `${ALICLOUD}_cr_ee_repo.go`,
    replaceOn: ["instanceId", "namespace", "name"],
  },
  "alicloud:cs/registryEnterpriseSyncRule:RegistryEnterpriseSyncRule": {
    source: `${ALICLOUD}_cr_ee_sync_rule.go`,
    replaceOn: [
      "instanceId",
      "namespaceName",
      "repoName",
      "syncRuleName",
      "syncScope",
      "syncTrigger",
      "tagFilter",
      "targetInstanceId",
      "targetNamespaceName",
      "targetRegionId",
      "targetRepoName",
      "name",
    ],
  },
  // enableCreateDnsRecordInPvzt is sent only by Create; Update does not look at it.
  "alicloud:cr/vpcEndpointLinkedVpc:VpcEndpointLinkedVpc": {
    source: `${ALICLOUD}_cr_vpc_endpoint_linked_vpc.go`,
    replaceOn: ["instanceId", "vpcId", "vswitchId", "moduleName"],
    ignoredAfterCreate: ["enableCreateDnsRecordInPvzt"],
  },
  "alicloud:cr/internetEndpoint:InternetEndpoint": { source: `${ALICLOUD}_cr_internet_endpoint.go`, replaceOn: ["instanceId"] },
  "alicloud:cr/artifactSubscriptionRule:ArtifactSubscriptionRule": {
    source: `${ALICLOUD}_cr_artifact_subscription_rule.go`,
    replaceOn: ["instanceId"],
  },
  "alicloud:cr/chartNamespace:ChartNamespace": { source: `${ALICLOUD}_cr_chart_namespace.go`, replaceOn: ["instanceId", "namespaceName"] },
  "alicloud:cr/chartRepository:ChartRepository": {
    source: `${ALICLOUD}_cr_chart_repository.go`,
    replaceOn: ["instanceId", "repoName", "repoNamespaceName"],
  },
  "alicloud:ram/role:Role": { source: `${ALICLOUD}_ram_role.go`, replaceOn: ["roleName", "name"] },
  "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": {
    source: `${ALICLOUD}_ram_role_policy_attachment.go`,
    replaceOn: ["policyName", "policyType", "roleName"],
  },
  "alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole": {
    source: `${ALICLOUD}_resource_manager_service_linked_role.go`,
    replaceOn: ["serviceName", "description", "customSuffix"],
  },
  "alicloud:kms/key:Key": {
    source: `${ALICLOUD}_kms_key.go`,
    replaceOn: ["dkmsInstanceId", "keySpec", "keyUsage", "origin", "protectionLevel"],
  },
};

const K8S = "pulumi/pulumi-kubernetes provider/pkg/provider";

/** Every Kubernetes object is replaced when its name or namespace changes (provider.go, Diff). */
const OBJECT_IDENTITY = ["metadata.name", "metadata.namespace"];

function labelSelector(prefix: string): string[] {
  return [prefix, `${prefix}.matchExpressions`, `${prefix}.matchLabels`];
}

/** Kubernetes objects, by type token: the provider's `forceNew` table (diff.go) for each kind. */
const kubernetesKinds: Record<string, { readonly source: string; readonly replaceOn: readonly string[] } & Partial<ReplacementRule>> = {
  "kubernetes:apps/v1:Deployment": { source: `${K8S}/diff.go deployment`, replaceOn: labelSelector("spec.selector") },
  "kubernetes:apps/v1:DaemonSet": { source: `${K8S}/diff.go daemonset`, replaceOn: labelSelector("spec.selector") },
  "kubernetes:apps/v1:StatefulSet": {
    source: `${K8S}/diff.go statefulSet`,
    replaceOn: [
      "spec.podManagementPolicy",
      "spec.revisionHistoryLimit",
      "spec.serviceName",
      "spec.volumeClaimTemplates",
      ...labelSelector("spec.selector"),
    ],
  },
  "kubernetes:batch/v1:Job": {
    source: `${K8S}/diff.go job`,
    replaceOn: ["spec.completions", "spec.parallelism", "spec.template", ...labelSelector("spec.selector")],
  },
  // A CronJob's template is mutable: the next run uses the new one.
  "kubernetes:batch/v1:CronJob": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  // Only spec.clusterIP; a change of spec.type is an update.
  "kubernetes:core/v1:Service": { source: `${K8S}/diff.go core Service`, replaceOn: ["spec.clusterIP"] },
  "kubernetes:core/v1:PersistentVolumeClaim": {
    source: `${K8S}/diff.go core PersistentVolumeClaim`,
    replaceOn: ["spec.accessModes", "spec.storageClassName", "spec.volumeName", ...labelSelector("spec.selector")],
  },
  // A volume's source (the NAS server and directory of a shared volume, its CSI driver) is fixed.
  "kubernetes:core/v1:PersistentVolume": {
    source: `${K8S}/diff.go core PersistentVolume`,
    replaceOn: [
      "spec.awsElasticBlockStore",
      "spec.azureDisk",
      "spec.azureFile",
      "spec.cephfs",
      "spec.cinder",
      "spec.csi",
      "spec.fc",
      "spec.flexVolume",
      "spec.flocker",
      "spec.gcePersistentDisk",
      "spec.glusterfs",
      "spec.hostPath",
      "spec.iscsi",
      "spec.local",
      "spec.nfs",
      "spec.photonPersistentDisk",
      "spec.portworxVolume",
      "spec.quobyte",
      "spec.rbd",
      "spec.scaleIO",
      "spec.storageos",
      "spec.vsphereVolume",
    ],
  },
  // Secrets and ConfigMaps are replaced when their data changes, unless the provider sets
  // enableSecretMutable / enableConfigMapMutable (and the object is not `immutable`).
  "kubernetes:core/v1:Secret": {
    source: `${K8S}/diff.go forceNewProperties, core Secret`,
    replaceOn: ["type"],
    replaceUnlessMutable: { providerOption: "enableSecretMutable", paths: ["type", "stringData", "data"] },
  },
  "kubernetes:core/v1:ConfigMap": {
    source: `${K8S}/diff.go forceNewProperties`,
    replaceOn: [],
    replaceUnlessMutable: { providerOption: "enableConfigMapMutable", paths: ["binaryData", "data"] },
  },
  "kubernetes:core/v1:Namespace": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:core/v1:ServiceAccount": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:core/v1:LimitRange": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:core/v1:ResourceQuota": { source: `${K8S}/diff.go core ResourceQuota`, replaceOn: ["spec.scopes"] },
  "kubernetes:discovery.k8s.io/v1:EndpointSlice": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  // Only the v1beta1 PodDisruptionBudget is immutable; policy/v1 is updated in place.
  "kubernetes:policy/v1:PodDisruptionBudget": { source: `${K8S}/diff.go (policy/v1beta1 only)`, replaceOn: [] },
  "kubernetes:rbac.authorization.k8s.io/v1:Role": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": { source: `${K8S}/diff.go roleBinding`, replaceOn: ["roleRef"] },
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": { source: `${K8S}/diff.go roleBinding`, replaceOn: ["roleRef"] },
  "kubernetes:storage.k8s.io/v1:StorageClass": { source: `${K8S}/diff.go storage.k8s.io`, replaceOn: ["parameters", "provisioner"] },
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:networking.k8s.io/v1:Ingress": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:networking.k8s.io/v1:IngressClass": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": { source: `${K8S}/diff.go (no entry)`, replaceOn: [] },
  // Custom resources: the provider knows no schema for them, only their identity.
  "kubernetes:cert-manager.io/v1:Certificate": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:cert-manager.io/v1:ClusterIssuer": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:cert-manager.io/v1:Issuer": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:kibana.k8s.elastic.co/v1:Kibana": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.networking.k8s.io/v1:GatewayClass": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:gateway.networking.k8s.io/v1:TCPRoute": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:monitoring.coreos.com/v1:PodMonitor": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
  "kubernetes:alibabacloud.com/v1:AlbConfig": { source: `${K8S}/diff.go (custom resource)`, replaceOn: [] },
};

/** Everything else the program declares: Helm, Docker, random, and the providers themselves. */
const others: Record<string, ReplacementRule & { readonly source: string }> = {
  // helm_release.go, Diff: forceNewFields ".name", ".namespace"; everything else (chart, version,
  // values...) is a `helm upgrade`.
  "kubernetes:helm.sh/v3:Release": { source: `${K8S}/helm_release.go Diff`, replaceOn: ["name", "namespace"] },
  // A remote component: the objects it renders are compared one by one by the provider; the plan sees
  // only the chart's inputs, so a change to them is reported as an update of the chart.
  "kubernetes:helm.sh/v4:Chart": { source: `${K8S}/helm/v4/chart.go (component)`, replaceOn: [] },
  // pulumi/pulumi-docker provider/provider.go, Diff: old inputs against new, every change an update
  // (a rebuild and push); the schema marks no input replaceOnChanges.
  "docker:index/image:Image": { source: "pulumi/pulumi-docker provider/provider.go Diff", replaceOn: [] },
  // hashicorp/terraform-provider-random internal/provider/resource_password.go: every attribute
  // has a RequiresReplace plan modifier.
  "random:index/randomPassword:RandomPassword": { source: "hashicorp/terraform-provider-random resource_password.go", replaceOn: ["*"] },
  "random:index/randomString:RandomString": { source: "hashicorp/terraform-provider-random resource_string.go", replaceOn: ["*"] },
  "random:index/randomId:RandomId": { source: "hashicorp/terraform-provider-random resource_id.go", replaceOn: ["*"] },
  // hashicorp/terraform-provider-tls internal/provider: the RequiresReplace plan modifiers of each
  // resource; a certificate is also replaced when the key it is made from changes.
  "tls:index/privateKey:PrivateKey": {
    source: "hashicorp/terraform-provider-tls resource_private_key.go",
    replaceOn: ["algorithm", "rsaBits", "ecdsaCurve"],
  },
  "tls:index/selfSignedCert:SelfSignedCert": {
    source: "hashicorp/terraform-provider-tls resource_self_signed_cert.go",
    replaceOn: [
      "privateKeyPem",
      "validityPeriodHours",
      "allowedUses",
      "dnsNames",
      "ipAddresses",
      "uris",
      "isCaCertificate",
      "maxPathLength",
      "setSubjectKeyId",
      "setAuthorityKeyId",
      "subject",
    ],
  },
  "tls:index/locallySignedCert:LocallySignedCert": {
    source: "hashicorp/terraform-provider-tls resource_locally_signed_cert.go",
    replaceOn: [
      "caCertPem",
      "caPrivateKeyPem",
      "certRequestPem",
      "validityPeriodHours",
      "allowedUses",
      "isCaCertificate",
      "maxPathLength",
      "setSubjectKeyId",
    ],
  },
  // provider.go, DiffConfig: a changed clusterIdentifier replaces the provider (and with it every object
  // it manages); while it stays the same, nothing does. Without one, a kubeconfig pointing at another
  // cluster replaces it (not visible offline: the kubeconfig is a secret).
  "pulumi:providers:kubernetes": { source: `${K8S}/provider.go DiffConfig`, replaceOn: ["clusterIdentifier"] },
  // Provider configuration changes are updates: the resources keep their ids.
  "pulumi:providers:alicloud": { source: "pulumi/pulumi-terraform-bridge DiffConfig", replaceOn: [] },
  "pulumi:providers:docker": { source: "pulumi/pulumi-docker provider/provider.go DiffConfig", replaceOn: [] },
  "pulumi:providers:random": { source: "pulumi/pulumi-terraform-bridge DiffConfig", replaceOn: [] },
  "pulumi:providers:tls": { source: "pulumi/pulumi-terraform-bridge DiffConfig", replaceOn: [] },
};

/** Every entry, with where it comes from, for tests and reports. */
export const ENTRIES: ReadonlyArray<{ readonly type: string; readonly source: string; readonly rule: ReplacementRule }> = [
  ...Object.entries(alicloud),
  ...Object.entries(kubernetesKinds),
  ...Object.entries(others),
].map(([type, { source, ...rule }]) => ({ type, source, rule }));

/** Every type this list knows. */
export const KNOWN_TYPES: ReadonlySet<string> = new Set(ENTRIES.map((e) => e.type));

/**
 * The replacement rule of a resource, or undefined when the type is not in the list. `providerInputs`
 * are the inputs of the provider the resource uses (Kubernetes: enableSecretMutable...).
 */
export function replacementRule(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
  providerInputs: Readonly<Record<string, unknown>> = {},
): ReplacementRule | undefined {
  const k8s = kubernetesKinds[type];
  if (k8s) {
    const mutable = k8s.replaceUnlessMutable;
    const extra = mutable && (providerInputs[mutable.providerOption] !== true || inputs["immutable"] === true) ? mutable.paths : [];
    return { replaceOn: [...OBJECT_IDENTITY, ...k8s.replaceOn, ...extra] };
  }
  return alicloud[type] ?? others[type];
}
