/**
 * Policy tests: resources that pass every rule, to be changed one thing at a time, and a check that
 * runs one rule on them through the same evaluator as the offline plan (so the rule gets the
 * arguments `pulumi preview` gives it).
 */
import type { PlannedResource } from "../../tools/plan/engine";
import { evaluatePolicies, type PolicyViolation, reconcilePackConfig } from "../../tools/plan/policy";
import type { Rule } from "../../policies/lib/policy";

export interface ResourceOptions {
  readonly name?: string;
  readonly protect?: boolean;
  readonly dependsOn?: readonly PlannedResource[];
  readonly provider?: PlannedResource;
  readonly read?: boolean;
}

/** A planned resource as the engine records it. */
export function resource(type: string, inputs: Record<string, any>, options: ResourceOptions = {}): PlannedResource {
  const name = options.name ?? inputs["metadata"]?.name ?? type.split(":").pop()!.toLowerCase();
  return {
    urn: `urn:pulumi:test::policies::${type}::${name}`,
    type,
    name,
    ...(options.provider ? { provider: options.provider.urn } : {}),
    dependsOn: (options.dependsOn ?? []).map((d) => d.urn),
    protect: options.protect ?? false,
    retainOnDelete: false,
    custom: true,
    read: options.read ?? false,
    inputs,
  };
}

/** Deep copy of `value` changed by `change`: tests start from a passing object and change one thing. */
export function changed<T>(value: T, change?: (copy: any) => void): T {
  const copy = structuredClone(value);
  change?.(copy);
  return copy;
}

export interface CheckOptions {
  readonly environment?: "local" | "dev" | "staging" | "prod";
  /** Other properties of the rule's config. */
  readonly config?: Record<string, unknown>;
}

/** The violations of one rule on these resources (prod unless said otherwise). */
export function violations(
  rule: Rule,
  resources: PlannedResource | readonly PlannedResource[],
  options: CheckOptions = {},
): PolicyViolation[] {
  const list = Array.isArray(resources) ? resources : [resources as PlannedResource];
  const config = reconcilePackConfig(
    { [rule.name]: { enforcementLevel: rule.enforcementLevel, environment: options.environment ?? "prod", ...options.config } },
    [rule],
  );
  return evaluatePolicies(list, config, [rule]);
}

/** Just the messages. */
export function check(rule: Rule, resources: PlannedResource | readonly PlannedResource[], options: CheckOptions = {}): string[] {
  return violations(rule, resources, options).map((v) => v.message);
}

// ---- Kubernetes objects that pass every rule -------------------------------------------------

export const IMAGE = "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/orders:1.4.2";

export function container(name = "web"): Record<string, any> {
  return {
    name,
    image: IMAGE,
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } },
    readinessProbe: { httpGet: { path: "/ready", port: "http" } },
    livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    },
  };
}

export function podLabels(app = "orders", track = "stable"): Record<string, string> {
  return { "app.kubernetes.io/name": app, track };
}

export function podTemplate(labels = podLabels()): Record<string, any> {
  return {
    metadata: { labels },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001 },
      containers: [container()],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: labels },
          nodeTaintsPolicy: "Honor",
        },
      ],
      volumes: [{ name: "tmp", emptyDir: {} }],
    },
  };
}

export function deploymentObject(name = "orders", labels = podLabels()): Record<string, any> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "apps", labels },
    spec: { replicas: 3, selector: { matchLabels: labels }, template: podTemplate(labels) },
  };
}

export function deployment(change?: (d: any) => void, options: ResourceOptions = {}): PlannedResource {
  return resource("kubernetes:apps/v1:Deployment", changed(deploymentObject(), change), options);
}

export function statefulSet(change?: (s: any) => void, options: ResourceOptions = {}): PlannedResource {
  const labels = podLabels("db");
  const object = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "apps", labels },
    spec: {
      replicas: 3,
      serviceName: "db",
      selector: { matchLabels: labels },
      template: podTemplate(labels),
      volumeClaimTemplates: [
        { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } },
      ],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    },
  };
  return resource("kubernetes:apps/v1:StatefulSet", changed(object, change), { protect: true, ...options });
}

export function daemonSet(change?: (d: any) => void, options: ResourceOptions = {}): PlannedResource {
  const labels = { "app.kubernetes.io/name": "agent" };
  const object = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "kube-system", labels },
    spec: { selector: { matchLabels: labels }, template: podTemplate(labels) },
  };
  return resource("kubernetes:apps/v1:DaemonSet", changed(object, change), options);
}

export function cronJob(change?: (c: any) => void): PlannedResource {
  const object = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "report", namespace: "apps" },
    spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { ...podTemplate().spec, restartPolicy: "OnFailure" } } } } },
  };
  return resource("kubernetes:batch/v1:CronJob", changed(object, change));
}

/** A Service of the pods with these labels; `null` for a selector-less one (a legacy backend's). */
export function service(
  change?: (s: any) => void,
  name = "orders",
  selector: Record<string, string> | null = podLabels(),
): PlannedResource {
  const object = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "apps", labels: selector ?? {} },
    spec: { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http" }], ...(selector ? { selector } : {}) },
  };
  return resource("kubernetes:core/v1:Service", changed(object, change));
}

export function pdb(change?: (p: any) => void, labels = podLabels()): PlannedResource {
  const object = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: `${labels["app.kubernetes.io/name"]}-${labels["track"]}`, namespace: "apps" },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
  return resource("kubernetes:policy/v1:PodDisruptionBudget", changed(object, change));
}

export function hpa(change?: (h: any) => void, target = "orders"): PlannedResource {
  const object = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: target, namespace: "apps" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    },
  };
  return resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", changed(object, change));
}

/** A weighted HTTPRoute to the stable and canary Services of "orders", with a header rule for testers. */
export function httpRoute(change?: (r: any) => void): PlannedResource {
  const object = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "orders", namespace: "apps" },
    spec: {
      parentRefs: [{ name: "platform", namespace: "gateway-system" }],
      hostnames: ["shop.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/orders" }, headers: [{ type: "Exact", name: "x-canary", value: "always" }] }],
          backendRefs: [{ name: "orders-canary", port: 80 }],
        },
        {
          matches: [{ path: { type: "PathPrefix", value: "/orders" } }],
          backendRefs: [
            { name: "orders", port: 80, weight: 90 },
            { name: "orders-canary", port: 80, weight: 10 },
          ],
        },
      ],
    },
  };
  return resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", changed(object, change));
}

/** An ALB Ingress for shop.example.com/orders; a canary one when `canary` annotations are given. */
export function ingress(name: string, annotations: Record<string, string> = {}, change?: (i: any) => void): PlannedResource {
  const object = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: "apps", annotations },
    spec: {
      ingressClassName: "alb",
      rules: [
        {
          host: "shop.example.com",
          http: { paths: [{ path: "/orders", pathType: "Prefix", backend: { service: { name, port: { number: 80 } } } }] },
        },
      ],
    },
  };
  return resource("kubernetes:networking.k8s.io/v1:Ingress", changed(object, change), { name });
}

export function canaryStack(): PlannedResource[] {
  const canaryLabels = podLabels("orders", "canary");
  return [
    deployment(),
    resource(
      "kubernetes:apps/v1:Deployment",
      changed(deploymentObject("orders-canary", canaryLabels), (d) => (d.spec.replicas = 1)),
      { name: "orders-canary" },
    ),
    service(),
    service(undefined, "orders-canary", canaryLabels),
    httpRoute(),
  ];
}
