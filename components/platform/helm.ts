/**
 * How every add-on installs a chart, so that all releases share the same safeguards.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type ChartRef, chartSource } from "./upstream";

/** Seconds Helm waits for a release's workloads; operators and data stores start slowly. */
export const RELEASE_TIMEOUT_SECONDS = 900;

export interface ReleaseInput {
  /** The Helm release name; a change replaces the release, so it is fixed per add-on. */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly chart: ChartRef;
  readonly values: Record<string, unknown>;
  /** Skip the chart's crds/ folder when the CRDs are installed on their own (and so upgraded). */
  readonly skipCrds?: boolean;
}

/** A Helm release with its name, version, namespace and a generous timeout set explicitly. */
export function helmRelease(name: string, input: ReleaseInput, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: input.releaseName,
      namespace: input.namespace,
      ...chartSource(input.chart),
      values: input.values,
      timeout: RELEASE_TIMEOUT_SECONDS,
      // A failed upgrade rolls back instead of leaving the add-on half-updated.
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
      ...(input.skipCrds ? { skipCrds: true } : {}),
    },
    opts,
  );
}

/**
 * CRDs rendered from a chart and applied object by object with server-side apply. Helm never
 * upgrades CRDs, and large CRDs (the Prometheus Operator's exceed the 256 KiB annotation that a
 * client-side apply writes) break `kubectl apply`; applying them as Pulumi objects upgrades them with
 * the pinned version and has no such limit.
 */
export function crdChart(
  name: string,
  input: { readonly chart: ChartRef; readonly values?: Record<string, unknown>; readonly namespace: pulumi.Input<string> },
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(name, { ...chartSource(input.chart), namespace: input.namespace, values: input.values ?? {} }, opts);
}
