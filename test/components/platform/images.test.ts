import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mirroredImage, mirroredRegistry, mirroredRepository, parseImage } from "../../../components/platform/images";

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
    ["quay.io/prometheus/prometheus:v3.5.0", "registry.example.com/mirror", "registry.example.com/mirror/prometheus/prometheus:v3.5.0"],
    [`docker.io/envoyproxy/envoy@sha256:${"b".repeat(64)}`, "m.example.com", `m.example.com/envoyproxy/envoy@sha256:${"b".repeat(64)}`],
  ];
  for (const [image, mirror, expected] of mirrored) {
    it(`pulls ${image} from ${mirror ?? "its own registry"}`, () => assert.equal(mirroredImage(image, mirror), expected));
  }

  it("moves a chart's repository or registry under the mirror, and leaves them without one", () => {
    assert.equal(mirroredRepository("cr.fluentbit.io/fluent/fluent-bit", "m.example.com"), "m.example.com/fluent/fluent-bit");
    assert.equal(mirroredRepository("cr.fluentbit.io/fluent/fluent-bit"), "cr.fluentbit.io/fluent/fluent-bit");
    assert.equal(mirroredRegistry("docker.elastic.co", "m.example.com"), "m.example.com");
    assert.equal(mirroredRegistry("docker.elastic.co"), "docker.elastic.co");
  });
});
