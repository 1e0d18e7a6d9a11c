import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  capabilitiesDropped,
  containerMemoryLimit,
  containerProbes,
  containerRequests,
  imagePinned,
  imageRegistryAllowed,
  jvmHeapSized,
  memoryRequestEqualsLimit,
  noDeprecatedApi,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noLiteralSecretsInEnv,
  noPrivilegeEscalation,
  noPrivileged,
  probesDiffer,
  readOnlyRootFilesystem,
  registryMatches,
  runAsNonRoot,
  warmupDeclared,
  jvmStartupProbe,
} from "../../policies/rules";
import { check, container, cronJob, daemonSet, deployment, resource, statefulSet } from "./helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("container-requests", () => {
  it("passes workloads whose containers request CPU and memory", () => {
    assert.deepEqual(check(containerRequests, [deployment(), statefulSet(), daemonSet(), cronJob()]), []);
  });
  it("names a container without a CPU request", () => {
    assert.deepEqual(
      check(
        containerRequests,
        deployment((d) => delete web(d).resources.requests.cpu),
      ),
      ["container 'web' has no CPU request; set resources.requests.cpu, e.g. '250m'"],
    );
  });
  it("names a container without a memory request", () => {
    assert.deepEqual(
      check(
        containerRequests,
        deployment((d) => delete web(d).resources.requests.memory),
      ),
      ["container 'web' has no memory request; set resources.requests.memory, e.g. '512Mi'"],
    );
  });
  it("judges init containers too, and the pod template of a CronJob", () => {
    const bare = { ...container("migrate"), resources: {} };
    assert.deepEqual(
      check(
        containerRequests,
        cronJob((c) => (c.spec.jobTemplate.spec.template.spec.initContainers = [bare])),
      ),
      [
        "init container 'migrate' has no CPU request; set resources.requests.cpu, e.g. '250m'",
        "init container 'migrate' has no memory request; set resources.requests.memory, e.g. '512Mi'",
      ],
    );
  });
  it("does not judge other kinds of resources", () => {
    assert.deepEqual(check(containerRequests, resource("kubernetes:core/v1:ConfigMap", { data: { containers: "[]" } })), []);
  });
});

describe("container-memory-limit", () => {
  it("passes containers with a memory limit and no CPU limit", () => {
    assert.deepEqual(check(containerMemoryLimit, deployment()), []);
  });
  it("names a container without a memory limit", () => {
    assert.deepEqual(
      check(
        containerMemoryLimit,
        deployment((d) => delete web(d).resources.limits),
      ),
      ["container 'web' has no memory limit; set resources.limits.memory, e.g. '512Mi'"],
    );
  });
});

describe("memory-request-equals-limit", () => {
  it("passes equal quantities written differently", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => (web(d).resources.limits.memory = "0.5Gi")),
      ),
      [],
    );
  });
  it("names a request below the limit and the value to use", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => (web(d).resources.requests.memory = "256Mi")),
      ),
      ["container 'web' requests memory '256Mi' but its limit is '512Mi'; set resources.requests.memory to '512Mi', equal to the limit"],
    );
  });
  it("leaves a missing request or limit to the other rules", () => {
    assert.deepEqual(
      check(
        memoryRequestEqualsLimit,
        deployment((d) => delete web(d).resources.limits),
      ),
      [],
    );
  });
});

describe("container-probes", () => {
  it("passes containers with readiness and liveness probes; Jobs need none", () => {
    const job = cronJob((c) => {
      const spec = c.spec.jobTemplate.spec.template.spec;
      delete spec.containers[0].readinessProbe;
      delete spec.containers[0].livenessProbe;
    });
    assert.deepEqual(check(containerProbes, [deployment(), job]), []);
  });
  it("names a container without a readiness probe", () => {
    assert.deepEqual(
      check(
        containerProbes,
        deployment((d) => delete web(d).readinessProbe),
      ),
      ["container 'web' has no readiness probe; add readinessProbe (e.g. httpGet on '/ready'), so it takes traffic only when it can serve"],
    );
  });
  it("names a container without a liveness probe", () => {
    assert.deepEqual(
      check(
        containerProbes,
        deployment((d) => delete web(d).livenessProbe),
      ),
      ["container 'web' has no liveness probe; add livenessProbe (e.g. httpGet on '/healthz'), so a hung process is restarted"],
    );
  });
});

