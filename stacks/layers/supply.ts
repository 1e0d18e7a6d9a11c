/**
 * What an environment pulls from its own registry, and how each artifact gets there: the add-ons'
 * images and charts (when the environment mirrors them there), the night scaler's kubectl, and the
 * services' images. Plain values, from the validated config; the cloud layer declares what fills
 * the registry from them and waits for it.
 */
import { type MirrorArtifact, type PushedArtifact, subscriptionSource } from "../../components/cloud/registryMirrorPlan";
import { imageTag, mirrorPath, repositoryOf } from "../../components/platform/images";
import { addonArtifacts, CHART_NAMESPACE, type ChartRef, mirrorSourceOf } from "../../components/platform/upstream";
import { DEFAULT_KUBECTL_IMAGE } from "../../components/workload/plan";
import type { EnvironmentConfig } from "../config";
import { inRegistry } from "../config/componentArgs";

export { inRegistry };

/** Every public image the environment runs: the add-ons', and kubectl when a service scales at night. */
export function environmentImages(env: EnvironmentConfig): string[] {
  const { images } = addonSelection(env);
  const nightScaling = env.services.some((s) => s.autoscaling.night !== undefined);
  return [...images, ...(nightScaling ? [DEFAULT_KUBECTL_IMAGE] : [])];
}

/** The charts the environment installs. */
export function environmentCharts(env: EnvironmentConfig): readonly ChartRef[] {
  return addonSelection(env).charts;
}

function addonSelection(env: EnvironmentConfig) {
  const gateway = env.gateway.enabled && env.gateway.controller === "envoy-gateway";
  return addonArtifacts({
    ...(gateway ? { gateway: { certManager: env.gateway.tls.mode === "cert-manager" } } : {}),
    ...(env.logging.enabled ? { logging: { elasticsearchVersion: env.logging.elasticsearch.version } } : {}),
    monitoring: env.monitoring.enabled,
  });
}

/** An image held in the mirror: subscribed where it (or the same image elsewhere) can be, else copied once. */
export function imageArtifact(image: string): MirrorArtifact {
  const place = mirrorPath(repositoryOf(image));
  const source = repositoryOf(mirrorSourceOf(image));
  const subscription = subscriptionSource(source);
  return {
    kind: "image",
    ...place,
    tags: [imageTag(image)],
    upstream: repositoryOf(image),
    fill: subscription
      ? {
          by: "subscription",
          provider: subscription.provider,
          sourceNamespace: subscription.namespace,
          sourceRepository: subscription.repository,
        }
      : { by: "copy", from: source },
  };
}

/** A chart held in the mirror as an OCI artifact: subscribed when it is published as one where ACR subscribes, else copied once. */
export function chartArtifact(chart: ChartRef): MirrorArtifact {
  const oci = chart.repository.startsWith("oci://") ? `${chart.repository.slice("oci://".length)}/${chart.name}` : undefined;
  const subscription = oci ? subscriptionSource(oci) : undefined;
  return {
    kind: "chart",
    namespace: CHART_NAMESPACE,
    repository: chart.name,
    // Helm tags a chart with its version, '+' (not allowed in a tag) written as '_'.
    tags: [chart.version.replace(/\+/g, "_")],
    upstream: oci ? `oci://${oci}` : `${chart.repository} ${chart.name}`,
    fill: subscription
      ? {
          by: "subscription",
          provider: subscription.provider,
          sourceNamespace: subscription.namespace,
          sourceRepository: subscription.repository,
        }
      : { by: "copy", from: chart.repository },
  };
}

/** What the environment's own registry must hold of the public artifacts, given where it mirrors them. */
export function mirrorArtifacts(env: EnvironmentConfig, ownHost: string): MirrorArtifact[] {
  return [
    ...(env.imageMirror === ownHost ? environmentImages(env).map(imageArtifact) : []),
    ...(env.chartMirror === ownHost ? environmentCharts(env).map(chartArtifact) : []),
  ];
}

/**
 * The services' images people push into the registry: every version a service runs (stable and
 * canary) of those in the registry and not built by the stack itself (a built image is pushed
 * before anything depends on it).
 */
export function pushedArtifacts(env: EnvironmentConfig, namespace: string): PushedArtifact[] {
  const byRepository = new Map<string, Set<string>>();
  for (const svc of [...env.services, ...env.jobs]) {
    if (!inRegistry(svc) || ("build" in svc && svc.build)) continue;
    const repository = svc.image ?? svc.name;
    const tags = byRepository.get(repository) ?? new Set<string>();
    tags.add(svc.version);
    if ("canary" in svc && svc.canary) tags.add(svc.canary.version);
    byRepository.set(repository, tags);
  }
  return [...byRepository].map(([repository, tags]) => ({ namespace, repository, tags: [...tags] }));
}

/**
 * What the environment pulls from its mirrors, each with where it comes from and how it gets there:
 * the `registrySupply` stack output. For a registry the stack does not own (dev's existing one) it
 * is the list to fill that registry with; for its own, what the RegistryMirror declares.
 */
export function registrySupply(env: EnvironmentConfig): Array<{ readonly pull: string; readonly from: string; readonly fill: string }> {
  const entries = (mirror: string | undefined, artifacts: MirrorArtifact[]) =>
    mirror === undefined
      ? []
      : artifacts.map((a) => ({
          pull: `${a.kind === "chart" ? "oci://" : ""}${mirror}/${a.namespace}/${a.repository}:${a.tags.join(",")}`,
          from: a.upstream,
          fill:
            a.fill.by === "subscription"
              ? `artifact subscription from ${a.fill.provider} ${a.fill.sourceNamespace}/${a.fill.sourceRepository}`
              : `copied once from ${a.fill.from}`,
        }));
  return [
    ...entries(env.imageMirror, environmentImages(env).map(imageArtifact)),
    ...entries(env.chartMirror, environmentCharts(env).map(chartArtifact)),
  ];
}
