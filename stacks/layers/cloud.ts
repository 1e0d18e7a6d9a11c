/**
 * The cloud layer of an environment. On Alibaba Cloud: the network, the ACK cluster with its node
 * pools, the registry, and the images of the services built from source. On a local machine: an
 * existing kubeconfig context (kind, minikube, Docker Desktop) and images built into the local
 * Docker daemon.
 */
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cloud/cluster";
import { ExistingNetwork } from "../../components/cloud/existingNetwork";
import { Network } from "../../components/cloud/network";
import { AccountPrerequisites } from "../../components/cloud/prerequisites";
import { Registry } from "../../components/cloud/registry";
import { RegistryMirror } from "../../components/cloud/registryMirror";
import { registryDomains } from "../../components/cloud/registryPlan";
import { ServiceImage } from "../../components/cloud/serviceImage";
import type { EnvironmentConfig, RegistryConfig, ServiceConfig } from "../config";
import { clusterArgs, minZonesOf, networkArgs, registryArgs, registryPullNamespaces } from "../config/componentArgs";
import { mirrorArtifacts, pushedArtifacts, registrySupply } from "./supply";
import type { CloudLayer, ImageSource } from "./types";

/** Name of the image pull Secret workload namespaces get when the registry needs credentials. */
export const PULL_SECRET_NAME = "registry-credentials";

/** A .dockerconfigjson for one registry, as a secret. */
export function dockerConfigJson(server: string, username: string, password: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .output(password)
      .apply((p) =>
        JSON.stringify({ auths: { [server]: { username, password: p, auth: Buffer.from(`${username}:${p}`).toString("base64") } } }),
      ),
  );
}

/** Where built images go, and with which credentials. */
interface ImageTarget {
  /** Repository to push (or tag) a service's image as. */
  repository(repo: string): pulumi.Input<string>;
  /** The same repository as the nodes reach it. */
  pullRepository(repo: string): pulumi.Input<string>;
  readonly push: boolean;
  readonly credentials?: pulumi.Input<{ username: string; password: string }>;
}

/** Builds (and pushes) the images of the services that have a `build` section. */
function buildImages(services: readonly ServiceConfig[], target: ImageTarget): Record<string, pulumi.Output<string>> {
  const built: Record<string, pulumi.Output<string>> = {};
  for (const svc of services) {
    if (!svc.build) continue;
    const repo = svc.image ?? svc.name;
    const image = new ServiceImage(`image-${svc.name}`, {
      context: svc.build.context,
      dockerfile: svc.build.dockerfile,
      repository: target.repository(repo),
      pullRepository: target.pullRepository(repo),
      tag: svc.version,
      push: target.push,
      ...(target.credentials ? { credentials: target.credentials } : {}),
    });
    built[svc.name] = image.imageRef;
  }
  return built;
}

/** The target of an existing registry: the endpoint both pushes and pulls use, and its credentials if any. */
function existingRegistryTarget(registry: Extract<RegistryConfig, { mode: "existing" }>): {
  target: ImageTarget;
  pullSecret?: ImageSource["pullSecret"];
} {
  const repository = (repo: string) => `${registry.endpoint}/${registry.namespace}/${repo}`;
  if (!registry.username || !registry.passwordSecret) return { target: { repository, pullRepository: repository, push: true } };
  const password = new pulumi.Config().requireSecret(registry.passwordSecret);
  return {
    target: {
      repository,
      pullRepository: repository,
      push: true,
      credentials: pulumi.secret(password.apply((p) => ({ username: registry.username!, password: p }))),
    },
    pullSecret: { name: PULL_SECRET_NAME, dockerConfigJson: dockerConfigJson(registry.endpoint, registry.username, password) },
  };
}

export function deployCloud(env: EnvironmentConfig): CloudLayer {
  return env.kind === "local" ? localCloud(env) : alibabaCloud(env);
}

