import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  validateWorkloadNamespaceArgs,
  WorkloadNamespace,
  workloadNamespaceProblems,
} from "../../../components/platform/workloadNamespace";
import { assertValidObjects } from "../../kubernetesSchemas";
import { render, testProvider } from "../../harness";

describe("WorkloadNamespace", () => {
  it("by default enforces the restricted Pod Security Standard and gives containers default limits", async () => {
    const out = await render(() => new WorkloadNamespace("apps", { name: "apps" }, { provider: testProvider() }));
    const ns = out.object("Namespace", "apps");
    assert.equal(ns["metadata"].labels["pod-security.kubernetes.io/enforce"], "restricted");
    const limits = out.object("LimitRange", "container-defaults");
    assert.equal(limits["metadata"].namespace, "apps");
    assert.deepEqual(limits["spec"].limits[0], {
      type: "Container",
      defaultRequest: { cpu: "100m", memory: "256Mi" },
      default: { memory: "256Mi" },
    });
    assert.equal(out.named("apps-limits").parent, out.named("apps").urn);
    await assertValidObjects(out.objects());
  });

  it("takes the baseline level and other defaults", async () => {
    const out = await render(
      () =>
        new WorkloadNamespace(
          "jobs",
          { name: "jobs", podSecurity: "baseline", containerDefaults: { cpu: "50m", memory: "128Mi" } },
          { provider: testProvider() },
        ),
    );
    assert.equal(out.object("Namespace", "jobs")["metadata"].labels["pod-security.kubernetes.io/enforce"], "baseline");
    assert.equal(out.object("LimitRange", "container-defaults")["spec"].limits[0].default.memory, "128Mi");
  });

  it("closes the namespace's network: everything denied, DNS allowed", async () => {
    const out = await render(() => new WorkloadNamespace("apps", { name: "apps" }, { provider: testProvider() }));
    const deny = out.object("NetworkPolicy", "default-deny");
    assert.deepEqual(deny["spec"], { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    assert.equal(deny["metadata"].namespace, "apps");
    const dns = out.object("NetworkPolicy", "allow-dns");
    assert.deepEqual(dns["spec"].policyTypes, ["Egress"]);
    assert.deepEqual(dns["spec"].egress[0].ports, [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    assert.deepEqual(dns["spec"].egress[0].to[0].podSelector, { matchLabels: { "k8s-app": "kube-dns" } });
    assert.equal(out.named("apps-default-deny").parent, out.named("apps").urn);
    await assertValidObjects(out.objects());
    const open = await render(() => new WorkloadNamespace("lab", { name: "lab", defaultDeny: false }, { provider: testProvider() }));
    assert.equal(open.objects("NetworkPolicy").length, 0);
  });

  it("refuses a name that is not a DNS label", () => {
    assert.throws(
      () => validateWorkloadNamespaceArgs({ name: "Apps_1" }),
      /WorkloadNamespace name: 'Apps_1' is not a DNS label \(a-z, 0-9 and '-', at most 63 characters\)/,
    );
  });

  it("refuses a Pod Security level it does not know, with every other problem at once", () => {
    assert.deepEqual(workloadNamespaceProblems({ name: "apps", podSecurity: "privileged" as never }), [
      { field: "podSecurity", message: "'privileged' is not one of: restricted, baseline" },
    ]);
    assert.deepEqual(
      workloadNamespaceProblems({ name: "Apps_1", podSecurity: "open" as never }).map((p) => p.field),
      ["name", "podSecurity"],
    );
    assert.deepEqual(workloadNamespaceProblems({ name: "apps", podSecurity: "baseline" }), []);
  });
});
