/**
 * How an add-on's web UI (Kibana, Grafana) is reached through the platform's gateway: an HTTPRoute
 * on the Gateway (Envoy Gateway) or an Ingress (ACK ALB), and, unless the UI is meant to be public,
 * a policy that admits only the configured source ranges. Pure: it returns the objects' specs.
 */

/** Client ranges of private networks: a routed UI is reachable from the VPC and VPN, not the internet. */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Where routes attach: what the gateway component tells the add-ons and the workloads. */
export interface GatewayAttachment {
  readonly controller: "envoy-gateway" | "alb";
  /** The Gateway's name (Envoy Gateway), or the AlbConfig's (ALB). */
  readonly name: string;
  readonly namespace: string;
  /** Listener (section) name routes attach to: the HTTPS one when TLS is on, else the HTTP one. */
  readonly listener: string;
  /** ALB only: the IngressClass routes name. */
  readonly ingressClassName?: string;
  /** Whether routed hosts are served over HTTPS. */
  readonly https: boolean;
}

export interface AdminRouteArgs {
  /** Object name of the route (and of its policy). */
  readonly name: string;
  /** Namespace of the UI's Service; the route lives beside it. */
  readonly namespace: string;
  readonly host: string;
  readonly service: string;
  readonly port: number;
  /** Client ranges admitted; "0.0.0.0/0" among them makes the UI public. */
  readonly allowedSourceRanges: readonly string[];
  readonly gateway: GatewayAttachment;
  /**
   * Keep each client on one replica: for a UI whose replicas each keep their own login sessions.
   * @default false
   */
  readonly sessionAffinity?: boolean;
}

/** The UI is public when its ranges admit every IPv4 address. */
export function isPublic(ranges: readonly string[]): boolean {
  return ranges.includes("0.0.0.0/0");
}

/** "https://kibana.example.com" */
export function routedUrl(host: string, https: boolean): string {
  return `${https ? "https" : "http"}://${host}`;
}

const labels = (name: string) => ({
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "ack-platform",
  "ack-platform/route": name,
});

/** The objects that route `host` to the UI. */
export function adminRouteSpecs(args: AdminRouteArgs) {
  const { gateway } = args;
  if (gateway.controller === "alb") {
    return {
      ingress: {
        metadata: {
          name: args.name,
          namespace: args.namespace,
          labels: labels(args.name),
          // The ALB inserts a cookie that pins the client to one backend.
          ...(args.sessionAffinity
            ? {
                annotations: {
                  "alb.ingress.kubernetes.io/sticky-session": "true",
                  "alb.ingress.kubernetes.io/sticky-session-type": "Insert",
                  "alb.ingress.kubernetes.io/cookie-timeout": "86400",
                },
              }
            : {}),
        },
        spec: {
          ingressClassName: gateway.ingressClassName,
          rules: [
            {
              host: args.host,
              http: {
                paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: args.service, port: { number: args.port } } } }],
              },
            },
          ],
        },
      },
    };
  }
  const route = {
    metadata: { name: args.name, namespace: args.namespace, labels: labels(args.name) },
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: gateway.name,
          namespace: gateway.namespace,
          sectionName: gateway.listener,
        },
      ],
      hostnames: [args.host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: args.service, port: args.port }],
        },
      ],
    },
  };
  // The same client address always hashes to the same replica (the load balancer keeps the address).
  const affinity = args.sessionAffinity
    ? {
        metadata: { name: args.name, namespace: args.namespace, labels: labels(args.name) },
        spec: {
          targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: args.name }],
          loadBalancer: { type: "ConsistentHash", consistentHash: { type: "SourceIP" } },
        },
      }
    : undefined;
  if (isPublic(args.allowedSourceRanges)) return { route, ...(affinity ? { affinity } : {}) };
  // The load balancer keeps the client's address (externalTrafficPolicy Local), so Envoy can match it.
  const policy = {
    metadata: { name: args.name, namespace: args.namespace, labels: labels(args.name) },
    spec: {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: args.name }],
      authorization: {
        defaultAction: "Deny",
        rules: [{ name: "allowed-sources", action: "Allow", principal: { clientCIDRs: [...args.allowedSourceRanges] } }],
      },
    },
  };
  return { route, policy, ...(affinity ? { affinity } : {}) };
}
