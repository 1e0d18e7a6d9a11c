import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { namespaceProblem, repositoryProblem } from "../../../components/cloud/registryPlan";
import {
  mirroredImage,
  mirroredRegistry,
  mirroredRepository,
  mirrorPath,
  parseImage,
  repositoryOf,
} from "../../../components/platform/images";
import { IMAGES, PUBLISHED_ALSO_AT } from "../../../components/platform/upstream";
import { DEFAULT_KUBECTL_IMAGE } from "../../../components/workload/plan";

describe("image references and the registry mirror", () => {
  const parsed: Array<[string, ReturnType<typeof parseImage>]> = [
    ["docker.io/envoyproxy/envoy:distroless-v1.39.1", { registry: "docker.io", repository: "envoyproxy/envoy", tag: "distroless-v1.39.1" }],
    ["quay.io/prometheus/prometheus:v3.5.0", { registry: "quay.io", repository: "prometheus/prometheus", tag: "v3.5.0" }],
    [
      "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0",
      { registry: "registry.k8s.io", repository: "kube-state-metrics/kube-state-metrics", tag: "v2.17.0" },
    ],
    ["curlimages/curl:8.16.0", { registry: "docker.io", repository: "curlimages/curl", tag: "8.16.0" }],
    ["busybox:1.37", { registry: "docker.io", repository: "library/busybox", tag: "1.37" }],
    ["localhost:5000/team/app:1.0", { registry: "localhost:5000", repository: "team/app", tag: "1.0" }],
    [
      `docker.io/envoyproxy/envoy@sha256:${"a".repeat(64)}`,
      { registry: "docker.io", repository: "envoyproxy/envoy", tag: `sha256:${"a".repeat(64)}` },
    ],
  ];
  for (const [image, expected] of parsed) {
    it(`parses ${image}`, () => assert.deepEqual(parseImage(image), expected));
  }

  it("refuses an image without a tag or digest", () => {
    assert.throws(() => parseImage("docker.io/envoyproxy/envoy"), /image 'docker.io\/envoyproxy\/envoy' is not pinned/);
    assert.throws(() => parseImage("localhost:5000/app"), /is not pinned/);
  });

  const mirrored: Array<[string, string | undefined, string]> = [
    ["docker.io/envoyproxy/envoy:distroless-v1.39.1", undefined, "docker.io/envoyproxy/envoy:distroless-v1.39.1"],
    [
      "docker.io/envoyproxy/envoy:distroless-v1.39.1",
      "acme.cn-hangzhou.cr.aliyuncs.com",
      "acme.cn-hangzhou.cr.aliyuncs.com/envoyproxy/envoy:distroless-v1.39.1",
    ],
    ["quay.io/prometheus/prometheus:v3.5.0", "registry.example.com:5000", "registry.example.com:5000/prometheus/prometheus:v3.5.0"],
    // One segment: a namespace named after the registry (the night scaler's kubectl, Docker Hub's official images).
    ["registry.k8s.io/kubectl:v1.35.0", "m.example.com", "m.example.com/k8s/kubectl:v1.35.0"],
    ["busybox:1.37", "m.example.com", "m.example.com/library/busybox:1.37"],
    ["ghcr.io/tool:1.0", "m.example.com", "m.example.com/ghcr/tool:1.0"],
    ["cr.example.io/tool:1.0", "m.example.com", "m.example.com/cr-example/tool:1.0"],
    // Three and more: the first segment is the namespace, the rest joined by '-'.
    ["ghcr.io/fluent/helm-charts/fluent-bit:0.58.2", "m.example.com", "m.example.com/fluent/helm-charts-fluent-bit:0.58.2"],
    ["us-docker.pkg.dev/proj/images/app/server:2", "m.example.com", "m.example.com/proj/images-app-server:2"],
    // ACR refuses '.' in a namespace.
    ["quay.io/some.org/app:1", "m.example.com", "m.example.com/some-org/app:1"],
    ["ghcr.io/jkroepke/kube-webhook-certgen:1.8.7", "m.example.com", "m.example.com/jkroepke/kube-webhook-certgen:1.8.7"],
    [`docker.io/envoyproxy/envoy@sha256:${"b".repeat(64)}`, "m.example.com", `m.example.com/envoyproxy/envoy@sha256:${"b".repeat(64)}`],
  ];
  for (const [image, mirror, expected] of mirrored) {
    it(`pulls ${image} from ${mirror ?? "its own registry"}`, () => assert.equal(mirroredImage(image, mirror), expected));
  }

  it("puts every image the platform runs where ACR Enterprise can hold it, each in its own place", () => {
    const all = [...Object.values(IMAGES), DEFAULT_KUBECTL_IMAGE, "docker.elastic.co/elasticsearch/elasticsearch:8.19.4"];
    const places = new Map<string, string>();
    for (const image of all) {
      const { namespace, repository } = mirrorPath(repositoryOf(image));
      assert.equal(namespaceProblem(namespace), undefined, image);
      assert.equal(repositoryProblem(repository), undefined, image);
      const place = `${namespace}/${repository}`;
      assert.ok(!places.has(place) || places.get(place) === repositoryOf(image), `${image} and ${places.get(place)} share ${place}`);
      places.set(place, repositoryOf(image));
    }
    assert.equal(mirroredImage(DEFAULT_KUBECTL_IMAGE, "m.example.com"), "m.example.com/k8s/kubectl:v1.35.0");
  });

  it("keeps a two-segment path as it is, which is the path charts compose when only their registry is replaced", () => {
    for (const image of Object.values(IMAGES)) {
      const ref = parseImage(image);
      const [first, ...rest] = ref.repository.split("/");
      if (rest.length !== 1) continue;
      assert.equal(mirroredImage(image, "m.example.com"), `m.example.com/${first}/${rest[0]}:${ref.tag}`);
    }
  });

  it("maps any upstream reference to a <registry>/<namespace>/<repository>:<tag> of two path segments", () => {
    const segment = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?$/);
    const host = fc.constantFrom(
      "docker.io",
      "quay.io",
      "registry.k8s.io",
      "ghcr.io",
      "cr.fluentbit.io",
      "docker.elastic.co",
      "localhost:5000",
    );
    fc.assert(
      fc.property(
        host,
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/),
        (h, path, tag) => {
          const mirrored = mirroredImage(`${h}/${path.join("/")}:${tag}`, "m.example.com");
          const ref = parseImage(mirrored);
          assert.equal(ref.registry, "m.example.com");
          assert.equal(ref.repository.split("/").length, 2);
          assert.equal(ref.tag, tag);
        },
      ),
    );
  });

  it("knows where the images published elsewhere too are published", () => {
    for (const [upstream, also] of Object.entries(PUBLISHED_ALSO_AT)) {
      assert.notEqual(parseImage(`${upstream}:x`).registry, parseImage(`${also}:x`).registry, upstream);
    }
  });

  it("moves a chart's repository or registry under the mirror, and leaves them without one", () => {
    assert.equal(mirroredRepository("cr.fluentbit.io/fluent/fluent-bit", "m.example.com"), "m.example.com/fluent/fluent-bit");
    assert.equal(mirroredRepository("cr.fluentbit.io/fluent/fluent-bit"), "cr.fluentbit.io/fluent/fluent-bit");
    assert.equal(mirroredRegistry("docker.elastic.co", "m.example.com"), "m.example.com");
    assert.equal(mirroredRegistry("docker.elastic.co"), "docker.elastic.co");
  });
});