describe("probes-differ", () => {
  it("passes probes that check different things, even on the same port", () => {
    assert.deepEqual(check(probesDiffer, deployment()), []);
  });
  it("names a container whose probes make the same HTTP check", () => {
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => (web(d).readinessProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 })),
      ),
      [
        "container 'web' uses the same check for readiness and liveness (httpGet '/healthz' on port http); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')",
      ],
    );
  });
  it("names a container whose probes run the same command", () => {
    const exec = { exec: { command: ["pg_isready", "-q"] } };
    assert.deepEqual(
      check(
        probesDiffer,
        deployment((d) => Object.assign(web(d), { readinessProbe: exec, livenessProbe: exec })),
      ),
      [
        "container 'web' uses the same check for readiness and liveness (exec 'pg_isready -q'); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')",
      ],
    );
  });
});

describe("image-pinned", () => {
  it("passes a version tag and a digest", () => {
    const digest = "registry.cn-hangzhou.aliyuncs.com/acme/orders@sha256:" + "a".repeat(64);
    assert.deepEqual(check(imagePinned, [deployment(), deployment((d) => (web(d).image = digest))]), []);
  });
  it("names an image without a tag", () => {
    assert.deepEqual(
      check(
        imagePinned,
        deployment((d) => (web(d).image = "localhost:5000/orders")),
      ),
      [
        "container 'web' runs image 'localhost:5000/orders', which has no tag; pin a version such as 'localhost:5000/orders:1.4.2' or a digest",
      ],
    );
  });
  it("names an image tagged latest", () => {
    assert.deepEqual(
      check(
        imagePinned,
        deployment((d) => (web(d).image = "nginx:latest")),
      ),
      ["container 'web' runs image 'nginx:latest'; pin a version tag such as 'nginx:1.4.2' or a digest instead of 'latest'"],
    );
  });
});

describe("image-registry-allowed", () => {
  it("passes the registries of Alibaba Cloud Container Registry", () => {
    const personal = "registry.cn-shanghai.aliyuncs.com/acme/orders:1.4.2";
    assert.deepEqual(check(imageRegistryAllowed, [deployment(), deployment((d) => (web(d).image = personal))]), []);
  });
  it("names an image from Docker Hub, written with or without its registry", () => {
    const allowed =
      "*.cr.aliyuncs.com, registry.*.aliyuncs.com, registry-vpc.*.aliyuncs.com, registry-intl.*.aliyuncs.com, registry-intl-vpc.*.aliyuncs.com";
    assert.deepEqual(
      check(
        imageRegistryAllowed,
        deployment((d) => (web(d).image = "nginx:1.27.3")),
      ),
      [
        `container 'web' pulls 'nginx:1.27.3' from docker.io, which is not an allowed registry (${allowed}); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries`,
      ],
    );
  });
  it("accepts registries the stack allows", () => {
    const config = { allowedRegistries: ["*.cr.aliyuncs.com", "harbor.example.com"] };
    const harbor = deployment((d) => (web(d).image = "harbor.example.com/acme/orders:1.4.2"));
    assert.deepEqual(check(imageRegistryAllowed, harbor, { config }), []);
    assert.deepEqual(
      check(
        imageRegistryAllowed,
        deployment((d) => (web(d).image = "quay.io/acme/orders:1.4.2")),
        { config },
      ),
      [
        "container 'web' pulls 'quay.io/acme/orders:1.4.2' from quay.io, which is not an allowed registry (*.cr.aliyuncs.com, harbor.example.com); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries",
      ],
    );
  });
  it("accepts images from the local Docker daemon on a local cluster only", () => {
    const local = deployment((d) => (web(d).image = "local/orders:1.4.2"));
    assert.deepEqual(check(imageRegistryAllowed, local, { environment: "local" }), []);
    assert.equal(check(imageRegistryAllowed, local, { environment: "dev" }).length, 1);
  });
  it("matches '*' across the labels of a host", () => {
    assert.ok(registryMatches("*.cr.aliyuncs.com", "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"));
    assert.ok(!registryMatches("*.cr.aliyuncs.com", "cr.aliyuncs.com.evil.example"));
  });
});

