import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { checkDisabledRules, packConfigFor, PolicySettingsError, type StackPolicySettings } from "../../policies/config";
import { configSchema, ENVIRONMENTS, isStackRule, type ResourceRule, type StackRule } from "../../policies/lib/policy";
import { RULE_GROUPS, RULES } from "../../policies/rules";
import {
  evaluatePolicies,
  formatPolicyReport,
  PolicyPackConfigError,
  reconcilePackConfig,
  stackPolicySettings,
} from "../../tools/plan/policy";
import { deployment, resource } from "./helpers";

const prod: StackPolicySettings = {
  environment: "prod",
  enforcement: "mandatory",
  disabled: [],
  capacityHeadroomPercent: 20,
  allowedRegistries: [],
};

describe("the rules", () => {
  it("are at least 30, with unique kebab-case names", () => {
    assert.ok(RULES.length >= 30, `${RULES.length} rules`);
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
    for (const r of RULES) assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.deepEqual(
      RULE_GROUPS.flatMap((g) => g.rules),
      RULES,
    );
  });
  it("each give a one-line reason, a severity, a default enforcement, the types they judge and the environment", () => {
    for (const r of RULES) {
      assert.match(r.description, /^[A-Z][^\n]{20,160}\.$/, r.name);
      assert.ok(["low", "medium", "high", "critical"].includes(r.severity), r.name);
      assert.ok(["advisory", "mandatory"].includes(r.enforcementLevel), r.name);
      assert.ok(r.appliesTo.length > 0, r.name);
      assert.deepEqual(r.configSchema.properties["environment"], configSchema().properties["environment"], r.name);
    }
  });
  it("are plain values: importing them starts no policy server", () => {
    // PolicyPack would have printed a port and kept the process alive; the rules are data.
    for (const r of RULES) assert.equal(typeof (isStackRule(r) ? r.validateStack : r.validateResource), "function");
  });
});

describe("packConfigFor", () => {
  it("gives each rule its default enforcement where the stack enforces, with the environment and the rule's settings", () => {
    const config = packConfigFor("prod", { ...prod, capacityHeadroomPercent: 30, allowedRegistries: ["harbor.example.com"] });
    assert.deepEqual(
      Object.keys(config),
      RULES.map((r) => r.name),
    );
    assert.deepEqual(config["container-memory-limit"], { enforcementLevel: "mandatory", environment: "prod" });
    assert.deepEqual(config["probes-differ"], { enforcementLevel: "advisory", environment: "prod" });
    assert.deepEqual(config["capacity-fits-node-pools"], { enforcementLevel: "mandatory", environment: "prod", headroomPercent: 30 });
    assert.deepEqual(config["image-registry-allowed"]!["allowedRegistries"], [
      "*.cr.aliyuncs.com",
      "registry.*.aliyuncs.com",
      "registry-vpc.*.aliyuncs.com",
      "registry-intl.*.aliyuncs.com",
      "registry-intl-vpc.*.aliyuncs.com",
      "harbor.example.com",
    ]);
  });
  it("makes every rule advisory where the stack's enforcement is advisory", () => {
    const config = packConfigFor("dev", { ...prod, environment: "dev", enforcement: "advisory" });
    assert.ok(Object.values(config).every((c) => c.enforcementLevel === "advisory" && c["environment"] === "dev"));
  });
  it("disables the rules the stack disables", () => {
    const config = packConfigFor("prod", {
      ...prod,
      disabled: [{ rule: "no-host-port", reason: "the ingress controller binds 80 on its nodes" }],
    });
    assert.equal(config["no-host-port"]!.enforcementLevel, "disabled");
  });
  it("refuses a rule the pack does not have, suggesting the nearest", () => {
    assert.throws(
      () =>
        packConfigFor("prod", {
          ...prod,
          disabled: [
            { rule: "no-privileged-containers", reason: "x" },
            { rule: "image-pined", reason: "y" },
          ],
        }),
      (err: unknown) => {
        assert.ok(err instanceof PolicySettingsError);
        assert.equal(
          err.message,
          [
            "stack 'prod' has 2 policy config problems; nothing was planned:",
            `  policy.disabled[0].rule: 'no-privileged-containers' is not a rule of the policy pack; the rules are: ${RULES.map((r) => r.name).join(", ")}`,
            "  policy.disabled[1].rule: 'image-pined' is not a rule of the policy pack; did you mean 'image-pinned'?",
          ].join("\n"),
        );
        return true;
      },
    );
  });
  it("refuses a rule disabled twice", () => {
    assert.deepEqual(
      checkDisabledRules({
        disabled: [
          { rule: "no-host-port", reason: "a" },
          { rule: "no-host-port", reason: "b" },
        ],
      }),
      [{ path: "policy.disabled[1].rule", message: "'no-host-port' is already disabled by policy.disabled[0]" }],
    );
  });
});

