import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { packConfigFor } from "../../../policies/config";
import { type PlanCommandResult, planInProcess } from "../../planRunner";

const PROJECT = "test/fixtures/policy-violations";
const urn = (qualifiedType: string, name: string) => `urn:pulumi:careless::ack-platform::${qualifiedType}::${name}`;

describe("npm run plan evaluates the policy pack", () => {
  let res: PlanCommandResult;
  before(async () => {
    res = await planInProcess(["--project", PROJECT, "careless"]);
  });

  it("refuses a prod stack with mandatory violations: exit 1, the rules named on stderr", () => {
    assert.equal(res.status, 1, res.stdout + res.stderr);
    assert.match(res.stderr, /^12 mandatory policy violations \((.+)\): pulumi up would refuse this stack$/m);
  });

  it("writes the known violations to plan.json, each with its policy, level, urn and message", () => {
    const { violations, disabled } = res.plan().policy;
    const capacity = violations.find((v) => v.policy === "capacity-fits-node-pools");
    assert.match(
      capacity?.message ?? "",
      /^at peak, with every autoscaler at maxReplicas, the stack requests [\d.]+ vCPU and [\d.]+Gi of memory, but the node pools at their maximum \(general: 2 × ecs\.g7\.large\) hold 4 vCPU and 16Gi of memory, of which 80% may be requested \(20% headroom\): 3\.2 vCPU and 12\.8Gi of memory; neither CPU nor memory fits\. Largest demands: Deployment 'apps\/web' 8 vCPU, 16Gi;/,
    );
    const protection =
      "deletionProtection is false in prod; set deletionProtection: true, so a mistaken destroy or replacement cannot delete it";
    const byUrn = (a: { urn?: string }, b: { urn?: string }) => (a.urn ?? "").localeCompare(b.urn ?? "");
    assert.deepEqual(
      violations.filter((v) => v !== capacity).sort(byUrn),
      [
        {
          policy: "deletion-protection-in-prod",
          level: "mandatory",
          urn: urn("ack-platform:cloud:Cluster$alicloud:cs/managedKubernetes:ManagedKubernetes", "cluster-cluster"),
          message: protection,
        },
        {
          policy: "deletion-protection-in-prod",
          level: "mandatory",
          urn: urn("ack-platform:cloud:Network$alicloud:vpc/natGateway:NatGateway", "network-nat"),
          message: protection,
        },
        {
          policy: "deletion-protection-in-prod",
          level: "mandatory",
          urn: urn("ack-platform:cloud:Network$alicloud:ecs/eipAddress:EipAddress", "network-eip"),
          message: protection,
        },
        {
          policy: "image-registry-allowed",
          level: "mandatory",
          urn: urn("ack-platform:workload:Microservice$kubernetes:apps/v1:Deployment", "web-deployment"),
          message:
            "container 'web' pulls 'docker.io/library/nginx:1.27.3' from docker.io, which is not an allowed registry (*.cr.aliyuncs.com, registry.*.aliyuncs.com, registry-vpc.*.aliyuncs.com, registry-intl.*.aliyuncs.com, registry-intl-vpc.*.aliyuncs.com); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries",
        },
        ...[
          [
            "ack-platform:cloud:Cluster$alicloud:cs/nodePool:NodePool",
            "cluster-pool-general",
            "deleting or replacing the node pool drains and deletes its nodes",
          ],
          [
            "ack-platform:cloud:Cluster$alicloud:kms/key:Key",
            "cluster-secrets-key",
            "without the key, nothing it encrypted can be read again",
          ],
          ...["nodes", "pods"].flatMap((kind) =>
            ["h", "i"].map((zone) => [
              "ack-platform:cloud:Network$alicloud:vpc/switch:Switch",
              `network-${kind}-cn-hangzhou-${zone}`,
              "the vSwitch holds the nodes' and pods' network interfaces",
            ]),
          ),
        ].map(([type, name, why]) => ({
          // Deletion protection turned off leaves the pools, the key and the vSwitches unprotected too.
          policy: "cloud-resources-protected-in-prod",
          level: "mandatory",
          urn: urn(type!, name!),
          message: `not protected in prod, and ${why}; declare it with the resource option { protect: true } (to delete it on purpose: pulumi state unprotect, then pulumi up)`,
        })),
        {
          policy: "hpa-bounds",
          level: "mandatory",
          urn: urn("ack-platform:workload:Microservice$kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa"),
          message: "minReplicas is 1 in prod; set it to at least 2, so a node drain or a crash leaves one pod serving",
        },
      ].sort(byUrn),
    );
    assert.equal(capacity?.urn, undefined, "the capacity verdict is on the stack");
    assert.deepEqual(disabled, [
      { rule: "no-host-port", reason: "the edge proxies bind port 80 on their nodes until the gateway migration ends" },
    ]);
  });

  it("prints the violations grouped by rule, and the disabled rules with their reasons", () => {
    const report = res.stdout.slice(res.stdout.indexOf("  policy:"));
    assert.match(
      report,
      /^ {2}policy: ack-platform pack, \d+ rules \(environment prod, enforcement mandatory\)\n {4}12 mandatory and 0 advisory violations\n/,
    );
    assert.match(
      report,
      /\n {4}mandatory deletion-protection-in-prod \(3\): A production cluster, .+\n( {6}network-\w+ \(alicloud:[^)]+\): deletionProtection is false in prod; .+\n| {6}cluster-cluster \(alicloud:cs\/managedKubernetes:ManagedKubernetes\): deletionProtection is false in prod; .+\n){3}/,
    );
    assert.match(report, /\n {4}mandatory capacity-fits-node-pools \(1\): .+\n {6}\(stack\): at peak, /);
    assert.match(
      report,
      /\n {4}disabled for this stack:\n {6}no-host-port: the edge proxies bind port 80 on their nodes until the gateway migration ends\n/,
    );
    const order = ["image-registry-allowed", "hpa-bounds", "capacity-fits-node-pools", "deletion-protection-in-prod"].map((rule) =>
      report.indexOf(`mandatory ${rule} (`),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      "grouped in the pack's order of rules",
    );
  });

  it("writes the pack config for `pulumi preview --policy-pack policies --policy-pack-config`", () => {
    const written = JSON.parse(fs.readFileSync(path.join(res.outDir, "policy-config.json"), "utf8"));
    const expected = packConfigFor("careless", {
      environment: "prod",
      enforcement: "mandatory",
      disabled: [{ rule: "no-host-port", reason: "the edge proxies bind port 80 on their nodes until the gateway migration ends" }],
      capacityHeadroomPercent: 20,
      allowedRegistries: [],
    });
    assert.deepEqual(written, expected);
    assert.equal(written["no-host-port"].enforcementLevel, "disabled");
    assert.match(
      res.stdout,
      new RegExp(`pulumi preview --policy-pack policies --policy-pack-config .*${path.basename(res.outDir)}/policy-config\\.json`),
    );
  });

  it("refuses a rule disabled without a reason", async () => {
    const unexplained = await planInProcess(["--project", PROJECT, "unexplained"]);
    assert.equal(unexplained.status, 2, unexplained.stdout + unexplained.stderr);
    assert.equal(
      unexplained.stderr.trim(),
      [
        "stack 'unexplained' has 1 config problem; nothing was declared:",
        "  policy.disabled[0].reason: is required: a sentence saying why the rule does not apply here",
      ].join("\n"),
    );
  });

  it("refuses a disabled rule the pack does not have, before planning anything", async () => {
    const typo = await planInProcess(["--project", PROJECT, "typo"]);
    assert.equal(typo.status, 2, typo.stdout + typo.stderr);
    assert.equal(
      typo.stderr.trim(),
      [
        "stack 'typo' has 1 policy config problem; nothing was planned:",
        "  policy.disabled[0].rule: 'no-host-ports' is not a rule of the policy pack; did you mean 'no-host-port'?",
      ].join("\n"),
    );
    assert.ok(!fs.existsSync(path.join(typo.outDir, "plan.json")), "nothing is written");
  });
});
