import { albIngressRouter } from "./albIngress";
import { gatewayApiRouter } from "./gatewayApi";
import type { RouteAttachment, Router } from "./types";

export { albIngressRouter } from "./albIngress";
export { isIpv4Cidr, weightedBackends } from "./backends";
export { gatewayApiRouter, headerRouteName } from "./gatewayApi";
export type { Backend, HeaderRouteSpec, LegacyHealthSpec, RouteAttachment, RoutedObject, Router, RouteSpec } from "./types";

/** The router for an attachment. */
export function routerFor(attachment: RouteAttachment): Router {
  return attachment.router === "alb" ? albIngressRouter : gatewayApiRouter;
}