describe("run-as-non-root", () => {
  it("passes runAsNonRoot on the pod, and a non-zero user on the container", () => {
    const userOnly = deployment((d) => {
      delete d.spec.template.spec.securityContext;
      web(d).securityContext = { ...web(d).securityContext, runAsNonRoot: undefined, runAsUser: 1000 };
      delete web(d).securityContext.runAsNonRoot;
    });
    assert.deepEqual(check(runAsNonRoot, [deployment(), userOnly]), []);
  });
  it("names a container that may run as root", () => {
    const maybeRoot = deployment((d) => {
      delete d.spec.template.spec.securityContext;
      delete web(d).securityContext.runAsNonRoot;
    });
    assert.deepEqual(check(runAsNonRoot, maybeRoot), [
      "container 'web' may run as root; set securityContext.runAsNonRoot: true (on the pod or the container)",
    ]);
  });
  it("names a container that runs as root, the container's setting over the pod's", () => {
    assert.deepEqual(
      check(
        runAsNonRoot,
        deployment((d) => (web(d).securityContext.runAsUser = 0)),
      ),
      ["container 'web' runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true"],
    );
  });
  it("lets the log collector run as root to read the node's logs", () => {
    const collector = daemonSet((d) => {
      d.metadata.labels["ack-platform/role"] = "log-collector";
      d.spec.template.spec.securityContext = { runAsUser: 0 };
    });
    assert.deepEqual(check(runAsNonRoot, collector), []);
  });
});

describe("no-privileged", () => {
  it("passes an unprivileged container", () => {
    assert.deepEqual(check(noPrivileged, deployment()), []);
  });
  it("names a privileged container", () => {
    assert.deepEqual(
      check(
        noPrivileged,
        deployment((d) => (web(d).securityContext.privileged = true)),
      ),
      ["container 'web' is privileged; remove securityContext.privileged"],
    );
  });
});

describe("no-privilege-escalation", () => {
  it("passes allowPrivilegeEscalation: false", () => {
    assert.deepEqual(check(noPrivilegeEscalation, deployment()), []);
  });
  it("names a container that leaves escalation at its default", () => {
    assert.deepEqual(
      check(
        noPrivilegeEscalation,
        deployment((d) => delete web(d).securityContext.allowPrivilegeEscalation),
      ),
      ["container 'web' does not forbid privilege escalation; set securityContext.allowPrivilegeEscalation: false"],
    );
  });
});

describe("read-only-root-filesystem", () => {
  it("passes a read-only root filesystem", () => {
    assert.deepEqual(check(readOnlyRootFilesystem, deployment()), []);
  });
  it("names a container with a writable root filesystem", () => {
    assert.deepEqual(
      check(
        readOnlyRootFilesystem,
        deployment((d) => (web(d).securityContext.readOnlyRootFilesystem = false)),
      ),
      [
        "container 'web' can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write (e.g. /tmp)",
      ],
    );
  });
});

describe("capabilities-dropped", () => {
  it("passes drop ALL, with NET_BIND_SERVICE added back", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => (web(d).securityContext.capabilities.add = ["NET_BIND_SERVICE"])),
      ),
      [],
    );
  });
  it("names a container that keeps the default capabilities", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => delete web(d).securityContext.capabilities),
      ),
      ["container 'web' keeps the default Linux capabilities; set securityContext.capabilities.drop: ['ALL']"],
    );
  });
  it("names a capability added back", () => {
    assert.deepEqual(
      check(
        capabilitiesDropped,
        deployment((d) => (web(d).securityContext.capabilities.add = ["SYS_ADMIN"])),
      ),
      ["container 'web' adds capability 'SYS_ADMIN'; remove it from securityContext.capabilities.add (only NET_BIND_SERVICE may be added)"],
    );
  });
});

describe("no-host-namespaces", () => {
  const hint = "or, if this is the log collector, label it 'ack-platform/role: log-collector'";
  it("passes a pod in its own namespaces", () => {
    assert.deepEqual(check(noHostNamespaces, daemonSet()), []);
  });
  it("names hostNetwork", () => {
    assert.deepEqual(
      check(
        noHostNamespaces,
        daemonSet((d) => (d.spec.template.spec.hostNetwork = true)),
      ),
      [`its pods use the node's network (hostNetwork: true); remove hostNetwork, ${hint}`],
    );
  });
  it("names hostPID", () => {
    assert.deepEqual(
      check(
        noHostNamespaces,
        daemonSet((d) => (d.spec.template.spec.hostPID = true)),
      ),
      [`its pods see the node's processes (hostPID: true); remove hostPID, ${hint}`],
    );
  });
  it("names hostIPC, even for the log collector", () => {
    const collector = daemonSet((d) => {
      d.spec.template.metadata.labels["ack-platform/role"] = "log-collector";
      Object.assign(d.spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true });
    });
    assert.deepEqual(check(noHostNamespaces, collector), ["its pods share the node's IPC namespace (hostIPC: true); remove hostIPC"]);
  });
});

