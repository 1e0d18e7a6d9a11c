import { albIngressRouter } from "./albIngress";
import { gatewayApiRouter } from "./gatewayApi";
import type { RouteAttachment, Router } from "./types";

export { albIngressRouter } from "./albIngress";
export { gatewayApiRouter } from "./gatewayApi";
export type { RouteAttachment, RoutedObject, Router, RouteSpec } from "./types";

/** The router for an attachment. */
export function routerFor(attachment: RouteAttachment): Router {
  return attachment.router === "alb" ? albIngressRouter : gatewayApiRouter;
}
