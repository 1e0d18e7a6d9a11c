/**
 * Routing is the one part of gray release that differs between traffic controllers, so it sits
 * behind this interface: a router validates a route against its own rules and renders the objects
 * that carry it. The Kubernetes Gateway API is the default; ACK's ALB Ingress is the second.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TrafficSplit } from "../release";

/** The backends of a route: the service's two tracks and its legacy VMs. */
export type Backend = "stable" | "canary" | "legacy";

/** A route only testers take: requests with a header go to one backend whatever the weights. */
export interface HeaderRouteSpec {
  /** The track the header sends to: the canary, or the Kubernetes build of a service leaving its VMs. */
  readonly backend: "canary" | "stable";
  readonly name: string;
  /** The value, possibly a secret. */
  readonly value: pulumi.Input<string>;
  /** Client networks admitted; every client when unset. */
  readonly clientCidrs?: readonly string[];
}

/** How the router checks legacy backends, with every default applied. */
export interface LegacyHealthSpec {
  readonly protocol: "http" | "tcp";
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly consecutiveErrors: number;
}

/** Where a route attaches: a Gateway API Gateway, or the ALB Ingress controller's IngressClass. */
export type RouteAttachment =
  | {
      readonly router: "gateway-api";
      readonly gatewayName: string;
      readonly gatewayNamespace: string;
      /** Listener section names to attach to; all listeners of the Gateway when empty. */
      readonly listeners?: readonly string[];
    }
  | {
      readonly router: "alb";
      readonly ingressClassName: string;
    };

/** Everything a router needs to route one service's traffic. */
export interface RouteSpec {
  /** The service's name; object names derive from it. */
  readonly service: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly host: string;
  /** Path prefix. */
  readonly path: string;
  /** Port of the Services routed to. */
  readonly port: number;
  /** Names of the Services of each backend; canary and legacy only when they exist. */
  readonly backends: { readonly stable: string; readonly canary?: string; readonly legacy?: string };
  readonly split: TrafficSplit;
  /** Header routes for testers. */
  readonly headers: readonly HeaderRouteSpec[];
  /** Path the service's pods answer readiness on. */
  readonly readinessPath: string;
  /** Health checks of the legacy backends; present when there are some. */
  readonly legacyHealth?: LegacyHealthSpec;
  readonly attachment: RouteAttachment;
}

/** A Kubernetes object a router renders, with the role that names its Pulumi resource. */
export interface RoutedObject {
  /** Stable suffix of the resource name ("route", "canary-ingress"); never changes for a given router. */
  readonly role: string;
  readonly object: Record<string, any>;
  /**
   * The backends this object sends traffic to at the current weights (a header route: its
   * backend). Changing the object moves traffic onto them, so it waits for their capacity. Empty
   * for the policies a router attaches to its routes.
   */
  readonly routesTo: readonly Backend[];
}

export interface Router {
  readonly name: RouteAttachment["router"];
  /** Problems with the route under this router's rules; empty when it can be rendered. */
  validate(spec: RouteSpec): string[];
  /**
   * The objects carrying the route. The set of objects (their roles and names) depends only on which
   * backends and whether a header route exist, never on the weights: a weight change updates them in
   * place and never adds, removes or renames one.
   */
  objects(spec: RouteSpec): RoutedObject[];
}