describe("no-host-path", () => {
  const logs = { name: "varlog", hostPath: { path: "/var/log" } };
  it("passes emptyDir volumes, and the log collector's node paths", () => {
    const collector = daemonSet((d) => {
      d.metadata.labels["ack-platform/role"] = "log-collector";
      d.spec.template.spec.volumes.push(logs);
    });
    assert.deepEqual(check(noHostPath, [deployment(), collector]), []);
  });
  it("names a hostPath volume of any other workload", () => {
    assert.deepEqual(
      check(
        noHostPath,
        daemonSet((d) => d.spec.template.spec.volumes.push(logs)),
      ),
      [
        "volume 'varlog' mounts the node's '/var/log' (hostPath); use an emptyDir or a PersistentVolumeClaim (only the log collector, labelled 'ack-platform/role: log-collector', may mount node paths)",
      ],
    );
  });
});

describe("no-host-port", () => {
  it("passes container ports without a host port", () => {
    assert.deepEqual(check(noHostPort, deployment()), []);
  });
  it("names a host port", () => {
    assert.deepEqual(
      check(
        noHostPort,
        deployment((d) => (web(d).ports[0].hostPort = 8080)),
      ),
      ["container 'web' binds port 8080 on the node (hostPort); remove hostPort and reach the container through a Service"],
    );
  });
});

describe("no-literal-secrets-in-env", () => {
  it("passes plain settings and secrets taken from a Secret", () => {
    const env = [
      { name: "LOG_LEVEL", value: "info" },
      { name: "TOKEN_TTL_SECONDS", value: "3600" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "orders-db", key: "password" } } },
    ];
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = env)),
      ),
      [],
    );
  });
  it("names a credential given as a literal value", () => {
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = [{ name: "DB_PASSWORD", value: "hunter2" }])),
      ),
      ["container 'web' sets DB_PASSWORD to a literal value; take it from a Secret with valueFrom.secretKeyRef"],
    );
  });
  it("names a URL that carries a password", () => {
    const env = [{ name: "DATABASE_URL", value: "postgres://orders:hunter2@db:5432/orders" }];
    assert.deepEqual(
      check(
        noLiteralSecretsInEnv,
        deployment((d) => (web(d).env = env)),
      ),
      ["container 'web' sets DATABASE_URL to a URL with a password in it; take it from a Secret with valueFrom.secretKeyRef"],
    );
  });
});

describe("no-deprecated-api", () => {
  it("passes current API versions", () => {
    assert.deepEqual(check(noDeprecatedApi, [deployment(), resource("kubernetes:policy/v1:PodDisruptionBudget", {})]), []);
  });
  it("names a workload in a removed version and the one to use", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:extensions/v1beta1:Deployment", {})), [
      "Deployment is declared as extensions/v1beta1, which Kubernetes removed in 1.16; declare it as apps/v1",
    ]);
  });
  it("names a removed autoscaling version", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", {})), [
      "HorizontalPodAutoscaler is declared as autoscaling/v2beta2, which Kubernetes removed in 1.26; declare it as autoscaling/v2",
    ]);
  });
  it("names a Gateway API route of a superseded version", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute", {})), [
      "HTTPRoute is declared as gateway.networking.k8s.io/v1beta1, which Gateway API 1.0 (deprecated) replaced; declare it as gateway.networking.k8s.io/v1",
    ]);
  });
});

