/**
 * The workload layer of an environment: the namespace services run in, and (with the microservice
 * components) the services themselves.
 */
import type { EnvironmentConfig } from "../config";
import { WorkloadNamespace } from "../../components/platform/workloadNamespace";
import type { CloudLayer, PlatformLayer } from "./types";

export function deployWorkloads(env: EnvironmentConfig, cloud: CloudLayer, _platform: PlatformLayer) {
  if (!cloud.kubernetes) return { outputs: {} };
  const namespace = new WorkloadNamespace(
    "workloads",
    { name: env.workloads.namespace, podSecurity: env.workloads.podSecurity },
    { provider: cloud.kubernetes },
  );
  return { outputs: { workloadNamespace: namespace.name } };
}
