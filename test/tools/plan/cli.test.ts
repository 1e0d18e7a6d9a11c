import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { planInProcess, plannedStack, runPlan } from "../../planRunner";

/**
 * The command as a process: the committed local stack (plannedStack) and an invalid stack.
 * The other cases run the same command line through its main in this process (planInProcess).
 */
describe("npm run plan", () => {
  it("plans the local stack: plan.json, manifests in apply order, graph, summary", () => {
    const res = plannedStack("local");
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^Planned stack 'local' of ack-platform: \d+ resources in \d+ components/m);
    assert.match(res.stdout, /by layer: /);
    assert.match(res.stdout, /plan\.json/);

    const plan = res.plan();
    assert.equal(plan.project, "ack-platform");
    assert.equal(plan.stack, "local");
    assert.deepEqual(Object.keys(plan.policy), ["violations", "disabled"]);
    assert.ok(
      plan.policy.violations.every((v) => v.level === "advisory"),
      "local enforces no rule",
    );
    assert.ok(plan.resources.length > 0);
    for (const r of plan.resources) {
      assert.deepEqual(Object.keys(r), [
        "urn",
        "type",
        "name",
        "parent",
        "provider",
        "dependsOn",
        "protect",
        "retainOnDelete",
        "inputs",
        "id",
        "state",
      ]);
      assert.match(r.urn, /^urn:pulumi:local::ack-platform::/);
    }
    const ns = plan.resources.find((r) => r.type === "kubernetes:core/v1:Namespace");
    assert.ok(ns, "the workload namespace is planned");
    assert.equal(
      ns.id,
      (ns.inputs["metadata"] as { name: string }).name,
      "the emulated provider's id and state are recorded beside the inputs",
    );
    assert.deepEqual(ns.state?.["metadata"], {
      ...(ns.inputs["metadata"] as object),
      uid: (ns.state?.["metadata"] as { uid: string }).uid,
    });
    const component = plan.resources.find((r) => r.type.startsWith("ack-platform:"))!;
    assert.deepEqual([component.id, component.state], [null, null], "components have no provider state");
    assert.ok(!fs.existsSync(path.join(res.outDir, "diff.json")), "no diff.json without --previous");
    assert.equal(ns.provider, "urn:pulumi:local::ack-platform::pulumi:providers:kubernetes::local");

    const files = res.manifests().map((m) => m.file);
    assert.equal(files[0], "00-namespace-apps.yaml", "namespaces are applied first");
    const graph = fs.readFileSync(path.join(res.outDir, "graph.md"), "utf8");
    assert.match(graph, /```mermaid\nflowchart LR\n/);
  });

  it("refuses an invalid stack with exit 2, every bad key named, no stack trace, nothing written", () => {
    const res = runPlan(["--project", "test/fixtures/invalid", "mistakes"]);
    assert.equal(res.status, 2, res.stdout + res.stderr);
    assert.equal(
      res.stderr.trim(),
      [
        "stack 'mistakes' has 4 config problems; nothing was declared:",
        "  zones: needs at least 1 zone, got 0",
        "  network.vpcCidr: '10.0.0.0/33' is not an IPv4 CIDR block such as '10.0.0.0/16': the prefix /33 is larger than /32",
        "  services[1].resources.memory: '1GB' is not a Kubernetes quantity; use '1Gi' or '1024Mi'",
        "  services[3].canary.weight: 150 is not between 0 and 100",
      ].join("\n"),
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /, "no stack trace");
    assert.ok(!fs.existsSync(path.join(res.outDir, "plan.json")), "nothing is written");
  });

  it("refuses a --previous that holds no plan of this stack, or one without provider state, with exit 2, before anything runs", async () => {
    const empty = await planInProcess(["local", "--previous", "test/fixtures"]);
    assert.equal(empty.status, 2, empty.stdout + empty.stderr);
    assert.match(empty.stderr, /^--previous .*test\/fixtures: there is no plan\.json there; plan the stack into it first$/m);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "previous-"));
    const old = { project: "ack-platform", stack: "local", resources: [{ urn: "u", type: "t", inputs: {} }] };
    fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(old));
    const stateless = await planInProcess(["local", "--previous", dir]);
    assert.equal(stateless.status, 2);
    assert.match(stateless.stderr, /records no provider state \(it was written by an older version of the plan\)/);
    fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify({ ...old, stack: "dev" }));
    const wrong = await planInProcess(["local", "--previous", dir]);
    assert.equal(wrong.status, 2);
    assert.match(
      wrong.stderr,
      /that is a plan of ack-platform\/dev, not of ack-platform\/local; compare a plan with a plan of the same stack/,
    );
    assert.ok(!fs.existsSync(path.join(wrong.outDir, "plan.json")), "nothing is written");
  });

  it("names the ESC environments a stack imports, and plans the secrets it takes from them as secrets", async () => {
    const res = await planInProcess(["--project", "test/fixtures/esc", "shared"]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(
      res.stdout,
      /^Planned stack 'shared' of ack-platform: .*\n  not read: the ESC environment 'acme\/platform-secrets' \(only the Pulumi CLI can open it; config it holds is missing from this plan\)\n    secrets taken to come from it, planned as '\[secret\]': grafanaAdminPassword, ordersDbPassword\n/m,
    );
    const plan = res.plan();
    assert.deepEqual(plan.esc, {
      environmentsNotRead: ["acme/platform-secrets"],
      inlineValuesNotRead: false,
      secretsAssumed: ["grafanaAdminPassword", "ordersDbPassword"],
    });
    // Planned as the stack file's own secret is: withheld.
    const env = res.manifests().find((m) => m.file === "05-secret-apps-orders-env.yaml");
    assert.deepEqual(env?.object["stringData"], {});
    assert.equal(env?.object["metadata"].annotations["plan.ack-platform/data"], "withheld: secret");
    assert.equal(plannedStack("dev").plan().esc, undefined, "a stack without environments has no esc entry");
  });

  it("says which missing keys may come from the ESC environments when it refuses the config", async () => {
    const res = await planInProcess(["--project", "test/fixtures/esc", "partial"]);
    assert.equal(res.status, 2, res.stdout + res.stderr);
    const note = "(it may come from the ESC environment 'acme/network', which the offline plan cannot read)";
    assert.equal(
      res.stderr.trim(),
      [
        "stack 'partial' has 4 config problems; nothing was declared:",
        `  region: is required: a region id such as 'cn-hangzhou' ${note}`,
        `  zones: is required: a list ${note}`,
        `  registry.endpoint: is required: a registry host such as 'registry.cn-hangzhou.aliyuncs.com' or 'localhost:5001' ${note}`,
        "  services[0].version: is required: a version tag such as '1.4.2' or a digest 'sha256:<64 hex digits>'",
      ].join("\n"),
    );
    assert.ok(!fs.existsSync(path.join(res.outDir, "plan.json")), "nothing is written");
  });

  it("names the stacks that exist when the stack is unknown", async () => {
    const res = await planInProcess(["nosuch"]);
    assert.equal(res.status, 2);
    assert.match(res.stderr, /there is no Pulumi\.nosuch\.yaml in .*; stacks here: dev, local, prod, staging/);
  });

  it("prints its usage without a stack", async () => {
    const res = await planInProcess([]);
    assert.equal(res.status, 2);
    assert.match(res.stderr, /usage: npm run plan -- <stack>/);
  });
});
