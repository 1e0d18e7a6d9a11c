/**
 * How every add-on installs a chart, so that all releases share the same safeguards, and where the
 * charts come from: their upstream repositories, or a chart mirror (a registry holding them as OCI
 * artifacts) that is filled before anything is fetched from it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_HOST } from "./images";
import { type Problem, problemList } from "./validation";
import { CHART_NAMESPACE, type ChartRef } from "./upstream";

/** Seconds Helm waits for a release's workloads; operators and data stores start slowly. */
export const RELEASE_TIMEOUT_SECONDS = 900;

/**
 * Where a component's charts and images come from, and what has to exist before it pulls any.
 * Each platform component takes these three, so a program can point it at its own registry.
 */
export interface PullSource {
  /**
   * Registry host holding the add-ons' public images at `<imageMirror>/<namespace>/<repository>`
   * (see images.ts for the rule). Unset, images come from their public registries.
   */
  readonly imageMirror?: string;
  /**
   * Registry host holding the charts as OCI artifacts at `oci://<chartMirror>/charts/<chart>`, at
   * their pinned versions. Unset, charts come from their upstream repositories.
   */
  readonly chartMirror?: string;
  /**
   * What fills the mirrors (a RegistryMirror's `ready`): a resource that resolves only once the
   * mirrors hold every chart and image pulled, and depends on everything that fills them. Every
   * release and chart depends on it, and its chart reference is unknown until then, so no preview
   * or update fetches from an empty mirror.
   */
  readonly mirrorReady?: pulumi.Input<pulumi.Resource>;
}

/** Problems of the mirrors: each must be a registry host. */
export function pullSourceProblems(source: PullSource): Problem[] {
  const { problems, fail } = problemList();
  for (const field of ["imageMirror", "chartMirror"] as const) {
    const value = source[field];
    if (value !== undefined && !REGISTRY_HOST.test(value)) {
      fail(
        field,
        value,
        "a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (the mirror holds <namespace>/<repository> paths under it)",
      );
    }
  }
  return problems;
}

/** The `chart`/`version`/`repositoryOpts` a Helm release or chart takes: from the mirror when there is one. */
export function chartSource(ref: ChartRef, chartMirror?: string): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  if (chartMirror) return { chart: `oci://${chartMirror}/${CHART_NAMESPACE}/${ref.name}`, version: ref.version };
  if (ref.repository.startsWith("oci://")) return { chart: `${ref.repository}/${ref.name}`, version: ref.version };
  return { chart: ref.name, version: ref.version, repositoryOpts: { repo: ref.repository } };
}

/** The chart reference as an input: known only once everything in `ready` is. */
function gatedChart(chart: string, ready: readonly pulumi.Input<pulumi.Resource>[]): pulumi.Input<string> {
  return ready.length === 0 ? chart : pulumi.all([...ready]).apply(() => chart);
}

/** The options with `ready` added to what the resource depends on. */
export function afterReady<T extends pulumi.ResourceOptions>(opts: T, ready: readonly pulumi.Input<pulumi.Resource>[] = []): T {
  if (ready.length === 0) return opts;
  const existing = opts.dependsOn;
  const list: pulumi.Input<pulumi.Resource>[] =
    existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing as pulumi.Input<pulumi.Resource>];
  return { ...opts, dependsOn: [...list, ...ready] };
}

export interface ReleaseInput {
  /** The Helm release name; a change replaces the release, so it is fixed per add-on. */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly chart: ChartRef;
  readonly values: Record<string, unknown>;
  /** Skip the chart's crds/ folder when the CRDs are installed on their own (and so upgraded). */
  readonly skipCrds?: boolean;
  /** The chart mirror and what fills it; the upstream repository when absent. */
  readonly source?: Pick<PullSource, "chartMirror" | "mirrorReady">;
}

/** A Helm release with its name, version, namespace and a generous timeout set explicitly. */
export function helmRelease(name: string, input: ReleaseInput, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  const ready = input.source?.mirrorReady ? [input.source.mirrorReady] : [];
  const source = chartSource(input.chart, input.source?.chartMirror);
  return new k8s.helm.v3.Release(
    name,
    {
      name: input.releaseName,
      namespace: input.namespace,
      ...source,
      chart: gatedChart(source.chart, ready),
      values: input.values,
      timeout: RELEASE_TIMEOUT_SECONDS,
      // A failed upgrade rolls back instead of leaving the add-on half-updated.
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
      ...(input.skipCrds ? { skipCrds: true } : {}),
    },
    afterReady(opts, ready),
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
  input: {
    readonly chart: ChartRef;
    readonly values?: Record<string, unknown>;
    readonly namespace: pulumi.Input<string>;
    readonly source?: Pick<PullSource, "chartMirror" | "mirrorReady">;
  },
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  const ready = input.source?.mirrorReady ? [input.source.mirrorReady] : [];
  const source = chartSource(input.chart, input.source?.chartMirror);
  return new k8s.helm.v4.Chart(
    name,
    { ...source, chart: gatedChart(source.chart, ready), namespace: input.namespace, values: input.values ?? {} },
    afterReady(opts, ready),
  );
}
