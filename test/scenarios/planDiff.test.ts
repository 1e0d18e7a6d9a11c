import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { copyOfProject, diffOf, type PlanCommandResult, planInProcess, plannedStack } from "../planRunner";

/** The last segment of a URN: the resource's name. */
const nameOf = (urn: string) => urn.split("::").pop()!;

describe("npm run plan -- prod --previous: what pulumi up would change in prod", { concurrency: false }, () => {
  let dir: string;
  let first: PlanCommandResult;
  const file = () => path.join(dir, "Pulumi.prod.yaml");
  const original = () => fs.readFileSync(path.join(dir, "original.yaml"), "utf8");
  before(async () => {
    dir = copyOfProject("prod");
    fs.copyFileSync(file(), path.join(dir, "original.yaml"));
    // The unchanged copy plans byte for byte as the repository's prod: the shared plan stands for it.
    first = plannedStack("prod");
    assert.equal(first.status, 0, first.stderr);
  });

  it("after a VPC CIDR change: the VPC is updated in place, its vSwitches and what hangs on them replaced, protected ones first", async () => {
    fs.writeFileSync(file(), original().replace("vpcCidr: 10.30.0.0/16", "vpcCidr: 10.31.0.0/16"));
    const res = await planInProcess(["--project", dir, "prod", "--previous", first.outDir]);
    assert.equal(res.status, 0, res.stderr);
    const diff = diffOf(res);
    const plan = res.plan();
    const typeOf = new Map(plan.resources.map((r) => [r.urn, r.type]));
    assert.deepEqual(diff.added, []);
    assert.deepEqual(diff.removed, []);

    // The provider changes a VPC's CIDR block in place (ModifyVpcAttribute); a vSwitch's is ForceNew.
    const vpc = diff.updated.find((u) => typeOf.get(u.urn) === "alicloud:vpc/network:Network");
    assert.deepEqual(vpc?.fields, ["cidrBlock"]);
    const replacedTypes = new Set(diff.replaced.map((r) => typeOf.get(r.urn)));
    const switches = plan.resources.filter((r) => r.type === "alicloud:vpc/switch:Switch").map((r) => r.urn);
    assert.ok(switches.length >= 6);
    for (const s of switches) {
      const r = diff.replaced.find((x) => x.urn === s);
      assert.deepEqual(r?.replaceOn, ["cidrBlock"], `${nameOf(s)} is replaced for its CIDR block`);
    }
    // What carries a replaced vSwitch's id is replaced where that input is ForceNew...
    for (const t of ["alicloud:vpc/routeTableAttachment:RouteTableAttachment", "alicloud:vpc/snatEntry:SnatEntry"]) {
      assert.ok(replacedTypes.has(t), `${t} is replaced`);
    }
    // ...updated where the provider changes it in place, and ignored where it reads it only at creation.
    const cluster = plan.resources.find((r) => r.type === "alicloud:cs/managedKubernetes:ManagedKubernetes")!.urn;
    assert.deepEqual(diff.updated.find((u) => u.urn === cluster)?.fields, ["vswitchIds"]);
    assert.deepEqual(diff.ignored.find((u) => u.urn === cluster)?.fields, ["podVswitchIds"]);

    // The summary calls out protected replacements before any other change.
    const summary = res.stdout.slice(res.stdout.indexOf("Compared with"));
    assert.match(summary, new RegExp(`^Compared with .*: ${diff.replaced.length} to replace`));
    // prod protects its vSwitches: pulumi up would refuse, and the summary says so before anything else.
    const protectedOnes = diff.replaced.filter((r) => r.protected).map((r) => r.urn);
    assert.deepEqual([...protectedOnes].sort(), [...switches].sort());
    const sections = [...summary.matchAll(/^ {2}(\S[^:]*):$/gm)].map((m) => m[1]);
    assert.deepEqual(sections.slice(0, 3), ["REPLACE PROTECTED (pulumi up refuses until they are unprotected)", "replace", "update"]);
    assert.match(
      summary,
      /: 20 to replace \(6 protected\), 0 to delete, 0 to create, \d+ to update\n {2}REPLACE PROTECTED[^\n]*\n {4}alicloud Switch /,
    );
  });

  it("after a node pool is renamed with its former name: the same pool, renamed in place", async () => {
    const text = original();
    assert.match(text, /\n {6}- name: general\n/);
    fs.writeFileSync(file(), text.replace(/\n( {6})- name: general\n/, "\n$1- name: main\n$1  formerName: general\n"));
    const res = await planInProcess(["--project", dir, "prod", "--previous", first.outDir]);
    assert.equal(res.status, 0, res.stderr);
    const diff = diffOf(res);
    assert.deepEqual({ added: diff.added, removed: diff.removed, replaced: diff.replaced }, { added: [], removed: [], replaced: [] });
    const pool = diff.updated.find((u) => nameOf(u.urn) === "cluster-pool-main");
    assert.deepEqual(pool?.fields, ["nodePoolName"], "an alias of the old URN: the pool keeps its nodes");
  });

  it("after a service is removed: its resources are deleted, the protected repository called out, and nothing else in the cloud or the cluster changes", async () => {
    const text = original();
    const start = text.indexOf("    - name: cart\n");
    const end = text.indexOf("\n    - name:", start + 1);
    assert.ok(start > 0 && end > start, "the prod stack has a cart service followed by another");
    fs.writeFileSync(file(), text.slice(0, start) + text.slice(end + 1));
    const res = await planInProcess(["--project", dir, "prod", "--previous", first.outDir]);
    assert.equal(res.status, 0, res.stderr);
    const diff = diffOf(res);
    const cart = first
      .plan()
      .resources.filter((r) => r.name === "cart" || r.name.startsWith("cart-") || r.name === "registry-repo-cart")
      .map((r) => r.urn);
    assert.ok(cart.length >= 5);
    assert.deepEqual([...diff.removed].sort(), [...cart].sort());
    assert.deepEqual({ added: diff.added, replaced: diff.replaced }, { added: [], replaced: [] });
    // Nothing in the cloud or the cluster is updated; a component whose recorded inputs list the
    // service (what the registry mirror asks people to fill) is, as the engine compares components.
    const typeOf = new Map(res.plan().resources.map((r) => [r.urn, r.type]));
    assert.deepEqual(
      diff.updated.filter((u) => !typeOf.get(u.urn)!.startsWith("ack-platform:")),
      [],
    );
    // prod protects the registry's repositories: deleting the service's own is refused, and said first.
    const repo = cart.find((u) => nameOf(u) === "registry-repo-cart")!;
    assert.ok(first.plan().resources.find((r) => r.urn === repo)!.protect);
    assert.match(
      res.stdout,
      new RegExp(
        `: 0 to replace, ${cart.length} to delete \\(1 protected\\), 0 to create, ${diff.updated.length} to update\\n {2}delete:\\n {4}alicloud RegistryEnterpriseRepo registry-repo-cart \\(PROTECTED: pulumi up refuses\\)\\n`,
      ),
    );
  });
});
