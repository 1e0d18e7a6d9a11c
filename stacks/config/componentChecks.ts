/**
 * The components' own rules, run on the args the layers will give them (componentArgs.ts): the
 * config states no limit a component states, and a problem is said in the component's words at
 * the config key it comes from. Each component is checked once its sections parsed; what only
 * exists once something is declared (vSwitch ids, secrets) is a stand-in here.
 */
import {
  clusterDefaults,
  clusterProblems,
  networkDefaults,
  networkProblems,
  registryDefaults,
  registryDomains,
  registryMirrorProblems,
  registryProblems,
  regionProblem,
  resolveRegistryMirror,
  zoneProblems,
} from "../../components/cloud";
import {
  gatewayProblems,
  loggingProblems,
  monitoringProblems,
  resolveGatewayArgs,
  resolveLoggingArgs,
  resolveMonitoringArgs,
  workloadNamespaceProblems,
} from "../../components/platform";
import type { Check, CheckContext } from "./checks";
import {
  type AckClusterConfig,
  CLUSTER_FIELDS,
  clusterArgs,
  configPathOf,
  type FieldMap,
  fieldSegments,
  GATEWAY_FIELDS,
  gatewayArgs,
  LOGGING_FIELDS,
  loggingArgs,
  minZonesOf,
  MONITORING_FIELDS,
  monitoringArgs,
  NETWORK_FIELDS,
  networkArgs,
  REGISTRY_FIELDS,
  registryArgs,
  registryPullNamespaces,
  registryRepositories,
} from "./componentArgs";
import type { EnvironmentConfig, PartialEnvironment } from "./schema";

/** Names the cloud resources would get; any valid ones do for the checks. */
const NAMES = { namePrefix: "stack", tags: {} };
/** A secret config key's value, which the checks never read. */
const secret = () => "secret";

function reportAll(ctx: CheckContext, problems: ReadonlyArray<{ field: string; message: string }>, map: FieldMap, section: PropertyKey[]) {
  for (const p of problems) ctx.report(configPathOf(p.field, map, section), p.message);
}

/** The environment with every section and service parsed, for the components that read several sections. */
function complete(env: PartialEnvironment): EnvironmentConfig | undefined {
  const keys = ["kind", "zones", "gateway", "logging", "monitoring", "workloads", "services", "registry"] as const;
  if (keys.some((k) => env[k] === undefined) || env.services!.some((s) => s === undefined)) return undefined;
  return env as EnvironmentConfig;
}

function checkCloudComponents(env: PartialEnvironment, ctx: CheckContext) {
  const cluster = env.cluster && "nodePools" in env.cluster ? (env.cluster as AckClusterConfig) : undefined;
  if (!cluster || !env.kind || env.kind === "local") return;
  // An existing VPC is judged by ExistingNetwork's own problems (checkCloudConfig), not planned as a Network.
  const existingVpc = env.network?.existing !== undefined;
  if (!existingVpc && env.region !== undefined && env.zones && env.network) {
    const args = networkArgs({ kind: env.kind, region: env.region, zones: env.zones, network: env.network, cluster }, NAMES);
    reportAll(ctx, networkProblems(networkDefaults("network", args)).problems, NETWORK_FIELDS, ["network"]);
  } else if (!existingVpc && env.region !== undefined && env.zones && !regionProblem(env.region)) {
    // The network section did not parse: its zones are still the Network's to judge.
    for (const p of zoneProblems(env.region, env.zones, minZonesOf(env.kind)))
      ctx.report(p.index === undefined ? ["zones"] : ["zones", p.index], p.message);
  }
  const full = complete(env);
  const zones = env.zones ?? [];
  const managed = env.registry?.mode === "managed" ? env.registry : undefined;
  if (env.gateway) {
    const args = clusterArgs(
      { gateway: env.gateway, cluster },
      {
        ...NAMES,
        // One vSwitch of each kind per zone, as the Network makes them.
        vswitchIds: zones.map((z) => `vsw-${z}`),
        podVswitchIds: zones.map((z) => `vsw-pod-${z}`),
        securityGroupId: "sg-check",
        ...(managed && env.region && full
          ? {
              registryAccess: {
                instanceId: "cri-check",
                region: env.region,
                domains: [registryDomains(managed.instanceName, env.region).vpc],
                namespaces: registryPullNamespaces(full, registryDomains(managed.instanceName, env.region).vpc),
                serviceAccounts: ["*"],
              },
            }
          : {}),
      },
    );
    // Its vSwitches follow from the zones, which the Network judges.
    const problems = clusterProblems(clusterDefaults("cluster", args)).filter(
      (p) => !/^(pod)?[vV]switchIds/.test(p.field) || zones.length > 0,
    );
    reportAll(ctx, problems, CLUSTER_FIELDS, ["cluster"]);
  }
  if (managed && env.region !== undefined && env.services) {
    const services = env.services.filter((s) => s !== undefined);
    const args = registryArgs(
      { region: env.region, services, registry: managed },
      { vpc: { vpcId: "vpc-check", vswitchId: "vsw-check" }, deletionProtection: cluster.deletionProtection, tags: {} },
    );
    // The repositories are the services' images, then the retained ones: each is said where it was written.
    const fromServices = registryRepositories(services, []).length;
    for (const p of registryProblems(registryDefaults(args))) {
      const [field, index, ...rest] = fieldSegments(p.field);
      if (field === "repositories" && typeof index === "number") {
        const repository = args.repositories![index]!;
        const at =
          index >= fromServices
            ? ["registry", "retainedRepositories", managed.retainedRepositories.indexOf(repository), ...rest]
            : [
                "services",
                services.findIndex((s) => (s.image ?? s.name) === repository),
                services.some((s) => s.image === repository) ? "image" : "name",
              ];
        ctx.report(at, p.message);
      } else ctx.report(configPathOf(p.field, REGISTRY_FIELDS, ["registry"]), p.message);
    }
    const mirror = resolveRegistryMirror({
      instanceId: "cri-check",
      host: "registry",
      pushHost: "registry",
      artifacts: [],
      pushed: [],
      waitMinutes: managed.waitMinutes,
    });
    for (const problem of registryMirrorProblems(mirror)) {
      const colon = problem.indexOf(": ");
      if (problem.slice(0, colon) === "waitMinutes") ctx.report(["registry", "waitMinutes"], problem.slice(colon + 2));
    }
  }
}

