/**
 * Declares the objects that route an add-on's web UI through the gateway (see adminRoute.ts for
 * their specs).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { adminRouteSpecs, GatewayAttachment } from "./adminRoute";

/** The gateway a UI is routed through, with the resources routes must wait for. */
export interface RouteThrough extends GatewayAttachment {
  /** The gateway's CRDs and controller. */
  readonly ready: readonly pulumi.Resource[];
}

/** Declares the objects of an admin UI's route (HTTPRoute and policy, or Ingress) under `parent`. */
export function declareRoute(
  parent: pulumi.Resource,
  name: string,
  specs: ReturnType<typeof adminRouteSpecs>,
  dependsOn: readonly pulumi.Resource[],
): void {
  const opts = { parent, dependsOn: [...dependsOn] };
  if ("ingress" in specs && specs.ingress) {
    new k8s.networking.v1.Ingress(`${name}-ingress`, specs.ingress, opts);
    return;
  }
  if (!("route" in specs)) return;
  const route = new k8s.apiextensions.CustomResource(
    `${name}-route`,
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", ...specs.route },
    opts,
  );
  if ("affinity" in specs && specs.affinity) {
    new k8s.apiextensions.CustomResource(
      `${name}-affinity`,
      { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "BackendTrafficPolicy", ...specs.affinity },
      { ...opts, dependsOn: [...dependsOn, route] },
    );
  }
  if ("policy" in specs && specs.policy) {
    new k8s.apiextensions.CustomResource(
      `${name}-access`,
      { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "SecurityPolicy", ...specs.policy },
      { ...opts, dependsOn: [...dependsOn, route] },
    );
  }
}
