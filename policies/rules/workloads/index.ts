/**
 * Rules on the pods a workload runs: resources, probes, images, security context, host access,
 * secrets, API versions, JVM heap and warm-up. Each judges one workload object as the Kubernetes
 * provider receives it, whichever program declared it; `workloadRule` and `containerRule`
 * (../../lib/workloadRule.ts) hold the skeleton they share.
 */
import type { ResourceRule } from "../../lib/policy";
import { noDeprecatedApi } from "./apis";
import { noHostNamespaces, noHostPath, noHostPort } from "./host";
import { imagePinned, imageRegistryAllowed } from "./images";
import { jvmHeapSized } from "./jvm";
import { containerProbes, jvmStartupProbe, probesDiffer, warmupDeclared } from "./probes";
import { containerMemoryLimit, containerRequests, memoryRequestEqualsLimit } from "./resources";
import { noLiteralSecretsInEnv } from "./secrets";
import { capabilitiesDropped, noPrivileged, noPrivilegeEscalation, readOnlyRootFilesystem, runAsNonRoot } from "./security";

export * from "./apis";
export * from "./host";
export * from "./images";
export * from "./jvm";
export * from "./probes";
export * from "./resources";
export * from "./secrets";
export * from "./security";

export const WORKLOAD_RULES: readonly ResourceRule[] = [
  containerRequests,
  containerMemoryLimit,
  memoryRequestEqualsLimit,
  containerProbes,
  probesDiffer,
  imagePinned,
  imageRegistryAllowed,
  runAsNonRoot,
  noPrivileged,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  capabilitiesDropped,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noLiteralSecretsInEnv,
  noDeprecatedApi,
  jvmHeapSized,
  warmupDeclared,
  jvmStartupProbe,
];