function checkPlatformComponents(env: PartialEnvironment, ctx: CheckContext) {
  if (env.workloads) {
    reportAll(
      ctx,
      workloadNamespaceProblems({ name: env.workloads.namespace, podSecurity: env.workloads.podSecurity }),
      { name: ["workloads", "namespace"] },
      ["workloads"],
    );
  }
  const full = complete(env);
  if (!full) return;
  const deps = { zones: full.zones, secret };
  // A stand-in for the gateway routes attach to: the components check only that there is one.
  const through = full.gateway.enabled
    ? {
        controller: full.gateway.controller,
        name: full.gateway.name,
        namespace: full.gateway.namespace,
        listener: "http",
        https: false,
        ready: [],
      }
    : undefined;
  // An ALB on a laptop is refused outright (platform.ts); its settings need no more words.
  const localAlb = full.kind === "local" && full.gateway.controller === "alb";
  if (full.gateway.enabled && !localAlb) {
    const args = gatewayArgs(full, deps);
    const problems = gatewayProblems(resolveGatewayArgs(args));
    reportAll(
      ctx,
      problems.filter((p) => !p.field.startsWith("tcpPorts")),
      GATEWAY_FIELDS,
      ["gateway"],
    );
    // A TCP listener's port is a service's: said at each port that asks for it. (TCP listeners without
    // the Envoy gateway are said by the services' check, in the config's terms.)
    for (const p of problems) {
      const index = /^tcpPorts\[(\d+)\]$/.exec(p.field)?.[1];
      if (index === undefined) continue;
      const port = args.tcpPorts![Number(index)];
      full.services.forEach((svc, i) =>
        (svc.ports ?? []).forEach((sp, j) => {
          if (sp.expose?.via !== "gateway" || (sp.servicePort ?? sp.port) !== port) return;
          ctx.report(["services", i, "ports", j, sp.servicePort !== undefined ? "servicePort" : "port"], p.message);
        }),
      );
    }
  }
  if (full.logging.enabled) {
    const problems = loggingProblems(resolveLoggingArgs(loggingArgs(full, { ...deps, ...(through ? { gateway: through } : {}) })));
    // A routed Kibana without the gateway is said by the platform check, in the config's terms.
    reportAll(
      ctx,
      problems.filter((p) => p.field !== "gateway"),
      LOGGING_FIELDS,
      ["logging"],
    );
  }
  if (full.monitoring.enabled) {
    const args = monitoringArgs(full, {
      ...deps,
      envoyGateway: full.gateway.enabled && full.gateway.controller === "envoy-gateway",
      ...(through ? { gateway: through } : {}),
    });
    const problems = monitoringProblems(resolveMonitoringArgs(args));
    reportAll(
      ctx,
      problems.filter((p) => p.field !== "gateway"),
      MONITORING_FIELDS,
      ["monitoring"],
    );
  }
}

/** Every component's own problems with what the config gives it. */
export const checkComponents: Check = (env, ctx) => {
  checkCloudComponents(env, ctx);
  checkPlatformComponents(env, ctx);
};
