/**
 * The first `pulumi up` of prod and staging, as their plans declare it: everything they pull comes
 * from their own registry, at paths it can hold, filled by something the plan declares (or by a
 * person it names), and nothing pulls before what fills it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { namespaceProblem, registryDomains, repositoryProblem } from "../../components/cloud/registryPlan";
import { parseImage } from "../../components/platform/images";
import type { PlanDocument } from "../../tools/plan/plan";
import { plannedStack, runPlan } from "../planRunner";

type Resource = PlanDocument["resources"][number];

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  chart: "kubernetes:helm.sh/v4:Chart",
  repo: "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo",
  rule: "alicloud:cr/artifactSubscriptionRule:ArtifactSubscriptionRule",
  mirror: "ack-platform:cloud:RegistryMirror",
};
const WORKLOADS = /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:(Job|CronJob))$/;

/** Every image reference a resource names: containers, custom resources' specs, Helm values. */
function imagesOf(r: Resource): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    const o = value as Record<string, unknown>;
    if (typeof o["image"] === "string") found.push(o["image"]);
    // Charts that take an image apart: { registry, repository, tag } or { repository: "<host>/...", tag }.
    if (typeof o["repository"] === "string" && typeof o["tag"] === "string") {
      found.push(typeof o["registry"] === "string" ? `${o["registry"]}/${o["repository"]}:${o["tag"]}` : `${o["repository"]}:${o["tag"]}`);
    }
    Object.values(o).forEach(walk);
  };
  walk(r.type === T.release || r.type === T.chart ? r.inputs["values"] : r.inputs["spec"]);
  return found;
}

/** Every resource `r` depends on, directly or through what it depends on. */
function dependencies(byUrn: Map<string, Resource>, r: Resource): Set<string> {
  const seen = new Set<string>();
  const queue = [...r.dependsOn];
  while (queue.length) {
    const urn = queue.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    queue.push(...(byUrn.get(urn)?.dependsOn ?? []));
  }
  return seen;
}

for (const [stack, instance] of [
  ["prod", "acme-prod"],
  ["staging", "acme-staging"],
] as const) {
  describe(`the ${stack} plan: its first pulumi up fills its registry before anything pulls from it`, () => {
    const res = plannedStack(stack);
    const plan = () => {
      assert.equal(res.status, 0, res.stdout + res.stderr);
      return res.plan();
    };
    const host = registryDomains(instance, "cn-hangzhou").vpc;

    it("pulls every image and chart from the stack's registry, at paths ACR Enterprise can hold", () => {
      const p = plan();
      const pulled = p.resources.flatMap((r) => imagesOf(r).map((image) => ({ image, r })));
      assert.ok(pulled.length > 20, `found ${pulled.length} image references`);
      for (const { image, r } of pulled) {
        const ref = parseImage(image);
        assert.equal(ref.registry, host, `${r.name}: ${image}`);
        const [namespace, repository, ...rest] = ref.repository.split("/");
        assert.deepEqual(rest, [], `${r.name}: ${image} is <namespace>/<repository>`);
        assert.equal(namespaceProblem(namespace!), undefined, image);
        assert.equal(repositoryProblem(repository!), undefined, image);
      }
      for (const r of p.resources.filter((x) => x.type === T.release || x.type === T.chart)) {
        assert.match(String(r.inputs["chart"]), new RegExp(`^oci://${host.replace(/\./g, "\\.")}/charts/[a-z0-9-]+$`), r.name);
        assert.equal(r.inputs["repositoryOpts"], undefined, r.name);
      }
      for (const r of p.resources.filter((x) => x.type === T.release)) {
        const values = JSON.stringify(r.inputs["values"]);
        for (const upstream of ["docker.io", "quay.io", "ghcr.io", "registry.k8s.io", "docker.elastic.co", "cr.fluentbit.io"])
          assert.ok(!values.includes(`"${upstream}`), `${r.name}'s values name ${upstream}`);
      }
      assert.deepEqual(
        p.policy.violations.filter((v) => v.policy === "pulls-from-stack-registry"),
        [],
      );
    });

    it("fills every tag it pulls: by a subscription rule it declares, or by a person it names", () => {
      const p = plan();
      const repos = new Set(p.resources.filter((r) => r.type === T.repo).map((r) => `${r.inputs["namespace"]}/${r.inputs["name"]}`));
      const rules = p.resources.filter((r) => r.type === T.rule);
      const byPeople =
        (p.resources.find((r) => r.type === T.mirror)!.inputs["filledByPeople"] as Array<{
          namespace: string;
          repository: string;
          tags: string[];
          by: string;
        }>) ?? [];
      const charts = p.resources
        .filter((r) => r.type === T.release || r.type === T.chart)
        .map((r) => `${String(r.inputs["chart"]).slice("oci://".length)}:${r.inputs["version"]}`);
      for (const image of [...new Set([...p.resources.flatMap(imagesOf), ...charts])]) {
        const ref = parseImage(image);
        assert.ok(repos.has(ref.repository), `${image}: its repository is declared`);
        const [namespace, repository] = ref.repository.split("/");
        const subscribed = rules.some(
          (r) =>
            r.inputs["namespaceName"] === namespace &&
            r.inputs["repoName"] === repository &&
            new RegExp(String(r.inputs["tagRegexp"])).test(ref.tag),
        );
        const asked = byPeople.some((f) => f.namespace === namespace && f.repository === repository && f.tags.includes(ref.tag));
        assert.ok(subscribed !== asked, `${image}: filled by exactly one of a subscription (${subscribed}) or a person (${asked})`);
      }
      // Only what nothing can subscribe to is left to people: the charts, and the services' own images.
      assert.deepEqual([...new Set(byPeople.map((f) => `${f.by} ${f.namespace}`))].sort(), ["copy charts", "push acme"]);
    });

    it("makes every Helm release, chart and workload depend on what fills the registry, and each workload on its image's repository", () => {
      const p = plan();
      const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
      const fills = p.resources.filter((r) => r.type === T.rule || (r.type === T.repo && r.name.startsWith("registry-mirror-")));
      assert.ok(fills.length > 40, `${fills.length} resources fill the mirror`);
      const pullers = p.resources.filter((r) => r.type === T.release || r.type === T.chart || WORKLOADS.test(r.type));
      assert.ok(pullers.length > 15);
      for (const r of pullers) {
        const deps = dependencies(byUrn, r);
        const missing = fills.filter((f) => !deps.has(f.urn)).map((f) => f.name);
        assert.deepEqual(missing, [], `${r.name} depends on everything that fills the mirror`);
        for (const image of imagesOf(r)) {
          const repository = parseImage(image).repository;
          if (!repository.startsWith("acme/")) continue;
          const repo = p.resources.find((x) => x.type === T.repo && `${x.inputs["namespace"]}/${x.inputs["name"]}` === repository)!;
          assert.ok(deps.has(repo.urn), `${r.name} depends on ${repo.name}, which holds ${image}`);
        }
      }
    });
  });
}

