/**
 * The pack as the Pulumi CLI runs it: `pulumi preview --policy-pack policies` starts policies/ with
 * @pulumi/pulumi's run-policy-pack (TypeScript compiled and type-checked by ts-node), then talks
 * to it over gRPC: GetAnalyzerInfo, Configure with the reconciled config, Analyze for each resource,
 * AnalyzeStack at the end. This test does the same, and checks that the pack's verdicts are the
 * offline evaluator's, word for word.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { packConfigFor } from "../../policies/config";
import { RULES } from "../../policies/rules";
import type { PlannedResource } from "../../tools/plan/engine";
import { evaluatePolicies, type PolicyViolation, reconcilePackConfig, type ReconciledConfig } from "../../tools/plan/policy";
import { REPO } from "../planRunner";
import { canaryStack, deployment, hpa, resource } from "./helpers";

const grpc = require("@grpc/grpc-js");
const analyzer = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let pack: ChildProcess | undefined;
let client: any;

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** The engine's wire form of a resource's inputs: unknowns as its sentinel. */
function wireProperties(inputs: Record<string, unknown>) {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(inputs).replaceAll('"[unknown]"', JSON.stringify(UNKNOWN))));
}

function options(r: PlannedResource) {
  const o = new analyzer.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  return o;
}

/** A diagnostic in the offline evaluator's terms; the server prefixes a violation's message with the rule's description. */
function fromDiagnostic(d: any): PolicyViolation {
  const prefix = `${d.getDescription()}\n`;
  const message: string = d.getMessage();
  return {
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()] as "advisory" | "mandatory",
    ...(d.getUrn() ? { urn: d.getUrn() } : {}),
    message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
  };
}

/** What the pack server reports for a resource, in the offline evaluator's terms. */
async function analyze(r: PlannedResource): Promise<PolicyViolation[]> {
  const req = new analyzer.AnalyzeRequest();
  req.setUrn(r.urn);
  req.setType(r.type);
  req.setName(r.name);
  req.setProperties(wireProperties(r.inputs));
  req.setOptions(options(r));
  const res: any = await call("analyze", req);
  // The engine attributes a resource's diagnostics to the resource; they carry no urn of their own.
  return res.getDiagnosticsList().map((d: any) => ({ ...fromDiagnostic(d), urn: r.urn }));
}

async function analyzeStack(resources: readonly PlannedResource[]): Promise<PolicyViolation[]> {
  const req = new analyzer.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const a = new analyzer.AnalyzerResource();
      a.setUrn(r.urn);
      a.setType(r.type);
      a.setName(r.name);
      a.setProperties(wireProperties(r.inputs));
      a.setOptions(options(r));
      a.setDependenciesList(r.dependsOn);
      return a;
    }),
  );
  const res: any = await call("analyzeStack", req);
  return res.getDiagnosticsList().map(fromDiagnostic);
}

async function configure(config: ReconciledConfig): Promise<void> {
  const req = new analyzer.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, settings] of config) {
    const c = new analyzer.PolicyConfig();
    c.setEnforcementlevel(LEVELS.indexOf(settings.enforcementLevel as (typeof LEVELS)[number]));
    c.setProperties(Struct.fromJavaScript(settings.properties));
    map.set(name, c);
  }
  await call("configure", req);
}

describe("the policy pack under the Pulumi CLI's policy runner", { timeout: 180_000 }, () => {
  before(async () => {
    const runner = path.join(REPO, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
    pack = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: path.join(REPO, "policies"), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    pack.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      pack!.stdout!.on("data", (chunk) => {
        out += chunk;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      pack!.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client?.close();
    pack?.kill();
  });

  it("announces every rule with its description, severity, default enforcement and config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "ack-platform");
    const policies = info.getPoliciesList().map((p: any) => ({
      name: p.getName(),
      description: p.getDescription(),
      enforcementLevel: LEVELS[p.getEnforcementlevel()],
      properties: Object.keys(p.getConfigschema().getProperties().toJavaScript()).sort(),
    }));
    assert.deepEqual(
      policies,
      RULES.map((r) => ({
        name: r.name,
        description: r.description,
        enforcementLevel: r.enforcementLevel,
        properties: Object.keys(r.configSchema.properties).sort(),
      })),
    );
  });

  it("reports what the offline evaluator reports, resource by resource and for the stack", async () => {
    const settings = {
      environment: "prod" as const,
      enforcement: "mandatory" as const,
      disabled: [{ rule: "no-host-port", reason: "tested elsewhere" }],
      capacityHeadroomPercent: 20,
      allowedRegistries: [],
    };
    const config = reconcilePackConfig(packConfigFor("prod", settings));
    await configure(config);
    const bad = deployment((d) => {
      const c = d.spec.template.spec.containers[0];
      c.image = "nginx:latest";
      c.ports[0].hostPort = 80;
      delete c.resources.limits;
      c.securityContext.privileged = true;
      d.spec.replicas = 1;
      d.metadata.annotations = { "ack-platform/warmup-seconds": "20" };
    });
    const unknownImage = deployment((d) => (d.spec.template.spec.containers[0].image = "[unknown]"), { name: "pending" });
    const resources = [
      bad,
      unknownImage,
      hpa((h) => (h.spec.minReplicas = 9), "checkout"),
      resource("alicloud:cs/managedKubernetes:ManagedKubernetes", { name: "acme" }),
      resource("kubernetes:core/v1:PersistentVolumeClaim", { spec: { accessModes: ["ReadWriteOnce"] } }, { protect: true }),
      ...canaryStack().slice(1),
    ];
    const offline = evaluatePolicies(resources, config);
    const served: PolicyViolation[] = [];
    for (const r of resources) served.push(...(await analyze(r)));
    served.push(...(await analyzeStack(resources)));
    assert.deepEqual(served, offline);
    // The comparison covers every kind of outcome: both levels, an unknown value, a stack violation.
    assert.ok(offline.some((v) => v.level === "mandatory") && offline.some((v) => v.level === "advisory"));
    assert.ok(
      offline.some((v) => v.message.startsWith("can't run policy 'image-pinned' from policy pack 'ack-platform@v0.1.0' during preview")),
    );
    assert.ok(offline.some((v) => v.policy === "prod-min-replicas" && v.urn === bad.urn));
    assert.ok(offline.some((v) => v.policy === "hpa-target-exists"));
    assert.ok(!offline.some((v) => v.policy === "no-host-port"), "a disabled rule reports nothing");
  });
});