describe("reconcilePackConfig, as the CLI reconciles", () => {
  it("starts every rule from its default enforcement and its schema's defaults", () => {
    const config = reconcilePackConfig();
    assert.deepEqual(config.get("container-memory-limit"), { enforcementLevel: "mandatory", properties: { environment: "prod" } });
    assert.deepEqual(config.get("capacity-fits-node-pools"), {
      enforcementLevel: "mandatory",
      properties: { environment: "prod", headroomPercent: 20 },
    });
  });
  it("applies 'all', then each rule's entry", () => {
    const config = reconcilePackConfig({ all: "advisory", "no-privileged": { enforcementLevel: "mandatory", environment: "dev" } });
    assert.equal(config.get("container-memory-limit")!.enforcementLevel, "advisory");
    assert.deepEqual(config.get("no-privileged"), { enforcementLevel: "mandatory", properties: { environment: "dev" } });
  });
  it("refuses values the rules' schemas do not accept", () => {
    assert.throws(
      () =>
        reconcilePackConfig({
          "no-privileged": { enforcementLevel: "mandatory", environment: "production" },
          "capacity-fits-node-pools": { enforcementLevel: "mandatory", headroomPercent: 95 },
        }),
      {
        name: "PolicyPackConfigError",
        message: [
          "the policy pack's config is invalid:",
          '  no-privileged: environment: "production" is not one of "local", "dev", "staging", "prod"',
          "  capacity-fits-node-pools: headroomPercent: 95 is greater than 90",
        ].join("\n"),
      },
    );
    assert.ok(new PolicyPackConfigError([]) instanceof Error);
  });
});

/** A rule made for these tests, that reports what it was given. */
function probeRule(validate: ResourceRule["validateResource"]): ResourceRule {
  return {
    name: "probe",
    description: "A rule for the evaluator's tests.",
    severity: "low",
    enforcementLevel: "mandatory",
    configSchema: configSchema(),
    appliesTo: ["*"],
    validateResource: validate,
  };
}

describe("evaluatePolicies", () => {
  it("gives a rule the analyzer's arguments: type, urn, name, options, provider, isType and asType, config", () => {
    const provider = resource("pulumi:providers:kubernetes", { clusterIdentifier: "c-1" }, { name: "cluster" });
    const d = deployment(undefined, { provider, protect: true });
    const seen: string[] = [];
    const rule = probeRule((args, report) => {
      seen.push(
        args.type,
        args.urn,
        args.name,
        String(args.opts.protect),
        args.provider?.urn ?? "",
        String(args.provider?.props["clusterIdentifier"]),
      );
      seen.push(
        String(args.isType(k8s.apps.v1.Deployment)),
        String(args.isType(k8s.core.v1.Service)),
        String(args.asType(k8s.apps.v1.Deployment)?.spec?.replicas),
      );
      seen.push(JSON.stringify(args.getConfig()));
      report("");
    });
    const out = evaluatePolicies([provider, d], reconcilePackConfig({}, [rule]), [rule]);
    assert.deepEqual(seen.slice(10), [
      "kubernetes:apps/v1:Deployment",
      d.urn,
      "orders",
      "true",
      provider.urn,
      "c-1",
      "true",
      "false",
      "3",
      '{"environment":"prod"}',
    ]);
    assert.deepEqual(
      out[1],
      { policy: "probe", level: "mandatory", urn: d.urn, message: "A rule for the evaluator's tests." },
      "an empty message reads as the description",
    );
  });
  it("skips resources that are only read, and rules that are disabled or not applicable", () => {
    const rule = probeRule((args, report) => (args.name === "skip" ? args.notApplicable("not this one") : report(`saw ${args.name}`)));
    const resources = [
      deployment(undefined, { name: "read", read: true }),
      deployment(undefined, { name: "skip" }),
      deployment(undefined, { name: "seen" }),
    ];
    assert.deepEqual(
      evaluatePolicies(resources, reconcilePackConfig({}, [rule]), [rule]).map((v) => v.message),
      ["saw seen"],
    );
    assert.deepEqual(evaluatePolicies(resources, reconcilePackConfig({ probe: { enforcementLevel: "disabled" } }, [rule]), [rule]), []);
  });
  it("reports an unknown value as an advisory 'can't run during preview', as the analyzer does", () => {
    const rule = probeRule((args) => void args.props["spec"]["replicas"]);
    const d = deployment((o) => (o.spec.replicas = "[unknown]"));
    assert.deepEqual(evaluatePolicies([d], reconcilePackConfig({}, [rule]), [rule]), [
      {
        policy: "probe",
        level: "advisory",
        urn: d.urn,
        message:
          "can't run policy 'probe' from policy pack 'ack-platform@v0.1.0' during preview: string value at .spec.replicas can't be known during preview",
      },
    ]);
  });
  it("fails the plan when a rule throws", () => {
    const rule = probeRule(() => {
      throw new Error("boom");
    });
    const d = deployment();
    assert.throws(() => evaluatePolicies([d], reconcilePackConfig({}, [rule]), [rule]), {
      message: `policy 'probe' from policy pack 'ack-platform@v0.1.0' failed on ${d.urn}: boom`,
    });
  });
  it("gives stack rules every resource with its parent and dependencies", () => {
    const ns = resource("kubernetes:core/v1:Namespace", { metadata: { name: "apps" } });
    const d = deployment(undefined, { dependsOn: [ns] });
    const { validateResource: _, ...facts } = probeRule(() => undefined);
    const rule: StackRule = {
      ...facts,
      validateStack: (args, report) => {
        for (const r of args.resources) report(`${r.name} <- ${r.dependencies.map((x) => x.name).join(",")}`, r.urn);
      },
    };
    assert.deepEqual(evaluatePolicies([ns, d], reconcilePackConfig({}, [rule]), [rule]), [
      { policy: "probe", level: "mandatory", urn: ns.urn, message: "apps <- " },
      { policy: "probe", level: "mandatory", urn: d.urn, message: "orders <- apps" },
    ]);
  });
});

