/**
 * Defaults per kind of environment, in one table so the config reference (docs/configuration.md) and the schema
 * cannot disagree: local and dev are light (one replica, small disks), prod is strict (HA, protected).
 */
import type { EnvironmentKind } from "./common";
import { PLATFORM_DISK_CLASS } from "../../components/platform/storage";

export interface KindDefaults {
  /** ACK edition: Pro adds an SLA-backed control plane. */
  readonly clusterEdition: "standard" | "pro";
  readonly deletionProtection: boolean;
  readonly natBandwidthMbps: number;
  readonly registryMode: "local" | "existing" | "managed";
  readonly gatewayReplicas: number;
  readonly logRetentionDays: number;
  readonly elasticsearchNodes: number;
  readonly elasticsearchStorage: string;
  readonly elasticsearchMemory: string;
  readonly prometheusReplicas: number;
  readonly prometheusRetentionDays: number;
  readonly prometheusStorage: string;
  readonly alertmanagerReplicas: number;
  readonly alertmanagerStorage: string;
  readonly grafanaReplicas: number;
  /** Storage class of the add-ons' volumes: on Alibaba Cloud the platform's ESSD class, bound where the pod runs. */
  readonly storageClass: string;
  readonly serviceMinReplicas: number;
  readonly policyEnforcement: "advisory" | "mandatory";
  /** Whether the release autopilot waits for a person before it promotes. */
  readonly releaseApproval: "auto" | "manual";
}

export const KIND_DEFAULTS: Readonly<Record<EnvironmentKind, KindDefaults>> = {
  local: {
    clusterEdition: "standard",
    deletionProtection: false,
    natBandwidthMbps: 0,
    registryMode: "local",
    gatewayReplicas: 1,
    logRetentionDays: 1,
    elasticsearchNodes: 1,
    elasticsearchStorage: "5Gi",
    elasticsearchMemory: "1Gi",
    prometheusReplicas: 1,
    prometheusRetentionDays: 1,
    prometheusStorage: "5Gi",
    alertmanagerReplicas: 1,
    alertmanagerStorage: "1Gi",
    grafanaReplicas: 1,
    // kind and minikube both ship a "standard" hostPath provisioner.
    storageClass: "standard",
    serviceMinReplicas: 1,
    policyEnforcement: "advisory",
    releaseApproval: "auto",
  },
  dev: {
    clusterEdition: "standard",
    deletionProtection: false,
    natBandwidthMbps: 50,
    registryMode: "existing",
    gatewayReplicas: 1,
    logRetentionDays: 3,
    elasticsearchNodes: 1,
    elasticsearchStorage: "20Gi",
    elasticsearchMemory: "2Gi",
    prometheusReplicas: 1,
    prometheusRetentionDays: 3,
    prometheusStorage: "20Gi",
    alertmanagerReplicas: 1,
    alertmanagerStorage: "20Gi",
    grafanaReplicas: 1,
    storageClass: PLATFORM_DISK_CLASS,
    serviceMinReplicas: 1,
    policyEnforcement: "advisory",
    releaseApproval: "auto",
  },
  staging: {
    clusterEdition: "pro",
    deletionProtection: false,
    natBandwidthMbps: 100,
    registryMode: "managed",
    gatewayReplicas: 2,
    logRetentionDays: 7,
    elasticsearchNodes: 3,
    elasticsearchStorage: "50Gi",
    elasticsearchMemory: "4Gi",
    prometheusReplicas: 1,
    prometheusRetentionDays: 7,
    prometheusStorage: "50Gi",
    alertmanagerReplicas: 1,
    alertmanagerStorage: "20Gi",
    grafanaReplicas: 1,
    storageClass: PLATFORM_DISK_CLASS,
    serviceMinReplicas: 2,
    policyEnforcement: "advisory",
    releaseApproval: "auto",
  },
  prod: {
    clusterEdition: "pro",
    deletionProtection: true,
    natBandwidthMbps: 200,
    registryMode: "managed",
    gatewayReplicas: 3,
    logRetentionDays: 30,
    elasticsearchNodes: 3,
    elasticsearchStorage: "200Gi",
    elasticsearchMemory: "8Gi",
    prometheusReplicas: 2,
    prometheusRetentionDays: 15,
    prometheusStorage: "100Gi",
    alertmanagerReplicas: 3,
    alertmanagerStorage: "20Gi",
    grafanaReplicas: 2,
    storageClass: PLATFORM_DISK_CLASS,
    serviceMinReplicas: 2,
    policyEnforcement: "mandatory",
    releaseApproval: "manual",
  },
};

/** The ACK Kubernetes version new clusters get unless the stack pins another. */
export const DEFAULT_KUBERNETES_VERSION = "1.35.2-aliyun.1";

/**
 * The security baseline of an ACK cluster per kind of cloud environment: prod has all of it, staging
 * keeps production's logs and RRSA but no KMS key of its own, dev (a standard cluster, which ACK
 * ships no control-plane logs or Secret encryption for) keeps only RRSA and a maintenance window.
 */
export interface ClusterBaseline {
  /** The API server's audit log. */
  readonly auditLog: boolean;
  /** Control-plane components whose logs are kept (ACK Pro only). */
  readonly controlPlaneLogs: readonly string[];
  readonly logRetentionDays: number;
  /** Envelope encryption of Secrets with a KMS key (ACK Pro only). */
  readonly secretEncryption: boolean;
  /** Pod-level RAM roles through ServiceAccount tokens; ACK never turns it off again. */
  readonly rrsa: boolean;
  readonly maintenanceWindow: boolean;
}

const CORE_CONTROL_PLANE_LOGS = ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"];

export const CLUSTER_BASELINE: Readonly<Record<Exclude<EnvironmentKind, "local">, ClusterBaseline>> = {
  dev: { auditLog: false, controlPlaneLogs: [], logRetentionDays: 7, secretEncryption: false, rrsa: true, maintenanceWindow: true },
  staging: {
    auditLog: true,
    controlPlaneLogs: CORE_CONTROL_PLANE_LOGS,
    logRetentionDays: 7,
    secretEncryption: false,
    rrsa: true,
    maintenanceWindow: true,
  },
  prod: {
    auditLog: true,
    controlPlaneLogs: CORE_CONTROL_PLANE_LOGS,
    logRetentionDays: 30,
    secretEncryption: true,
    rrsa: true,
    maintenanceWindow: true,
  },
};