function alibabaCloud(env: EnvironmentConfig): CloudLayer {
  const cluster = "nodePools" in env.cluster ? env.cluster : undefined;
  if (!cluster || !env.network || !env.region)
    throw new Error(`a ${env.kind} environment needs region, network and an ACK cluster section`);
  const region = env.region;
  const zones = env.zones;
  const terway = cluster.cni === "terway";
  const protect = cluster.deletionProtection;
  // Cloud names carry project and stack, so that two stacks of one account never collide.
  const namePrefix = `${pulumi.getProject()}-${pulumi.getStack()}`;
  const tags = { "ack-platform-stack": namePrefix, "ack-platform-kind": env.kind };

  const managed = env.registry.mode === "managed" ? env.registry : undefined;

  // What the account must have comes first, through a provider of its own: the provider of every
  // other resource waits for it, so nothing is created in an account that is not ready.
  const prerequisites = new AccountPrerequisites(
    "account",
    {
      features: {
        edition: cluster.edition,
        cni: cluster.cni,
        autoscaling: cluster.nodePools.some((p) => p.max > p.min),
        credentialHelper: managed !== undefined,
        secretEncryption: cluster.secretEncryption.enabled,
        auditLog: cluster.logs.audit,
        controlPlaneLogs: cluster.logs.controlPlane.length > 0,
        privateZone: managed !== undefined,
      },
      serviceRoles: env.account!.serviceRoles,
      activateServices: env.account!.activateServices,
    },
    { providers: { alicloud: new alicloud.Provider("alicloud-account", { region }) } },
  );

  // The Alibaba Cloud provider is explicit so that the region comes from this stack's config alone;
  // credentials come from the environment (ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY or a profile).
  const provider = new alicloud.Provider("alicloud", { region }, { dependsOn: prerequisites.ready });
  const opts: pulumi.ComponentResourceOptions = { providers: { alicloud: provider } };

  // A VPC that exists (where the VMs a migration leaves run) is used as it is; else the
  // environment gets its own, under the same resource names as always.
  const existing = env.network.existing;
  const network = existing
    ? new ExistingNetwork(
        "network",
        {
          region,
          zones,
          vpcId: existing.vpcId,
          vpcCidr: env.network.vpcCidr,
          vswitchIds: existing.vswitches,
          ...(terway && existing.podVswitches ? { podVswitchIds: existing.podVswitches } : {}),
          ...(existing.routeTables ? { routeTableIds: existing.routeTables } : {}),
          legacyNetworks: env.network.legacyNetworks,
          serviceCidr: cluster.serviceCidr,
          ...(!terway && cluster.podCidr ? { podCidr: cluster.podCidr } : {}),
          minZones: minZonesOf(env.kind),
          namePrefix,
          tags,
        },
        opts,
      )
    : new Network("network", networkArgs({ ...env, cluster }, { namePrefix, tags }), opts);

  const registry = managed
    ? new Registry(
        "registry",
        registryArgs(
          { ...env, registry: managed },
          { vpc: { vpcId: network.vpcId, vswitchId: network.zoneVswitchIds[zones[0]!]! }, deletionProtection: protect, tags },
        ),
        opts,
      )
    : undefined;

  const ack = new Cluster(
    "cluster",
    clusterArgs(
      { ...env, cluster },
      {
        namePrefix,
        tags,
        vswitchIds: zones.map((z) => network.zoneVswitchIds[z]!),
        podVswitchIds: terway ? zones.map((z) => network.zonePodVswitchIds[z]!) : [],
        securityGroupId: network.securityGroupId,
        internetAccess: network.internetAccess,
        ...(registry && managed
          ? {
              registryAccess: {
                instanceId: registry.instanceId,
                region,
                domains: [registry.endpoint],
                namespaces: registryPullNamespaces(env, registryDomains(managed.instanceName, region).vpc),
                serviceAccounts: ["*"],
              },
            }
          : {}),
      },
    ),
    opts,
  );

  // The registry is filled before anything pulls from it: the add-ons' public images and charts by
  // subscription rules (or a person's one-time copy), the services' images by their pipelines; the
  // mirror waits until every tag is there, and what pulls depends on that wait.
  const domains = managed ? registryDomains(managed.instanceName, region) : undefined;
  const mirror =
    registry && managed && domains
      ? new RegistryMirror(
          "registry-mirror",
          {
            instanceId: registry.instanceId,
            host: domains.vpc,
            pushHost: managed.allowedCidrs.length > 0 ? domains.internet : domains.vpc,
            artifacts: mirrorArtifacts(env, domains.vpc),
            pushed: pushedArtifacts(env, managed.namespace).map((p) => ({
              ...p,
              repositoryReady: registry.pullRepositories[p.repository]!,
            })),
            waitMinutes: managed.waitMinutes,
            protect,
          },
          opts,
        )
      : undefined;

  let images: ImageSource;
  if (registry && managed && mirror) {
    const builtImages = buildImages(env.services, {
      repository: (repo) => registry.pushRepositories[repo]!,
      pullRepository: (repo) => registry.pullRepositories[repo]!,
      push: true,
      credentials: registry.pushCredentials,
    });
    // Nodes pull through ACK's credential helper, so workloads need no pull secret. The server is
    // known only once the services' pushed images are in the registry, so every workload that names
    // one waits for them (and depends on their repositories).
    const server = pulumi.all([mirror.pushedReady, registry.endpoint]).apply(([, host]) => host);
    images = { server, namespace: managed.namespace, builtImages };
  } else if (env.registry.mode === "existing") {
    const { target, pullSecret } = existingRegistryTarget(env.registry);
    images = {
      server: env.registry.endpoint,
      namespace: env.registry.namespace,
      builtImages: buildImages(env.services, target),
      ...(pullSecret ? { pullSecret } : {}),
    };
  } else {
    throw new Error(`registry mode '${env.registry.mode}' is not available in a ${env.kind} environment`);
  }

  return {
    kubernetes: ack.provider,
    images,
    ...(mirror ? { mirrorReady: mirror.ready } : {}),
    zones,
    alicloud: {
      region,
      clusterId: ack.clusterId,
      installedAddons: ack.installedAddons,
      vpcId: network.vpcId,
      vswitchIds: network.vswitchIds,
      securityGroupId: network.securityGroupId,
    },
    outputs: {
      region,
      vpcId: network.vpcId,
      vswitchIds: network.vswitchIds,
      podVswitchIds: network.podVswitchIds,
      natGatewayIds: network.natGatewayIds,
      egressIps: network.egressIps,
      securityGroupId: network.securityGroupId,
      clusterId: ack.clusterId,
      clusterName: ack.clusterName,
      apiServerEndpoint: ack.apiServerEndpoint,
      kubeconfig: ack.kubeconfig,
      registryEndpoint: images.server,
      registryNamespace: images.namespace,
      ...(registry ? { registryInstanceId: registry.instanceId } : {}),
      builtImages: images.builtImages,
      registrySupply: registrySupply(env),
    },
  };
}

