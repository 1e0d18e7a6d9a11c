import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { planStack } from "../../tools/plan/plan";
import { KNOWN_TYPES } from "../../tools/plan/replacements";
import { assertValidObjects } from "../kubernetesSchemas";
import { diffOf, planInProcess, plannedStack, REPO, repositoryStacks } from "../planRunner";
import { promqlProblems } from "../promql";

/** Every file under `dir` (relative path to contents), for a comparison byte for byte. */
function filesUnder(dir: string): Map<string, Buffer> {
  const files = fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

describe("every stack of the repository plans", () => {
  for (const stack of repositoryStacks()) {
    it(`plans ${stack}, with every Kubernetes object valid against the API schemas; planned again, pulumi up would change nothing`, async () => {
      const res = plannedStack(stack);
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
      const plan = res.plan();
      assert.equal(plan.stack, stack);
      await assertValidObjects(res.manifests().map((m) => m.object));
      // kubectl and Helm read YAML 1.1, where an unquoted off, on, yes or y is a boolean: a file must
      // mean the same to them (an annotation "off" read as false is refused by the API server).
      for (const { file, object } of res.manifests()) {
        const text = fs.readFileSync(path.join(res.outDir, "manifests", file), "utf8");
        assert.deepEqual(YAML.parse(text, { version: "1.1" }), object, file);
      }
      const violations = plan.policy.violations.filter((v) => v.level === "mandatory");
      assert.deepEqual(violations, [], "no mandatory policy violation");
      // Every PromQL expression the plan holds (alert and recording rules, in manifests and in Helm values) parses.
      const helmDir = path.join(res.outDir, "helm");
      const documents = [
        ...res.manifests().map((m) => ({ where: m.file, value: m.object as unknown })),
        ...(fs.existsSync(helmDir) ? fs.readdirSync(helmDir) : []).map((f) => ({
          where: `helm/${f}`,
          value: YAML.parse(fs.readFileSync(path.join(helmDir, f), "utf8")) as unknown,
        })),
      ];
      const expressions = documents.flatMap((d) => promqlExpressions(d.value).map((e) => ({ ...e, where: `${d.where}: ${e.where}` })));
      const rules = res.manifests().filter((m) => m.object["kind"] === "PrometheusRule").length;
      if (rules > 0) assert.ok(expressions.length >= rules, `${expressions.length} expressions in ${rules} PrometheusRules`);
      assert.deepEqual(
        expressions.flatMap((e) => promqlProblems(e.expr).map((p) => `${e.where}: ${p}`)),
        [],
      );

      // The plan's shortcuts change nothing it says: planned the slow way (the SDK's own mock monitor
      // and diagnostics, every rule reading through the analyzer's proxy, plan.json in one piece), every
      // file it writes (plan.json with the verdicts, manifests, Helm values, graph, pack config) is the same.
      const reference = await planStack({
        projectDir: REPO,
        stack,
        outDir: fs.mkdtempSync(path.join(os.tmpdir(), "plan-ref-")),
        reference: true,
      });
      const [fast, slow] = [filesUnder(res.outDir), filesUnder(reference.outDir)];
      assert.deepEqual([...fast.keys()], [...slow.keys()], "the same files");
      for (const [file, bytes] of slow)
        assert.ok(fast.get(file)!.equals(bytes), `${file} is the same byte for byte as planned the slow way`);

      // Every cloud and cluster resource type the stack declares has its replacement rules listed.
      const custom = plan.resources.filter((r) => r.state !== null).map((r) => r.type);
      assert.deepEqual(
        [...new Set(custom.filter((t) => !KNOWN_TYPES.has(t)))],
        [],
        "types missing from tools/plan/replacements.ts (add them with their provider's ForceNew fields)",
      );

      // The second `pulumi up`: the same program against the state the first one left is a no-op,
      // and the emulated state is the same byte for byte (nothing depends on time or run order).
      const again = await planInProcess([stack, "--previous", res.outDir]);
      assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
      assert.deepEqual(diffOf(again), { added: [], removed: [], updated: [], replaced: [], ignored: [] });
      assert.match(again.stdout, /no changes; pulumi up would change nothing\./);
      assert.equal(
        fs.readFileSync(path.join(again.outDir, "plan.json"), "utf8"),
        fs.readFileSync(path.join(res.outDir, "plan.json"), "utf8"),
        "a plan is deterministic",
      );
    });
  }
});

/** Every `expr` string under `value` (a PrometheusRule's rules, or rules in Helm values), with its path. */
function promqlExpressions(value: unknown, at = ""): Array<{ where: string; expr: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => promqlExpressions(v, `${at}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "expr" && typeof v === "string" ? [{ where: `${at}.expr`, expr: v }] : promqlExpressions(v, `${at}.${key}`),
  );
}

/** A project directory holding a copy of one of the repository's stacks, changed by `change`. */
function projectWith(stack: string, change: (config: Record<string, any>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-copy-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    YAML.stringify({ name: "ack-platform", runtime: { name: "nodejs", options: { typescript: true } }, main: path.join(REPO, "stacks") }),
  );
  const file = YAML.parse(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
  change(file.config);
  // Written as YAML 1.1, which quotes what a YAML 1.1 reader would misread ('01:00'): the stack refuses it unquoted.
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(file, { version: "1.1" }));
  return dir;
}

describe("a copy of prod with the ALB Ingress controller", () => {
  it("plans with ACK's ALB add-on, installed on the existing cluster, and the AlbConfig after it", async () => {
    const dir = projectWith("prod", (c) => {
      c["ack-platform:gateway"] = {
        controller: "alb",
        alb: { vswitchIds: ["vsw-bp1albzoneh0000000001", "vsw-bp1albzonei0000000002"] },
        tls: { mode: "alb-discovery" },
      };
      // Only Envoy Gateway enforces the UIs' source ranges: without it they are reached by port-forward.
      delete c["ack-platform:logging"];
      delete c["ack-platform:monitoring"];
      // ALB routes a testers' header only to a canary: payments' header to its Kubernetes build goes.
      for (const svc of c["ack-platform:services"]) delete svc.legacy?.header;
    });
    const res = await planInProcess(["--project", dir, "prod"]);
    assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    const plan = res.plan();
    const addon = plan.resources.find(
      (r) => r.type === "alicloud:cs/kubernetesAddon:KubernetesAddon" && r.inputs["name"] === "alb-ingress-controller",
    );
    assert.ok(addon, "the ALB Ingress controller add-on");
    assert.equal(addon.inputs["config"], '{"albIngress":{"CreateDefaultALBConfig":false}}');
    const cluster = plan.resources.find((r) => r.type === "alicloud:cs/managedKubernetes:ManagedKubernetes")!;
    assert.ok(
      addon.dependsOn.some((d) => plan.resources.find((r) => r.urn === d)?.type === "alicloud:cs/nodePool:NodePool"),
      "after the nodes",
    );
    assert.ok(
      !(cluster.inputs["addons"] as Array<{ name: string }>).some((a) => a.name === "alb-ingress-controller"),
      "not in the create-only list",
    );
    const albConfig = plan.resources.find((r) => r.type === "kubernetes:alibabacloud.com/v1:AlbConfig");
    assert.ok(albConfig, "an AlbConfig");
    assert.ok(albConfig.dependsOn.includes(addon.urn), "the AlbConfig waits for the add-on that installs its CRD");
    assert.deepEqual(
      plan.policy.violations.filter((v) => v.level === "mandatory"),
      [],
    );
  });
});
