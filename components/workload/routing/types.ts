/**
 * Routing is the one part of gray release that differs between traffic controllers, so it sits
 * behind this interface: a router validates a route against its own rules and renders the objects
 * that carry it. The Kubernetes Gateway API is the default; ACK's ALB Ingress is the second.
 */
import type { TrafficSplit } from "../release";

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
  /** Requests carrying this header go to the canary whatever the weights. */
  readonly header?: { readonly name: string; readonly value: string };
  readonly attachment: RouteAttachment;
}

/** A Kubernetes object a router renders, with the role that names its Pulumi resource. */
export interface RoutedObject {
  /** Stable suffix of the resource name ("route", "canary-ingress"); never changes for a given router. */
  readonly role: string;
  readonly object: Record<string, any>;
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
