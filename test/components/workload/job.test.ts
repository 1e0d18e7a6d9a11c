import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchJob } from "../../../components/workload/job";
import { type BatchJobArgs, batchJobProblems, planBatchJob, scheduleProblem } from "../../../components/workload/jobPlan";
import { formatProblemPath } from "../../../components/workload/validate";
import { render, testProvider } from "../../harness";
import { assertValidObjects } from "../../kubernetesSchemas";

const MIGRATE: BatchJobArgs = {
  namespace: "apps",
  image: "registry.example.com/acme/orders:4.3.0",
  version: "4.3.0",
  command: ["/app/orders", "migrate"],
  resources: { cpu: "250m", memory: "512Mi" },
  env: { DB_HOST: "rm-bp1orders.mysql.rds.aliyuncs.com" },
};

describe("BatchJob: a one-off job", () => {
  it("is a Job with the services' hardened pod, no probes, that Pulumi waits to complete and replaces when it changes", async () => {
    const out = await render(() => new BatchJob("orders-migrate", MIGRATE, { provider: testProvider() }));
    await assertValidObjects(out.objects());
    const job = out.object("Job", "orders-migrate");
    assert.deepEqual(job["metadata"].annotations, { "pulumi.com/waitFor": "condition=Complete", "pulumi.com/timeoutSeconds": "3720" });
    assert.equal(job["spec"].backoffLimit, 2);
    assert.equal(job["spec"].activeDeadlineSeconds, 3600);
    const pod = job["spec"].template.spec;
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.topologySpreadConstraints, undefined);
    const c = pod.containers[0];
    assert.deepEqual(c.command, ["/app/orders", "migrate"]);
    assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } });
    assert.equal(c.readinessProbe, undefined);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: "orders-migrate-env" } }]);
    assert.deepEqual(
      planBatchJob("orders-migrate", MIGRATE).map((o) => [o.role, o.deleteBeforeReplace ?? false]),
      [
        ["config", false],
        ["job", true],
      ],
    );
  });
});

describe("BatchJob: a scheduled job", () => {
  const NIGHTLY: BatchJobArgs = {
    ...MIGRATE,
    command: ["/app/orders", "reconcile"],
    schedule: "30 2 * * *",
    runtime: "jvm",
    resources: { cpu: "500m", memory: "1Gi" },
    secretEnv: { DB_PASSWORD: "s3cret" },
    mounts: [{ claim: "reports", mountPath: "/reports" }],
    placement: { nodeSelector: { "acme.example.com/pool": "batch" } },
    network: { egress: [{ cidr: "10.30.0.0/16", ports: [3306] }] },
    monitoring: { stack: "prod" },
  };

  it("is a CronJob in its time zone that skips a run while the previous one runs, alerts on a failed run and reaches only what it declares", async () => {
    const out = await render(() => new BatchJob("orders-reconcile", NIGHTLY, { provider: testProvider() }));
    // A Secret's data is recorded as "[secret]", never in clear.
    assert.equal(out.object("Secret", "orders-reconcile-env")["stringData"], "[secret]");
    await assertValidObjects(out.objects().filter((o) => o["kind"] !== "Secret"));
    const cron = out.object("CronJob", "orders-reconcile");
    assert.deepEqual(
      [cron["spec"].schedule, cron["spec"].timeZone, cron["spec"].concurrencyPolicy, cron["spec"].startingDeadlineSeconds],
      ["30 2 * * *", "Asia/Shanghai", "Forbid", 300],
    );
    const pod = cron["spec"].jobTemplate.spec.template.spec;
    assert.deepEqual(pod.nodeSelector, { "acme.example.com/pool": "batch" });
    assert.deepEqual(pod.volumes[1], { name: "reports", persistentVolumeClaim: { claimName: "reports" } });
    assert.match(pod.containers[0].env[0].value, /MaxRAMPercentage/);
    assert.deepEqual(pod.containers[0].envFrom, [
      { configMapRef: { name: "orders-reconcile-env" } },
      { secretRef: { name: "orders-reconcile-env" } },
    ]);
    const alert = out.object("PrometheusRule", "orders-reconcile")["spec"].groups[0].rules[0];
    assert.equal(alert.expr, 'max(kube_job_status_failed{namespace="apps", job_name=~"orders-reconcile(-[0-9]+)?"}) > 0');
    const policy = out.object("NetworkPolicy", "orders-reconcile")["spec"];
    assert.deepEqual(policy.podSelector, { matchLabels: { "app.kubernetes.io/name": "orders-reconcile" } });
    assert.deepEqual(policy.ingress, []);
    assert.deepEqual(policy.egress, [{ to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ protocol: "TCP", port: 3306 }] }]);
  });
});

describe("BatchJob: refused args", () => {
  const problems = (args: Partial<BatchJobArgs>, name = "orders-migrate") =>
    batchJobProblems(name, { ...MIGRATE, ...args }).map((p) => `${formatProblemPath(p.path)}: ${p.message}`);

  it("accepts the defaults", () => assert.deepEqual(problems({}), []));

  it("refuses schedules, names and settings that cannot run", () => {
    assert.deepEqual(problems({ schedule: "every night", timezone: "Shanghai", concurrency: "Allow" as "Forbid", retries: 11 }), [
      "schedule: 'every night' is not a cron schedule of five fields (minute hour day-of-month month day-of-week) such as '0 3 * * *' (03:00 every day)",
      "timezone: 'Shanghai' is not a time zone such as 'Asia/Shanghai' or 'UTC'",
      "concurrency: 'Allow' is not one of: Forbid, Replace",
      "retries: 11 is not between 0 and 10",
    ]);
    assert.deepEqual(problems({ schedule: "0 3 * * *" }, "orders-reconcile-the-ledger-against-the-bank-statements"), [
      "name: 'orders-reconcile-the-ledger-against-the-bank-statements' is not a name of 1-52 characters of a-z, 0-9 and '-' starting with a letter (a CronJob's runs add 11 characters)",
    ]);
    assert.deepEqual(problems({ timezone: "UTC" }), ["timezone: is only used with a schedule"]);
    assert.deepEqual(problems({ image: "orders:latest", resources: { cpu: "250m", memory: "32Mi" } }), [
      "image: 'orders:latest' uses 'latest': pin a version so every release can be rolled back to",
      "resources.memory: '32Mi' is below the 64Mi minimum; use at least '64Mi'",
    ]);
  });

  it("reads cron schedules as Kubernetes does", () => {
    for (const ok of ["0 3 * * *", "*/15 * * * *", "0 1-5 * * 1,3,5", "@daily", "30 2 1 */2 0"])
      assert.equal(scheduleProblem(ok), undefined, ok);
    for (const bad of ["0 24 * * *", "60 1 * * *", "* * * *", "0 3 * * MON-", "0 3 32 * *"])
      assert.notEqual(scheduleProblem(bad), undefined, bad);
  });

  it("throws before declaring anything", async () => {
    const out = await render(() => {
      assert.throws(
        () => new BatchJob("orders-migrate", { ...MIGRATE, schedule: "daily" }, { provider: testProvider() }),
        /BatchJob 'orders-migrate' has invalid args:\n {2}schedule: 'daily' is not a cron schedule/,
      );
    });
    assert.deepEqual(
      out.resources.filter((r) => r.type !== "pulumi:providers:kubernetes"),
      [],
    );
  });
});
