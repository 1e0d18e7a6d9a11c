/**
 * A workload's environment variables: plain ones in a ConfigMap, secret ones in a Secret, both
 * named `<name>-env` and delivered with envFrom. Pure: plain objects.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** A short hash of the plain variables: put on the pod template, so a change rolls the pods. */
export function hashOf(values: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}

export interface EnvironmentObjects {
  readonly configMapName?: string;
  readonly secretName?: string;
  /** The config-hash annotation's value, when there are plain variables. */
  readonly configHash?: string;
  readonly objects: Array<{ role: "config" | "secret"; object: Record<string, any> }>;
}

/** The ConfigMap and Secret of a workload's variables, each only when it has some. */
export function environmentObjects(
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
  secretEnv: Readonly<Record<string, pulumi.Input<string>>>,
): EnvironmentObjects {
  const objects: EnvironmentObjects["objects"] = [];
  const configMapName = Object.keys(env).length ? `${name}-env` : undefined;
  const secretName = Object.keys(secretEnv).length ? `${name}-env` : undefined;
  if (configMapName) {
    objects.push({
      role: "config",
      object: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configMapName, namespace, labels: { ...labels } },
        data: { ...env },
      },
    });
  }
  if (secretName) {
    objects.push({
      role: "secret",
      object: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace, labels: { ...labels } },
        type: "Opaque",
        stringData: { ...secretEnv },
      },
    });
  }
  return {
    ...(configMapName ? { configMapName, configHash: hashOf(env) } : {}),
    ...(secretName ? { secretName } : {}),
    objects,
  };
}
