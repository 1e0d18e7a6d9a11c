import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "../../../components/workload/args";
import { Microservice } from "../../../components/workload/microservice";
import { render, type Rendered, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const BASE: MicroserviceArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:1.4.2",
  version: "1.4.2",
  resources: { cpu: "250m", memory: "512Mi" },
};
const GATEWAY = { router: "gateway-api", gatewayName: "platform", gatewayNamespace: "gateway-system", listeners: ["https"] } as const;
const ROUTE = { host: "api.example.com", path: "/orders", attachment: GATEWAY };

async function service(args: Partial<MicroserviceArgs> = {}, name = "orders"): Promise<Rendered> {
  const out = await render(() => new Microservice(name, { ...BASE, ...args }, { provider: testProvider() }));
  await assertValidObjects(out.objects());
  return out;
}

const container = (deployment: Record<string, any>) => deployment["spec"].template.spec.containers[0];

describe("Microservice: defaults", () => {
  it("declares a Deployment, a Service and a PDB for the stable track, children of the component", async () => {
    const out = await service();
    const component = out.named("orders");
    assert.equal(component.type, "ack-platform:workload:Microservice");
    const children = out.resources
      .filter((r) => r.parent === component.urn)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(children, ["orders-deployment", "orders-pdb", "orders-service"]);
    const deployment = out.object("Deployment", "orders");
    assert.equal(deployment["spec"].replicas, 2);
    assert.deepEqual(deployment["spec"].selector.matchLabels, { "app.kubernetes.io/name": "orders", track: "stable" });
    assert.equal(deployment["metadata"].labels["app.kubernetes.io/version"], "1.4.2");
    assert.deepEqual(deployment["spec"].strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
  });

  it("gives every container requests and limits, memory request equal to limit", async () => {
    const c = container((await service({ resources: { cpu: "250m", cpuLimit: "1", memory: "512Mi" } })).object("Deployment", "orders"));
    assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi", cpu: "1" } });
  });

  it("runs as non-root with a read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp", async () => {
    const deployment = (await service()).object("Deployment", "orders");
    const pod = deployment["spec"].template.spec;
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.enableServiceLinks, false);
    const c = container(deployment);
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    assert.deepEqual(pod.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
  });

  it("probes readiness and liveness on different paths and shuts down gracefully", async () => {
    const deployment = (await service()).object("Deployment", "orders");
    const c = container(deployment);
    assert.equal(c.readinessProbe.httpGet.path, "/ready");
    assert.equal(c.livenessProbe.httpGet.path, "/healthz");
    assert.equal(c.startupProbe, undefined, "no warm-up, no startup probe");
    assert.equal(deployment["spec"].minReadySeconds, undefined);
    assert.deepEqual(c.lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(deployment["spec"].template.spec.terminationGracePeriodSeconds, 30);
  });

  it("keeps traffic in its zone and the stable Service on the stable track", async () => {
    const svc = (await service()).object("Service", "orders");
    assert.equal(svc["spec"].trafficDistribution, "PreferClose");
    assert.deepEqual(svc["spec"].selector, { "app.kubernetes.io/name": "orders", track: "stable" });
    assert.deepEqual(svc["spec"].ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" }]);
  });

  it("disrupts one pod at a time", async () => {
    const pdb = (await service()).object("PodDisruptionBudget", "orders");
    assert.deepEqual(pdb["spec"], {
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "orders", track: "stable" } },
    });
  });
});

describe("Microservice: options", () => {
  it("autoscales between min and max, leaving the replica count to the autoscaler", async () => {
    const out = await service({ replicas: { min: 3, max: 10 }, autoscaling: { memoryPercent: 80 } });
    assert.equal(out.object("Deployment", "orders")["spec"].replicas, undefined);
    const hpa = out.object("HorizontalPodAutoscaler", "orders");
    assert.equal(hpa["spec"].minReplicas, 3);
    assert.equal(hpa["spec"].maxReplicas, 10);
    assert.deepEqual(hpa["spec"].metrics, [
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
    ]);
    assert.equal(hpa["spec"].behavior.scaleDown.stabilizationWindowSeconds, 300);
    const cpuDefault = (await service({ replicas: { min: 2, max: 4 } })).object("HorizontalPodAutoscaler", "orders");
    assert.equal(cpuDefault["spec"].metrics[0].resource.target.averageUtilization, 70);
  });

  it("lowers the autoscaler's minimum at night with two CronJobs allowed to patch only that autoscaler", async () => {
    const out = await service({
      replicas: { min: 4, max: 10 },
      autoscaling: { night: { min: 1, from: "23:30", to: "07:00", timezone: "Asia/Shanghai" } },
    });
    const start = out.object("CronJob", "orders-night-start");
    assert.equal(start["spec"].schedule, "30 23 * * *");
    assert.equal(start["spec"].timeZone, "Asia/Shanghai");
    const args = start["spec"].jobTemplate.spec.template.spec.containers[0].args;
    assert.deepEqual(args, ["patch", "hpa", "orders", "--namespace", "apps", "--type=merge", "--patch", '{"spec":{"minReplicas":1}}']);
    const end = out.object("CronJob", "orders-night-end");
    assert.equal(end["spec"].schedule, "0 7 * * *");
    assert.match(end["spec"].jobTemplate.spec.template.spec.containers[0].args.at(-1), /"minReplicas":4/);
    // Beside legacy backends the stable track keeps its share of its peak at night too.
    const migrating = await service({
      replicas: { min: 4, max: 10 },
      autoscaling: { night: { min: 1, from: "23:30", to: "07:00" } },
      route: ROUTE,
      legacy: { endpoints: ["10.0.0.1:8080"], weight: 20 },
    });
    assert.match(
      migrating.object("CronJob", "orders-night-start")["spec"].jobTemplate.spec.template.spec.containers[0].args.at(-1),
      /"minReplicas":8/,
    );
    assert.match(
      migrating.object("CronJob", "orders-night-end")["spec"].jobTemplate.spec.template.spec.containers[0].args.at(-1),
      /"minReplicas":8/,
    );
    const role = out.object("Role", "orders-night-scaler");
    assert.deepEqual(role["rules"], [
      { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], resourceNames: ["orders"], verbs: ["get", "patch"] },
    ]);
  });

  it("sizes a JVM's heap from its memory limit and marks it for the policy pack", async () => {
    const deployment = (await service({ runtime: "jvm", resources: { cpu: "500m", memory: "2Gi" } })).object("Deployment", "orders");
    assert.deepEqual(container(deployment).env, [
      {
        name: "JAVA_TOOL_OPTIONS",
        value: "-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=35.0 -XX:+ExitOnOutOfMemoryError -XX:+UseContainerSupport",
      },
    ]);
    assert.equal(deployment["metadata"].annotations["ack-platform/runtime"], "jvm");
  });

  it("gives a service that warms up a startup probe and minReadySeconds", async () => {
    const deployment = (await service({ health: { warmupSeconds: 60 } })).object("Deployment", "orders");
    assert.equal(deployment["spec"].minReadySeconds, 60);
    assert.deepEqual(container(deployment).startupProbe, {
      httpGet: { path: "/healthz", port: "http" },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 24,
    });
    assert.equal(deployment["metadata"].annotations["ack-platform/warmup-seconds"], "60");
  });

  it("spreads over zones when there are two or more", async () => {
    const spread = (await service({ zones: ["cn-hangzhou-h", "cn-hangzhou-i"] })).object("Deployment", "orders")["spec"].template.spec
      .topologySpreadConstraints;
    assert.deepEqual(
      spread.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy]),
      [
        ["topology.kubernetes.io/zone", "DoNotSchedule", "Honor"],
        ["kubernetes.io/hostname", "ScheduleAnyway", undefined],
      ],
    );
    const single = (await service({ zones: [] })).object("Deployment", "orders")["spec"].template.spec.topologySpreadConstraints;
    assert.deepEqual(
      single.map((c: any) => c.topologyKey),
      ["kubernetes.io/hostname"],
    );
  });

  it("delivers env through a ConfigMap (rolling pods when it changes) and secrets through a Secret, never in clear", async () => {
    const out = await render(
      () =>
        new Microservice(
          "orders",
          { ...BASE, env: { LOG_LEVEL: "info" }, secretEnv: { DB_PASSWORD: pulumi.secret("hunter2") } },
          { provider: testProvider() },
        ),
    );
    assert.deepEqual(out.object("ConfigMap", "orders-env")["data"], { LOG_LEVEL: "info" });
    assert.equal(out.object("Secret", "orders-env")["stringData"], "[secret]");
    assert.ok(!JSON.stringify(out.resources).includes("hunter2"));
    const c = container(out.object("Deployment", "orders"));
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: "orders-env" } }, { secretRef: { name: "orders-env" } }]);
    const hash = out.object("Deployment", "orders")["spec"].template.metadata.annotations["ack-platform/config-hash"];
    const other = await render(() => new Microservice("orders", { ...BASE, env: { LOG_LEVEL: "debug" } }, { provider: testProvider() }));
    assert.notEqual(other.object("Deployment", "orders")["spec"].template.metadata.annotations["ack-platform/config-hash"], hash);
  });

  it("routes through the gateway, with a canary track sized by its weight and a route that waits for it", async () => {
    const out = await service({
      replicas: { min: 4, max: 20 },
      route: ROUTE,
      canary: { version: "1.5.0", weight: 25, header: { name: "x-canary", value: "testers" } },
    });
    const canary = out.object("Deployment", "orders-canary");
    assert.equal(container(canary).image, "registry.example.com/acme/orders:1.5.0");
    assert.equal(canary["spec"].replicas, undefined, "the autoscaler owns the canary's replicas");
    assert.deepEqual(canary["spec"].selector.matchLabels, { "app.kubernetes.io/name": "orders", track: "canary" });
    // A quarter of a 20-pod peak: 5 pods ready before the route moves.
    const canaryHpa = out.object("HorizontalPodAutoscaler", "orders-canary");
    assert.deepEqual([canaryHpa["spec"].minReplicas, canaryHpa["spec"].maxReplicas], [5, 20]);
    const gate = out.object("PodDisruptionBudget", "orders-canary");
    assert.deepEqual(gate["spec"], { minAvailable: 4, selector: { matchLabels: { "app.kubernetes.io/name": "orders", track: "canary" } } });
    assert.equal(gate["metadata"].annotations["pulumi.com/waitFor"], "condition=DisruptionAllowed");
    assert.deepEqual(out.object("PodDisruptionBudget", "orders")["spec"].maxUnavailable, 1, "the stable track is not pinned");
    assert.deepEqual(out.object("Service", "orders-canary")["spec"].selector, { "app.kubernetes.io/name": "orders", track: "canary" });
    assert.deepEqual(
      out.object("HTTPRoute", "orders")["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["orders", 75],
        ["orders-canary", 25],
      ],
    );
    const urn = (name: string) => out.named(name).urn;
    assert.equal(out.named("orders-route").type, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    assert.deepEqual(
      out.named("orders-route").dependsOn.sort(),
      [urn("orders-deployment"), urn("orders-canary-deployment"), urn("orders-canary-pdb")].sort(),
    );
    assert.deepEqual(
      out.named("orders-canary-header-route").dependsOn.sort(),
      [urn("orders-canary-deployment"), urn("orders-canary-pdb")].sort(),
    );
  });

  it("keeps a canary with neither weight nor header at one pod, and the route does not wait for it", async () => {
    const out = await service({ replicas: { min: 6 }, route: ROUTE, canary: { version: "1.5.0", weight: 0 } });
    assert.equal(out.object("Deployment", "orders-canary")["spec"].replicas, undefined);
    assert.equal(out.object("Deployment", "orders")["spec"].replicas, 6);
    const hpa = out.object("HorizontalPodAutoscaler", "orders-canary");
    assert.deepEqual([hpa["spec"].minReplicas, hpa["spec"].maxReplicas], [1, 6], "the canary can always grow");
    assert.equal(out.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 1, "no autoscaler for a fixed stable track");
    assert.deepEqual(out.object("PodDisruptionBudget", "orders-canary")["spec"].maxUnavailable, 1);
    assert.equal(out.object("PodDisruptionBudget", "orders-canary")["metadata"].annotations, undefined);
    assert.deepEqual(out.named("orders-route").dependsOn, [out.named("orders-deployment").urn]);
  });

  it("hands a promotion over: the stable track at full capacity, gated, and the route waits for its rollout", async () => {
    const out = await service({
      image: "registry.example.com/acme/orders:1.5.0",
      version: "1.5.0",
      replicas: { min: 3, max: 12 },
      route: ROUTE,
      canary: { version: "1.5.0", weight: 0, header: { name: "x-canary", value: "testers" } },
    });
    assert.deepEqual(out.object("HorizontalPodAutoscaler", "orders")["spec"].minReplicas, 12);
    assert.deepEqual(out.object("PodDisruptionBudget", "orders")["spec"].minAvailable, 11);
    const urn = (name: string) => out.named(name).urn;
    assert.deepEqual(out.named("orders-route").dependsOn.sort(), [urn("orders-deployment"), urn("orders-pdb")].sort());
  });

  it("sends a share to legacy backends through a selector-less Service and its EndpointSlices", async () => {
    const out = await service({ route: ROUTE, legacy: { endpoints: ["10.0.1.15:8080", "10.0.1.16:8080", "10.0.1.17:9090"], weight: 90 } });
    const legacy = out.object("Service", "orders-legacy");
    assert.equal(legacy["spec"].selector, undefined);
    const slices = out.objects("EndpointSlice");
    assert.deepEqual(
      slices.map((s) => [s["metadata"].name, s["ports"][0].port, s["endpoints"].map((e: any) => e.addresses[0])]),
      [
        ["orders-legacy-8080", 8080, ["10.0.1.15", "10.0.1.16"]],
        ["orders-legacy-9090", 9090, ["10.0.1.17"]],
      ],
    );
    assert.equal(slices[0]!["metadata"].labels["kubernetes.io/service-name"], "orders-legacy");
    assert.equal(slices[0]!["metadata"].labels["endpointslice.kubernetes.io/managed-by"], "ack-platform");
    assert.deepEqual(
      out.object("HTTPRoute", "orders")["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["orders", 10],
        ["orders-legacy", 90],
      ],
    );
    // The VMs are health-checked by the gateway, and the stable track keeps its share of its peak ready.
    assert.equal(out.object("BackendTrafficPolicy", "orders-legacy")["spec"].healthCheck.active.http.path, "/ready");
    assert.equal(out.object("PodDisruptionBudget", "orders")["metadata"].annotations["pulumi.com/waitFor"], "condition=DisruptionAllowed");
    assert.deepEqual(out.named("orders-route").dependsOn.sort(), [out.named("orders-deployment").urn, out.named("orders-pdb").urn].sort());
  });

  it("routes through ALB Ingresses when attached to an ALB IngressClass", async () => {
    const out = await service({
      route: { ...ROUTE, attachment: { router: "alb", ingressClassName: "alb" } },
      canary: { version: "1.5.0", weight: 10 },
    });
    assert.deepEqual(
      out
        .objects("Ingress")
        .map((i) => i["metadata"].name)
        .sort(),
      ["orders", "orders-canary"],
    );
    assert.equal(out.objects("HTTPRoute").length, 0);
  });

  it("is scraped by Prometheus and alerts on its error rate, per track, when monitoring is present", async () => {
    const out = await service({
      canary: { version: "1.5.0" },
      monitoring: {
        errorRatePercent: 2,
        requestsMetric: "http_server_requests_seconds_count",
        statusLabel: "status",
        selectorLabels: { release: "monitoring" },
        stack: "prod",
      },
    });
    const monitor = out.object("ServiceMonitor", "orders");
    assert.deepEqual(monitor["spec"].endpoints, [{ port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }]);
    assert.deepEqual(monitor["spec"].targetLabels, ["track"]);
    assert.equal(monitor["metadata"].labels.release, "monitoring");
    const [errorRate, unavailable, canaryWorse, canaryFloor] = out.object("PrometheusRule", "orders")["spec"].groups[0].rules;
    assert.equal(errorRate.alert, "ServiceErrorRateHigh");
    assert.equal(
      errorRate.expr,
      'sum by (track) (rate(http_server_requests_seconds_count{namespace="apps", service=~"orders|orders-canary", status=~"5.."}[5m]))\n' +
        '  / sum by (track) (rate(http_server_requests_seconds_count{namespace="apps", service=~"orders|orders-canary"}[5m])) > 0.02',
    );
    assert.equal(unavailable.alert, "ServiceReplicasUnavailable");
    assert.equal(canaryWorse.alert, "CanaryErrorRateAboveStable");
    assert.equal(canaryWorse.for, "2m");
    assert.match(canaryWorse.expr, /track="canary", status=~"5.."\}\[2m\]/);
    assert.match(canaryWorse.expr, /track="stable"/);
    assert.equal(
      canaryWorse.annotations.runbook,
      "Roll the canary back now: npm run release -- prod orders --rollback && pulumi up --stack prod",
    );
    assert.equal(canaryFloor.alert, "CanaryBelowCapacityFloor");
    assert.equal((await service()).objects("ServiceMonitor").length, 0, "no monitor without monitoring");
  });

  it("makes its routes and monitors wait for the add-ons that install their CRDs, and every object for its namespace", async () => {
    const out = await render(() => {
      const provider = testProvider();
      const crds = new k8s.helm.v3.Release("gateway-release", { chart: "gateway-helm", version: "1.0.0" }, { provider });
      const namespace = new k8s.core.v1.Namespace("apps-namespace", { metadata: { name: "apps" } }, { provider });
      new Microservice(
        "orders",
        { ...BASE, route: ROUTE, monitoring: {} },
        { provider, crdDependencies: [crds], childDependsOn: [namespace] },
      );
    });
    const gateway = out.named("gateway-release").urn;
    const namespace = out.named("apps-namespace").urn;
    assert.deepEqual(out.named("orders-route").dependsOn.sort(), [gateway, namespace, out.named("orders-deployment").urn].sort());
    assert.deepEqual(out.named("orders-monitor").dependsOn.sort(), [gateway, namespace].sort());
    assert.deepEqual(out.named("orders-deployment").dependsOn, [namespace]);
  });
});

