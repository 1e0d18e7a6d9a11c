import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { afterReady, crdChart, helmRelease, pullSourceProblems } from "../../../components/platform/helm";
import { CHARTS } from "../../../components/platform/upstream";
import { render } from "../../harness";

const MIRROR = "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com";

/** A release and a CRD chart from the mirror, waiting for a stand-in of what fills it. */
function fromMirror() {
  const filler = new k8s.core.v1.ConfigMap("filler", { metadata: { name: "filler" } });
  const ready = filler.metadata.apply((): pulumi.Resource => filler);
  helmRelease(
    "release",
    {
      releaseName: "kps",
      namespace: "monitoring",
      chart: CHARTS.kubePrometheusStack,
      values: {},
      source: { chartMirror: MIRROR, mirrorReady: ready },
    },
    {},
  );
  crdChart(
    "crds",
    { chart: CHARTS.prometheusOperatorCrds, namespace: "monitoring", source: { chartMirror: MIRROR, mirrorReady: ready } },
    {},
  );
}

describe("Helm releases and charts", () => {
  it("fetch from the upstream repository without a mirror", async () => {
    const out = await render(() => {
      helmRelease("release", { releaseName: "cert-manager", namespace: "cert-manager", chart: CHARTS.certManager, values: {} }, {});
    });
    const release = out.named("release");
    assert.equal(release.inputs["chart"], "cert-manager");
    assert.deepEqual(release.inputs["repositoryOpts"], { repo: "https://charts.jetstack.io" });
    assert.deepEqual(release.dependsOn, []);
  });

  it("fetch from the chart mirror, at the pinned version, only after what fills it", async () => {
    const out = await render(fromMirror);
    const filler = out.named("filler").urn;
    for (const [name, chart, version] of [
      ["release", "kube-prometheus-stack", "88.5.4"],
      ["crds", "prometheus-operator-crds", "31.0.1"],
    ] as const) {
      const r = out.named(name);
      assert.equal(r.inputs["chart"], `oci://${MIRROR}/charts/${chart}`, name);
      assert.equal(r.inputs["version"], version, name);
      assert.equal(r.inputs["repositoryOpts"], undefined, name);
      assert.ok(r.dependsOn.includes(filler), `${name} depends on what fills the mirror`);
    }
  });

  it("keep the dependencies they already had", () => {
    // afterReady only arranges the options; stand-ins do for resources.
    const a = { name: "a" } as unknown as pulumi.Resource;
    const ready = { name: "ready" } as unknown as pulumi.Resource;
    assert.deepEqual(afterReady({ parent: a }, []), { parent: a });
    assert.deepEqual(afterReady({ dependsOn: [a] }, [ready]).dependsOn, [a, ready]);
    assert.deepEqual(afterReady({ dependsOn: a }, [ready]).dependsOn, [a, ready]);
    assert.deepEqual(afterReady<pulumi.ResourceOptions>({}, [ready]).dependsOn, [ready]);
  });

  it("refuse a mirror that is not a registry host", () => {
    assert.deepEqual(pullSourceProblems({ imageMirror: "registry.example.com/mirror", chartMirror: "oci://m.example.com" }), [
      {
        field: "imageMirror",
        message:
          "'registry.example.com/mirror' is not a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (the mirror holds <namespace>/<repository> paths under it)",
      },
      {
        field: "chartMirror",
        message:
          "'oci://m.example.com' is not a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (the mirror holds <namespace>/<repository> paths under it)",
      },
    ]);
    assert.deepEqual(pullSourceProblems({ imageMirror: "localhost:5001", chartMirror: MIRROR }), []);
  });
});
