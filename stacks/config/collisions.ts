/**
 * Two keys that claim the same thing: a service named like the objects another service's canary or
 * legacy track is made of, a service in a namespace the platform's add-ons own, a host routed to a
 * service and to an admin UI. Each is a config error naming both keys; left alone, the first is
 * a duplicate resource (a program failure with a URN), the others a broken cluster.
 */
import { planMicroservice, type MicroserviceArgs } from "../../components/workload";
import type { Check } from "./checks";
import { show } from "./common";
import type { PartialEnvironment } from "./schema";

/** A service planned with every part it may have, for the names its objects would take. */
function maximalService(router: "gateway-api" | "alb", namespace: string): MicroserviceArgs {
  const header = { name: "x-canary", value: "testers", ...(router === "gateway-api" ? { clientCidrs: ["10.0.0.0/8"] } : {}) };
  return {
    namespace,
    image: "registry.example.com/acme/svc",
    version: "1.0.0",
    resources: { cpu: "250m", memory: "512Mi" },
    replicas: { min: 2, max: 4 },
    autoscaling: { night: { min: 1, from: "22:00", to: "06:00" } },
    env: { A: "1" },
    secretEnv: { B: "2" },
    route: {
      host: "svc.example.com",
      attachment: router === "alb" ? { router, ingressClassName: "alb" } : { router, gatewayName: "gateway", gatewayNamespace: "gateway" },
    },
    canary: { version: "1.1.0", weight: 10, header },
    ...(router === "gateway-api" ? { legacy: { endpoints: ["192.168.10.1:8080"], weight: 10, header } } : {}),
    network: {
      gateway: { namespace: "gateway", podLabels: { app: "gateway" } },
      prometheus: { namespace: "monitoring", podLabels: { app: "prometheus" } },
      calls: [],
      calledBy: [],
      egress: [],
    },
    monitoring: { selectorLabels: { release: "monitoring" } },
  };
}

/**
 * Every name a service called `name` may give its objects, with all its parts (canary, legacy
 * backends, header routes, night scaling) under either router: the Kubernetes objects by kind,
 * namespace and name, and the Pulumi resources by type and name ("<service>-<role>"), which the
 * engine wants unique whatever the namespace. Read from the planner itself, so that no object is missed.
 */
export function derivedNames(name: string, namespace: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const router of ["gateway-api", "alb"] as const) {
    for (const planned of planMicroservice(name, maximalService(router, namespace))) {
      const kind = `${String(planned.object["apiVersion"])}/${String(planned.object["kind"])}`;
      const metadata = (planned.object["metadata"] ?? {}) as { name?: string; namespace?: string };
      names.set(`${kind} ${metadata.namespace ?? ""}/${metadata.name ?? ""}`, `'${metadata.name}' (${String(planned.object["kind"])})`);
      names.set(`${kind} ${name}-${planned.role}`, `the resource '${name}-${planned.role}'`);
    }
  }
  return names;
}

/** The namespaces the platform's add-ons take, with the key that names each. */
function platformNamespaces(env: PartialEnvironment): Array<{ namespace: string; key: string; what: string }> {
  const out: Array<{ namespace: string; key: string; what: string }> = [
    { namespace: "kube-system", key: "", what: "Kubernetes' own" },
    { namespace: "kube-public", key: "", what: "Kubernetes' own" },
    { namespace: "kube-node-lease", key: "", what: "Kubernetes' own" },
    { namespace: "default", key: "", what: "Kubernetes' own (it exists in every cluster, so it cannot be declared)" },
  ];
  const gateway = env.gateway;
  if (gateway?.enabled) {
    if (gateway.controller === "envoy-gateway") out.push({ namespace: gateway.namespace, key: "gateway.namespace", what: "the gateway's" });
    if (gateway.tls.mode === "cert-manager")
      out.push({ namespace: "cert-manager", key: "gateway.tls.mode 'cert-manager'", what: "cert-manager's" });
  }
  if (env.logging?.enabled) {
    out.push({ namespace: env.logging.namespace, key: "logging.namespace", what: "Elasticsearch and Kibana's" });
    out.push({ namespace: env.logging.collectorNamespace, key: "logging.collectorNamespace", what: "Fluent Bit's" });
  }
  if (env.monitoring?.enabled) {
    out.push({ namespace: env.monitoring.namespace, key: "monitoring.namespace", what: "Prometheus' and Grafana's" });
    out.push({ namespace: env.monitoring.nodeExporterNamespace, key: "monitoring.nodeExporterNamespace", what: "node-exporter's" });
  }
  return out;
}

export const checkCollisions: Check = (env, { report }) => {
  const services = env.services ?? [];

  // A service named like another's derived objects: both would declare one object.
  const claimed = new Map<string, { index: number; what: string }>();
  const defaultNamespace = env.workloads?.namespace ?? "apps";
  services.forEach((svc, i) => {
    if (!svc) return;
    const collided = new Set<number>();
    for (const [key, what] of derivedNames(svc.name, svc.namespace ?? defaultNamespace)) {
      const other = claimed.get(key);
      if (other && other.index !== i && !collided.has(other.index)) {
        collided.add(other.index);
        const owner = services[other.index]!;
        const [first, later] = owner.name.length <= svc.name.length ? [other.index, i] : [i, other.index];
        report(
          ["services", later, "name"],
          `${show(services[later]!.name)} collides with services[${first}] (${show(services[first]!.name)}): both would declare ${what}, which ${show(services[first]!.name)} takes for its canary, legacy or header routes; choose another name`,
        );
      }
      if (!other) claimed.set(key, { index: i, what });
    }
  });

  // A service, or the workloads, in a namespace the platform owns.
  const owned = platformNamespaces(env);
  const claim = (path: PropertyKey[], namespace: string) => {
    const owner = owned.find((o) => o.namespace === namespace);
    if (!owner) return;
    report(
      path,
      `${show(namespace)} is ${owner.what} namespace${owner.key ? ` (${owner.key})` : ""}: the platform declares it and its network policies admit only its own pods; run services in a namespace of their own, such as 'apps'`,
    );
  };
  if (env.workloads) claim(["workloads", "namespace"], env.workloads.namespace);
  services.forEach((svc, i) => {
    if (svc?.namespace !== undefined) claim(["services", i, "namespace"], svc.namespace);
  });

  // A host routed to an admin UI and to a service, or to both UIs.
  const uis: Array<{ key: PropertyKey[]; host: string; what: string }> = [];
  if (env.logging?.enabled && env.logging.kibana.host)
    uis.push({ key: ["logging", "kibana", "host"], host: env.logging.kibana.host, what: "Kibana" });
  if (env.monitoring?.enabled && env.monitoring.grafana.host)
    uis.push({ key: ["monitoring", "grafana", "host"], host: env.monitoring.grafana.host, what: "Grafana" });
  const [first, second] = uis;
  if (first && second && first.host === second.host) {
    report(
      second.key,
      `${show(second.host)} is also logging.kibana.host: each UI is routed at the root of a host of its own; give Grafana another host`,
    );
  }
  services.forEach((svc, i) => {
    const host = svc?.route?.host;
    const ui = uis.find((u) => u.host === host);
    if (!ui || !host) return;
    report(
      ["services", i, "route", "host"],
      `${show(host)} is ${ui.key.join(".")}, where ${ui.what} is routed at '/' for the admitted networks only; route the service on a host of its own`,
    );
  });
};