describe("stackPolicySettings", () => {
  it("reads the kind and the policy section, with the schema's defaults for the kind", () => {
    assert.deepEqual(stackPolicySettings("ack-platform", { "ack-platform:kind": "prod" }), { ...prod });
    assert.deepEqual(
      stackPolicySettings("ack-platform", {
        "ack-platform:kind": "dev",
        "ack-platform:policy": JSON.stringify({ disabled: [{ rule: "no-host-port", reason: "why" }] }),
      }),
      {
        environment: "dev",
        enforcement: "advisory",
        disabled: [{ rule: "no-host-port", reason: "why" }],
        capacityHeadroomPercent: 20,
        allowedRegistries: [],
      },
    );
  });
  it("has none for a stack of another program, or an invalid policy section (the program reports that)", () => {
    assert.equal(stackPolicySettings("other", { "other:region": "cn-hangzhou" }), undefined);
    assert.equal(
      stackPolicySettings("ack-platform", {
        "ack-platform:kind": "prod",
        "ack-platform:policy": JSON.stringify({ enforcement: "strict" }),
      }),
      undefined,
    );
  });
  it("knows every environment the pack does", () => {
    for (const kind of ENVIRONMENTS) assert.equal(stackPolicySettings("p", { "p:kind": kind })?.environment, kind);
  });
});

describe("formatPolicyReport", () => {
  it("groups violations by rule, mandatory first, and lists disabled rules with their reasons", () => {
    const urn = "urn:pulumi:prod::ack-platform::ack-platform:workload:Microservice$kubernetes:apps/v1:Deployment::orders";
    const text = formatPolicyReport(
      {
        violations: [
          { policy: "probes-differ", level: "advisory", urn, message: "same probes" },
          { policy: "no-privileged", level: "mandatory", urn, message: "privileged" },
          { policy: "capacity-fits-node-pools", level: "mandatory", message: "too big" },
        ],
        disabled: [{ rule: "no-host-port", reason: "the ingress nodes bind 80" }],
      },
      prod,
      "out/prod/policy-config.json",
    );
    const rule = (name: string) => RULES.find((r) => r.name === name)!.description;
    assert.equal(
      text,
      [
        `  policy: ack-platform pack, ${RULES.length} rules (environment prod, enforcement mandatory)`,
        "    2 mandatory and 1 advisory violation",
        `    mandatory no-privileged (1): ${rule("no-privileged")}`,
        "      orders (kubernetes:apps/v1:Deployment): privileged",
        `    mandatory capacity-fits-node-pools (1): ${rule("capacity-fits-node-pools")}`,
        "      (stack): too big",
        `    advisory probes-differ (1): ${rule("probes-differ")}`,
        "      orders (kubernetes:apps/v1:Deployment): same probes",
        "    disabled for this stack:",
        "      no-host-port: the ingress nodes bind 80",
        "    the same verdict from the CLI: pulumi preview --policy-pack policies --policy-pack-config out/prod/policy-config.json",
      ].join("\n"),
    );
  });
});
