/**
 * The workload layer of an environment: the namespaces services run in, the shared volumes they
 * mount, every service of the config as a Microservice (web service, worker or stateful service)
 * with its tracks, routes and monitoring, and every job as a BatchJob.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mirroredImage } from "../../components/platform/images";
import { WorkloadNamespace } from "../../components/platform/workloadNamespace";
import { BatchJob } from "../../components/workload/job";
import { Microservice } from "../../components/workload/microservice";
import { DEFAULT_KUBECTL_IMAGE } from "../../components/workload/nightScaling";
import { imageReference } from "../../components/workload/images";
import { SharedVolume } from "../../components/workload/sharedVolume";
import type { EnvironmentConfig, ServiceConfig } from "../config";
import { type ArgSources, claimOf, jobArgs, serviceArgs } from "../config/serviceArgs";
import type { JobConfig } from "../config/workloads";
import type { CloudLayer, ImageSource, PlatformLayer } from "./types";

export { ANY_ADDRESS, headerRoute, routeAttachment, serviceNetwork } from "../config/serviceArgs";

/** The repository of a service's (or job's) image: a full reference as given, or one in the environment's registry. */
export function serviceRepository(svc: ServiceConfig | JobConfig, images: ImageSource): pulumi.Input<string> {
  const image = svc.image ?? svc.name;
  if (image.includes("/") && !("build" in svc && svc.build)) return image;
  const server = images.server;
  return pulumi.output(server).apply((host) => [host, images.namespace, image].filter((part) => part !== "").join("/"));
}

/** What the services' and jobs' args need from the layers below. */
export function argSources(
  env: EnvironmentConfig,
  cloud: CloudLayer,
  platform: PlatformLayer,
  secret: (key: string) => pulumi.Output<string>,
): ArgSources {
  return {
    image: (w, version) => pulumi.output(serviceRepository(w, cloud.images)).apply((repo) => imageReference(repo, version)),
    builtImage: (svc) => cloud.images.builtImages[svc.name],
    secret,
    platform,
    zones: cloud.zones,
    imagePullSecrets: cloud.images.pullSecret ? [cloud.images.pullSecret.name] : [],
    // From the mirror by the same rule as every mirrored image: registry.k8s.io/kubectl -> <mirror>/k8s/kubectl.
    kubectlImage: mirroredImage(DEFAULT_KUBECTL_IMAGE, env.imageMirror),
    stack: pulumi.getStack(),
  };
}

/** Maps one service of the config to the Microservice's args. */
export function microserviceArgs(
  svc: ServiceConfig,
  env: EnvironmentConfig,
  cloud: CloudLayer,
  platform: PlatformLayer,
  secret: (key: string) => pulumi.Output<string>,
) {
  return serviceArgs(svc, env, argSources(env, cloud, platform, secret));
}

/**
 * Lets the runtime register what has been declared so far before the next service is declared. A
 * resource's registration is asynchronous: declared in one synchronous loop, a stack of 500 services
 * held every resource's pending registration in memory at once (480 MB live, 1.3 GB at its peak, in
 * the offline plan); one service at a time, its registrations finish while the next is declared
 * (under 120 MB live, 0.6 GB at the peak, and a fifth less time). What is declared does not change.
 */
function registered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function deployWorkloads(env: EnvironmentConfig, cloud: CloudLayer, platform: PlatformLayer) {
  const provider = cloud.kubernetes;
  if (!provider) return { outputs: {} };
  const config = new pulumi.Config();
  const sources = argSources(env, cloud, platform, (key) => config.requireSecret(key));
  const namespaceOf = (w: { namespace?: string | undefined }) => w.namespace ?? env.workloads.namespace;

  // Every namespace a service or job runs in gets the same guard rails (and the registry's pull secret).
  const namespaceNames = [...new Set([env.workloads.namespace, ...env.services.map(namespaceOf), ...env.jobs.map(namespaceOf)])];
  const namespaces = new Map<string, WorkloadNamespace>();
  for (const ns of namespaceNames) {
    const resourceName = ns === env.workloads.namespace ? "workloads" : `workloads-${ns}`;
    const namespace = new WorkloadNamespace(resourceName, { name: ns, podSecurity: env.workloads.podSecurity }, { provider });
    namespaces.set(ns, namespace);
    const pull = cloud.images.pullSecret;
    if (pull) {
      new k8s.core.v1.Secret(
        `${resourceName}-registry-credentials`,
        {
          metadata: { name: pull.name, namespace: namespace.name },
          type: "kubernetes.io/dockerconfigjson",
          stringData: { ".dockerconfigjson": pull.dockerConfigJson },
        },
        { provider, parent: namespace },
      );
    }
  }
  // The Namespace object itself, not its component: depending on a component means expanding it to its children for every object.
  // And what fills the mirror the night scaler's kubectl comes from, once it has.
  const childDependsOn = (ns: string) => [namespaces.get(ns)!.namespace, ...(cloud.mirrorReady ? [cloud.mirrorReady] : [])];

  // A shared volume has a claim in every namespace whose workloads mount it.
  const claims = new Map<string, SharedVolume>();
  for (const volume of env.workloads.volumes) {
    const users = [...env.services, ...env.jobs].filter((w) => w.mounts.some((m) => m.volume === volume.name));
    for (const ns of [...new Set(users.map(namespaceOf))]) {
      const resourceName = ns === env.workloads.namespace ? `volume-${volume.name}` : `volume-${volume.name}-${ns}`;
      claims.set(
        `${ns}/${volume.name}`,
        new SharedVolume(
          resourceName,
          {
            namespace: ns,
            claimName: claimOf(volume.name),
            server: volume.server,
            path: volume.path,
            nfsVersion: volume.nfsVersion as "3" | "4.0",
            size: volume.size,
            readOnly: volume.readOnly,
            // Production data survives a mistaken destroy or rename.
            protect: env.kind === "prod",
          },
          { provider, childDependsOn: [namespaces.get(ns)!.namespace] },
        ),
      );
    }
  }
  const volumesOf = (w: ServiceConfig | JobConfig) => w.mounts.map((m) => claims.get(`${namespaceOf(w)}/${m.volume}`)!);

  const jobs: Record<string, pulumi.Output<unknown>> = {};
  for (const job of env.jobs) {
    const declared = new BatchJob(job.name, jobArgs(job, env, sources), {
      provider,
      childDependsOn: [...childDependsOn(namespaceOf(job)), ...volumesOf(job)],
      crdDependencies: platform.ready,
    });
    jobs[job.name] = pulumi.output({ kind: declared.kind, version: job.version, ...(job.schedule ? { schedule: job.schedule } : {}) });
    await registered();
  }

  const services: Record<string, pulumi.Output<unknown>> = {};
  for (const svc of env.services) {
    const args = serviceArgs(svc, env, sources);
    const service = new Microservice(svc.name, args, {
      provider,
      childDependsOn: [
        ...childDependsOn(args.namespace),
        ...volumesOf(svc),
        // A disk waits for its class, which the platform declares.
        ...(svc.disks.length && platform.storage ? [platform.storage] : []),
      ],
      crdDependencies: platform.ready,
    });
    services[svc.name] = pulumi.output({ url: service.url, traffic: service.traffic, version: svc.version, canary: svc.canary?.version });
    await registered();
  }
  return {
    outputs: {
      workloadNamespace: env.workloads.namespace,
      services,
      ...(env.jobs.length ? { jobs } : {}),
    },
  };
}
