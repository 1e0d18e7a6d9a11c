/**
 * One environment, composed from the layers: cloud, then platform add-ons, then workloads. Each
 * layer takes the validated config and what the layers below it provide; nothing reads config here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EnvironmentConfig } from "./config";
import { deployCloud } from "./layers/cloud";
import { deployPlatform } from "./layers/platform";
import { deployWorkloads } from "./layers/workloads";

/** Declares the environment and returns its stack outputs. */
export function deployEnvironment(env: EnvironmentConfig): Record<string, pulumi.Input<unknown>> {
  const cloud = deployCloud(env);
  const platform = deployPlatform(env, cloud);
  const workloads = deployWorkloads(env, cloud, platform);
  return { environmentKind: env.kind, ...cloud.outputs, ...platform.outputs, ...workloads.outputs };
}