describe("a prod stack whose registry lacks something fails its plan with the program's own message", () => {
  const contents = (repos: Record<string, string[]>) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-")), "contents.json");
    fs.writeFileSync(file, JSON.stringify({ "acme-boot": repos }));
    return file;
  };
  const CHARTS = {
    "charts/cert-manager": ["v1.21.2"],
    "charts/eck-operator-crds": ["3.5.0"],
    "charts/eck-operator": ["3.5.0"],
    "charts/fluent-bit": ["0.58.2"],
    "charts/prometheus-operator-crds": ["31.0.1"],
    "charts/kube-prometheus-stack": ["88.5.4"],
  };
  const host = registryDomains("acme-boot", "cn-hangzhou").vpc;

  it("names the chart to copy, and how", () => {
    const { "charts/fluent-bit": _omitted, ...rest } = CHARTS;
    const res = runPlan([
      "--project",
      "test/fixtures/registry",
      "bootstrap",
      "--registry-contents",
      contents({ ...rest, "acme/storefront": ["3.8.1"] }),
    ]);
    assert.equal(res.status, 1, res.stdout + res.stderr);
    assert.ok(
      res.stderr.includes(
        `the add-ons' mirror: 1 tags are not in ${host}; nothing pulls from it until they are:\n` +
          `  - charts/fluent-bit:0.58.2 (chart https://fluent.github.io/helm-charts fluent-bit: copy it once: helm pull fluent-bit --repo https://fluent.github.io/helm-charts --version 0.58.2 && helm push fluent-bit-0.58.2.tgz oci://${host}/charts)`,
      ),
      res.stderr,
    );
  });

  it("names the service image to push", () => {
    const res = runPlan(["--project", "test/fixtures/registry", "bootstrap", "--registry-contents", contents(CHARTS)]);
    assert.equal(res.status, 1, res.stdout + res.stderr);
    assert.ok(
      res.stderr.includes(
        `the services' images: 1 tags are not in ${host}; nothing pulls from it until they are:\n` +
          `  - acme/storefront:3.8.1 (pushed by your pipeline: docker push ${host}/acme/storefront:3.8.1)`,
      ),
      res.stderr,
    );
  });
});