function localCloud(env: EnvironmentConfig): CloudLayer {
  const cluster = "context" in env.cluster || "kubeconfig" in env.cluster ? env.cluster : {};
  // Without a context the provider uses the kubeconfig's current one, as kubectl does.
  const kubernetes = new k8s.Provider("local", {
    ...(cluster.context ? { context: cluster.context } : {}),
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
  });
  let images: ImageSource;
  if (env.registry.mode === "local") {
    // Built into the local daemon, never pushed: Docker Desktop and minikube (`eval $(minikube
    // docker-env)`) run them as they are; kind needs `kind load docker-image <image>`.
    const local = (repo: string) => `${env.registry.namespace}/${repo}`;
    images = {
      server: "",
      namespace: env.registry.namespace,
      builtImages: buildImages(env.services, { repository: local, pullRepository: local, push: false }),
    };
  } else if (env.registry.mode === "existing") {
    // A registry next to the cluster, such as kind's local registry on localhost:5001.
    const { target, pullSecret } = existingRegistryTarget(env.registry);
    images = {
      server: env.registry.endpoint,
      namespace: env.registry.namespace,
      builtImages: buildImages(env.services, target),
      ...(pullSecret ? { pullSecret } : {}),
    };
  } else {
    throw new Error(`registry mode '${env.registry.mode}' is not available in a local environment`);
  }
  return {
    kubernetes,
    images,
    zones: [],
    outputs: {
      kubeContext: cluster.context ?? "(current context)",
      registryEndpoint: images.server,
      registryNamespace: images.namespace,
      builtImages: images.builtImages,
    },
  };
}