describe("Microservice: gray release keeps resources in place", () => {
  const at = (weight: number) =>
    render(
      () =>
        new Microservice(
          "orders",
          {
            ...BASE,
            replicas: { min: 4, max: 20 },
            route: ROUTE,
            canary: { version: "1.5.0", weight, header: { name: "x-canary", value: "t" } },
          },
          { provider: testProvider() },
        ),
    );

  it("changes only the route, the canary's autoscaler and its capacity gate when the weight changes", async () => {
    const [before, after] = await Promise.all([at(10), at(50)]);
    assert.deepEqual(
      before.resources.map((r) => r.urn),
      after.resources.map((r) => r.urn),
      "no resource is added, removed or renamed",
    );
    const changed = before.resources
      .filter((r, i) => JSON.stringify(r.inputs) !== JSON.stringify(after.resources[i]!.inputs))
      .map((r) => r.name);
    assert.deepEqual(changed.sort(), ["orders-canary-hpa", "orders-canary-pdb", "orders-route"]);
    assert.deepEqual(after.object("HorizontalPodAutoscaler", "orders-canary")["spec"].minReplicas, 10);
    assert.deepEqual(after.object("PodDisruptionBudget", "orders-canary")["spec"].minAvailable, 9);
  });

  it("promotes without touching the stable Service", async () => {
    const canary = await render(
      () => new Microservice("orders", { ...BASE, route: ROUTE, canary: { version: "1.5.0", weight: 50 } }, { provider: testProvider() }),
    );
    const promoted = await render(
      () =>
        new Microservice(
          "orders",
          { ...BASE, image: "registry.example.com/acme/orders:1.5.0", version: "1.5.0", route: ROUTE },
          { provider: testProvider() },
        ),
    );
    assert.deepEqual(promoted.object("Service", "orders"), canary.object("Service", "orders"));
    assert.equal(container(promoted.object("Deployment", "orders")).image, "registry.example.com/acme/orders:1.5.0");
    assert.equal(promoted.objects("Deployment").length, 1, "the canary track is gone");
    assert.deepEqual(
      promoted.object("HTTPRoute", "orders")["spec"].rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [["orders", 100]],
    );
  });
});

describe("Microservice: refused args", () => {
  it("throws before declaring anything", async () => {
    const out = await render(() => {
      assert.throws(
        () => new Microservice("orders", { ...BASE, replicas: { min: 5, max: 2 } }, { provider: testProvider() }),
        /Microservice 'orders' has invalid args:\n  replicas.max: 2 is not between replicas.min \(5\) and 1000/,
      );
    });
    assert.deepEqual(
      out.resources.filter((r) => r.type !== "pulumi:providers:kubernetes"),
      [],
    );
  });
});
