import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { noDeprecatedApi } from "../../../../policies/rules";
import { check, deployment, resource } from "../../helpers";

describe("no-deprecated-api", () => {
  it("passes current API versions", () => {
    assert.deepEqual(check(noDeprecatedApi, [deployment(), resource("kubernetes:policy/v1:PodDisruptionBudget", {})]), []);
  });
  it("names a workload in a removed version and the one to use", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:extensions/v1beta1:Deployment", {})), [
      "Deployment is declared as extensions/v1beta1, which Kubernetes removed in 1.16; declare it as apps/v1",
    ]);
  });
  it("names a removed autoscaling version", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", {})), [
      "HorizontalPodAutoscaler is declared as autoscaling/v2beta2, which Kubernetes removed in 1.26; declare it as autoscaling/v2",
    ]);
  });
  it("names a TCPRoute of the experimental v1alpha2, which Gateway API 1.6 made v1", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute", {})), [
      "TCPRoute is declared as gateway.networking.k8s.io/v1alpha2, which Gateway API 1.6 (standard channel) replaced; declare it as gateway.networking.k8s.io/v1",
    ]);
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:gateway.networking.k8s.io/v1:TCPRoute", {})), []);
  });
  it("names a Gateway API route of a superseded version", () => {
    assert.deepEqual(check(noDeprecatedApi, resource("kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute", {})), [
      "HTTPRoute is declared as gateway.networking.k8s.io/v1beta1, which Gateway API 1.0 (deprecated) replaced; declare it as gateway.networking.k8s.io/v1",
    ]);
  });
});
