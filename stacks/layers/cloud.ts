/**
 * The cloud layer of an environment: on a local machine, the current kubeconfig context; on Alibaba
 * Cloud, the network, the ACK cluster and the registry.
 */
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import type { EnvironmentConfig } from "../config";
import type { CloudLayer } from "./types";

export function deployCloud(env: EnvironmentConfig): CloudLayer {
  if (env.kind === "local") return localCloud(env);
  // The Alibaba Cloud provider is explicit so that the region comes from this stack's config alone;
  // credentials come from the environment (ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY or a profile).
  new alicloud.Provider("alicloud", { region: env.region! });
  return { images: { server: "", namespace: "", builtImages: {} }, zones: env.zones, outputs: { region: env.region } };
}

function localCloud(env: EnvironmentConfig): CloudLayer {
  const cluster = "context" in env.cluster || "kubeconfig" in env.cluster ? env.cluster : {};
  const kubernetes = new k8s.Provider("local", {
    ...(cluster.context ? { context: cluster.context } : {}),
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
  });
  return {
    kubernetes,
    images: { server: "", namespace: env.registry.namespace, builtImages: {} },
    zones: [],
    outputs: { kubeContext: cluster.context ?? "(current context)" },
  };
}
