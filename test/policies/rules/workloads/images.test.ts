import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imagePinned, imageRegistryAllowed, registryMatches } from "../../../../policies/rules";
import { check, deployment } from "../../helpers";

/** The first container of a workload's pod template. */
const web = (d: any) => d.spec.template.spec.containers[0];

describe("image-pinned", () => {
  it("passes a version tag and a digest", () => {
    const digest = "registry.cn-hangzhou.aliyuncs.com/acme/orders@sha256:" + "a".repeat(64);
    assert.deepEqual(check(imagePinned, [deployment(), deployment((d) => (web(d).image = digest))]), []);
  });
  it("names an image without a tag", () => {
    assert.deepEqual(
      check(
        imagePinned,
        deployment((d) => (web(d).image = "localhost:5000/orders")),
      ),
      [
        "container 'web' runs image 'localhost:5000/orders', which has no tag; pin a version such as 'localhost:5000/orders:1.4.2' or a digest",
      ],
    );
  });
  it("names an image tagged latest", () => {
    assert.deepEqual(
      check(
        imagePinned,
        deployment((d) => (web(d).image = "nginx:latest")),
      ),
      ["container 'web' runs image 'nginx:latest'; pin a version tag such as 'nginx:1.4.2' or a digest instead of 'latest'"],
    );
  });
});

describe("image-registry-allowed", () => {
  it("passes the registries of Alibaba Cloud Container Registry", () => {
    const personal = "registry.cn-shanghai.aliyuncs.com/acme/orders:1.4.2";
    assert.deepEqual(check(imageRegistryAllowed, [deployment(), deployment((d) => (web(d).image = personal))]), []);
  });
  it("names an image from Docker Hub, written with or without its registry", () => {
    const allowed =
      "*.cr.aliyuncs.com, registry.*.aliyuncs.com, registry-vpc.*.aliyuncs.com, registry-intl.*.aliyuncs.com, registry-intl-vpc.*.aliyuncs.com";
    assert.deepEqual(
      check(
        imageRegistryAllowed,
        deployment((d) => (web(d).image = "nginx:1.27.3")),
      ),
      [
        `container 'web' pulls 'nginx:1.27.3' from docker.io, which is not an allowed registry (${allowed}); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries`,
      ],
    );
  });
  it("accepts registries the stack allows", () => {
    const config = { allowedRegistries: ["*.cr.aliyuncs.com", "harbor.example.com"] };
    const harbor = deployment((d) => (web(d).image = "harbor.example.com/acme/orders:1.4.2"));
    assert.deepEqual(check(imageRegistryAllowed, harbor, { config }), []);
    assert.deepEqual(
      check(
        imageRegistryAllowed,
        deployment((d) => (web(d).image = "quay.io/acme/orders:1.4.2")),
        { config },
      ),
      [
        "container 'web' pulls 'quay.io/acme/orders:1.4.2' from quay.io, which is not an allowed registry (*.cr.aliyuncs.com, harbor.example.com); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries",
      ],
    );
  });
  it("accepts images from the local Docker daemon on a local cluster only", () => {
    const local = deployment((d) => (web(d).image = "local/orders:1.4.2"));
    assert.deepEqual(check(imageRegistryAllowed, local, { environment: "local" }), []);
    assert.equal(check(imageRegistryAllowed, local, { environment: "dev" }).length, 1);
  });
  it("matches '*' across the labels of a host", () => {
    assert.ok(registryMatches("*.cr.aliyuncs.com", "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"));
    assert.ok(!registryMatches("*.cr.aliyuncs.com", "cr.aliyuncs.com.evil.example"));
  });
});