describe("jvm-heap-sized", () => {
  const jvm = (env: Array<Record<string, unknown>>, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/runtime": "jvm" };
      web(d).env = env;
      change?.(d);
    });
  it("passes a heap sized by percentage or by -Xmx within the limit, and services not declared JVM", () => {
    assert.deepEqual(
      check(jvmHeapSized, [
        jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-XX:+UseG1GC -XX:MaxRAMPercentage=75.0" }]),
        jvm([{ name: "JAVA_OPTS", value: "-Xmx384m" }]),
        deployment(),
      ]),
      [],
    );
  });
  it("reads the annotation on the pod template too", () => {
    const onTemplate = deployment((d) => (d.spec.template.metadata.annotations = { "ack-platform/runtime": "jvm" }));
    assert.equal(check(jvmHeapSized, onTemplate).length, 1);
  });
  it("names a JVM whose heap is not sized", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([])), [
      "container 'web' runs a JVM (ack-platform/runtime: jvm) whose heap is not sized; set JAVA_TOOL_OPTIONS to '-XX:MaxRAMPercentage=75.0', so the heap follows its 512Mi memory limit",
    ]);
  });
  it("names an -Xmx that leaves the JVM too little of its limit", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx512m" }])), [
      "container 'web' sets -Xmx512m, 100% of its 512Mi memory limit; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names an -Xmx that is not a JVM size", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx1.5g" }])), [
      "container 'web' sets -Xmx1.5g, which is not a JVM size such as '768m'; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names a MaxRAMPercentage above 80", () => {
    assert.deepEqual(check(jvmHeapSized, jvm([{ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=90.0" }])), [
      "container 'web' sets -XX:MaxRAMPercentage=90.0; keep the heap at most 80% of the limit, e.g. -XX:MaxRAMPercentage=75.0",
    ]);
  });
  it("names a JVM without a memory limit", () => {
    assert.deepEqual(
      check(
        jvmHeapSized,
        jvm([], (d) => delete web(d).resources.limits),
      ),
      [
        "container 'web' runs a JVM but has no memory limit to size its heap from; set resources.limits.memory and -XX:MaxRAMPercentage=75.0",
      ],
    );
  });
  it("judges the container kubectl.kubernetes.io/default-container names", () => {
    const withSidecar = jvm([], (d) => {
      d.spec.template.metadata.annotations = { "kubectl.kubernetes.io/default-container": "app" };
      d.spec.template.spec.containers.push({ ...container("app"), env: [{ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=70" }] });
    });
    assert.deepEqual(check(jvmHeapSized, withSidecar), []);
  });
});

describe("warmup-declared", () => {
  const warm = (seconds: string, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/warmup-seconds": seconds };
      change?.(d);
    });
  it("passes a warm-up covered by a startup probe or by minReadySeconds, and a warm-up of 0", () => {
    const probe = { httpGet: { path: "/ready", port: "http" }, failureThreshold: 30, periodSeconds: 1 };
    assert.deepEqual(
      check(warmupDeclared, [
        warm("30", (d) => (web(d).startupProbe = probe)),
        warm("30", (d) => (d.spec.minReadySeconds = 30)),
        warm("0"),
        deployment(),
      ]),
      [],
    );
  });
  it("names a warm-up with neither a startup probe nor minReadySeconds", () => {
    assert.deepEqual(check(warmupDeclared, warm("30")), [
      "it declares a warm-up of 30 s (ack-platform/warmup-seconds) but has neither a startup probe nor spec.minReadySeconds; add a startupProbe to container 'web' or set spec.minReadySeconds: 30",
    ]);
  });
  it("names a minReadySeconds shorter than the warm-up", () => {
    assert.deepEqual(
      check(
        warmupDeclared,
        warm("30", (d) => (d.spec.minReadySeconds = 10)),
      ),
      [
        "it declares a warm-up of 30 s (ack-platform/warmup-seconds) but spec.minReadySeconds is 10; add a startupProbe to container 'web' or set spec.minReadySeconds: 30",
      ],
    );
  });
  it("names a warm-up that is not a number of seconds", () => {
    assert.deepEqual(check(warmupDeclared, warm("30s")), [
      "annotation ack-platform/warmup-seconds is '30s'; write a whole number of seconds such as '30'",
    ]);
  });
});

describe("jvm-startup-probe", () => {
  const jvm = (cpu: string, change?: (d: any) => void) =>
    deployment((d) => {
      d.metadata.annotations = { "ack-platform/runtime": "jvm" };
      web(d).resources.requests.cpu = cpu;
      web(d).startupProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5, failureThreshold: 48 };
      change?.(d);
    });
  it("passes a JVM whose startup probe covers its start at its CPU request, and services that are not JVMs", () => {
    // 250m: 60 CPU-seconds over a quarter of a core is 240 s, which 48 × 5 s covers.
    assert.deepEqual(check(jvmStartupProbe, [jvm("250m"), jvm("2", (d) => (web(d).startupProbe.failureThreshold = 12)), deployment()]), []);
  });
  it("names a JVM without a startup probe", () => {
    assert.deepEqual(
      check(
        jvmStartupProbe,
        jvm("500m", (d) => delete web(d).startupProbe),
      ),
      [
        "container 'web' runs a JVM on a CPU request of '500m', which needs about 120 s to start, but has no startup probe; add one on the liveness path whose failureThreshold × periodSeconds is at least 120",
      ],
    );
  });
  it("names a startup probe shorter than the start at that CPU request", () => {
    assert.deepEqual(
      check(
        jvmStartupProbe,
        jvm("250m", (d) => (web(d).startupProbe.failureThreshold = 18)),
      ),
      [
        "container 'web''s startup probe allows 90 s, but a JVM on a CPU request of '250m' needs about 240 s to start; raise its failureThreshold to 48",
      ],
    );
  });
});
