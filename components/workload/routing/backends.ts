/** Plain helpers the routers share. */
import type { Backend, RouteSpec } from "./types";

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Whether text is an IPv4 block such as "10.0.0.0/8". */
export function isIpv4Cidr(text: string): boolean {
  const m = IPV4_CIDR.exec(text);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** The backends a split sends traffic to (share above 0). */
export function weightedBackends(spec: Pick<RouteSpec, "backends" | "split">): Backend[] {
  return (["stable", "canary", "legacy"] as const).filter((b) => spec.backends[b] !== undefined && spec.split[b] > 0);
}
