/**
 * The cluster's traffic entry. By default Envoy Gateway, a maintained implementation of the
 * Kubernetes Gateway API (ingress-nginx is retired): its CRDs, its controller, an EnvoyProxy that
 * exposes the proxies through an ACK load balancer (or a NodePort on a laptop), a GatewayClass and a
 * Gateway with HTTP and HTTPS listeners, TLS from a certificate in config or from cert-manager.
 * For clusters that use the ACK ALB Ingress controller instead: an AlbConfig and its IngressClass.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayAttachment } from "./adminRoute";
import {
  albConfigSpec,
  albIngressClassSpec,
  certificateSpec,
  certManagerValues,
  clusterIssuerSpec,
  ENVOY_GATEWAY_CONTROLLER,
  envoyGatewayCrdValues,
  envoyGatewayValues,
  envoyProxySpec,
  gatewaySpec,
  HTTP_LISTENER,
  HTTPS_LISTENER,
  httpsRedirectRouteSpec,
  type Resources,
} from "./gatewayValues";
import { crdChart, helmRelease, type PullSource, pullSourceProblems } from "./helm";
import { certManagerPolicies, gatewayPolicies, prometheusPodLabels } from "./addonPolicies";
import { addonNamespaceSpec, CPU_QUANTITY, DNS_LABEL, HOSTNAME, IPV4_CIDR, MEMORY_QUANTITY } from "./namespace";
import { declareNetworkPolicies, namespacePolicySpecs } from "./networkPolicy";
import { CHARTS } from "./upstream";
import { missing, type Problem, problemList, throwProblems } from "./validation";

export const GATEWAY_TYPE = "ack-platform:platform:Gateway";

/** Proxy replicas the gateway takes. */
export const GATEWAY_REPLICAS = { min: 1, max: 20 } as const;

/** Where the HTTPS listener's certificate comes from. */
export type GatewayTls =
  | { readonly mode: "none" }
  /** A certificate given in config (PEM chain and key, both secrets). */
  | { readonly mode: "secret"; readonly certificate: pulumi.Input<string>; readonly privateKey: pulumi.Input<string> }
  /** Let's Encrypt (or another ACME server) through cert-manager, for every host in `hosts`. */
  | { readonly mode: "cert-manager"; readonly email: string; readonly acmeServer?: string; readonly hosts: readonly string[] }
  /** ALB only: certificates found by host in Alibaba Cloud Certificate Management Service. */
  | { readonly mode: "alb-discovery" };

export interface GatewayArgs {
  /**
   * The implementation: Envoy Gateway (Gateway API) or the ACK ALB Ingress controller.
   * @default "envoy-gateway"
   */
  readonly controller?: "envoy-gateway" | "alb";
  /**
   * Name of the Gateway (Envoy Gateway) or of the AlbConfig (ALB) that routes attach to.
   * @default "platform"
   */
  readonly name?: string;
  /**
   * Namespace of the controller, the proxies and the Gateway (Envoy Gateway only).
   * @default "gateway-system"
   */
  readonly namespace?: string;
  /**
   * How the proxies are reached: an ACK load balancer, or a NodePort on a local cluster (where
   * `kubectl port-forward` to the proxies' Service works too).
   * @default "load-balancer"
   */
  readonly exposure?: "load-balancer" | "node-port";
  /**
   * Public (internet) or VPC-only (intranet) load balancer address. An internet address needs TLS:
   * a public gateway that serves its routes in clear is refused.
   * @default "intranet"
   */
  readonly addressType?: "internet" | "intranet";
  /**
   * Billing of the CLB: "clcu" (pay-by-CLCU, no specification), the only one sold since
   * 2025-06-01; the retired pay-by-specification names ("slb.s2.small", ...) are refused.
   * @default "clcu"
   */
  readonly loadBalancerSpec?: string;
  /**
   * Deletion protection of the load balancer (and of the ALB instance), so its address survives mistakes.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Proxy replicas; more than one get a PodDisruptionBudget and are spread over nodes and zones.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Requests of each proxy container (memory is also its limit).
   * @default { cpu: "200m", memory: "256Mi" }
   */
  readonly proxyResources?: Resources;
  /**
   * Zones the nodes run in; with several, the proxies are spread over them.
   * @default []
   */
  readonly zones?: readonly string[];
  /**
   * TLS of the HTTPS listener.
   * @default { mode: "none" }
   */
  readonly tls?: GatewayTls;
  /**
   * ALB only: vSwitches (in at least two zones) the ALB instance is placed in.
   * @default []
   */
  readonly albVswitchIds?: readonly string[];
  /**
   * ALB only: the ALB edition.
   * @default "Standard"
   */
  readonly albEdition?: "Standard" | "StandardWithWaf";
  /**
   * Address blocks outside the cluster the proxies route to (legacy backends); the proxies' network
   * policy lets them reach these and the pods of every namespace, nothing else.
   * @default []
   */
  readonly backendCidrs?: readonly string[];
  /**
   * Namespace of the Prometheus that scrapes the proxies' statistics, admitted by their network policy.
   * @default undefined (no scraping)
   */
  readonly monitoringNamespace?: string;
  /**
   * Registry host mirroring docker.io, quay.io and the other public registries (see PullSource).
   * @default undefined (pull from the public registries)
   */
  readonly imageMirror?: string;
  /**
   * Registry host holding the charts at `oci://<chartMirror>/charts/<chart>` (see PullSource).
   * @default undefined (fetch the charts from their upstream repositories)
   */
  readonly chartMirror?: string;
  /**
   * What fills the mirrors, resolved once they hold every chart and image (see PullSource).
   * @default [] (nothing to wait for)
   */
  readonly mirrorReady?: PullSource["mirrorReady"];
  /**
   * Envoy Gateway only: ports of TCP listeners, one per tcp port a service exposes through the
   * gateway (its TCPRoute attaches to the listener `tcp-<port>`). The proxies' Service gets each port,
   * and their network policy admits it.
   * @default []
   */
  readonly tcpPorts?: readonly number[];
  /**
   * ALB only: what the AlbConfig waits for, such as the ALB Ingress controller add-on that installs
   * its CRD (the Cluster's `installedAddons["alb-ingress-controller"]`).
   * @default []
   */
  readonly albDependsOn?: readonly pulumi.Resource[];
}

type OptionalKeys = "imageMirror" | "chartMirror" | "mirrorReady" | "monitoringNamespace";
export type ResolvedGatewayArgs = Required<Omit<GatewayArgs, OptionalKeys>> & Pick<GatewayArgs, OptionalKeys>;

/** The args with their defaults: the only place defaults are applied. */
export function resolveGatewayArgs(args: GatewayArgs): ResolvedGatewayArgs {
  return {
    controller: args.controller ?? "envoy-gateway",
    name: args.name ?? "platform",
    namespace: args.namespace ?? "gateway-system",
    exposure: args.exposure ?? "load-balancer",
    addressType: args.addressType ?? "intranet",
    loadBalancerSpec: args.loadBalancerSpec ?? "clcu",
    deletionProtection: args.deletionProtection ?? false,
    replicas: args.replicas ?? 1,
    proxyResources: args.proxyResources ?? { cpu: "200m", memory: "256Mi" },
    zones: args.zones ?? [],
    tls: args.tls ?? { mode: "none" },
    albVswitchIds: args.albVswitchIds ?? [],
    albEdition: args.albEdition ?? "Standard",
    backendCidrs: args.backendCidrs ?? [],
    imageMirror: args.imageMirror,
    chartMirror: args.chartMirror,
    mirrorReady: args.mirrorReady,
    albDependsOn: args.albDependsOn ?? [],
    monitoringNamespace: args.monitoringNamespace,
    tcpPorts: args.tcpPorts ?? [],
  };
}

/** Ports of the Gateway's listeners: HTTP, and HTTPS when it has a certificate. */
const LISTENER_PORTS = [80, 443];

/**
 * What is wrong with a CLB billing: the retired pay-by-specification names are refused with the
 * reason; it reads after "<value> is not".
 */
export function loadBalancerSpecProblem(spec: string): string | undefined {
  if (spec === "clcu") return undefined;
  if (/^slb\.s\d\.\w+$/.test(spec))
    return "on sale: CLB pay-by-specification instances are no longer sold since 2025-06-01, so the cloud controller cannot create one and the gateway would never get an address; use 'clcu' (pay-by-CLCU)";
  return "a CLB billing: use 'clcu' (pay-by-CLCU, the only CLB billing on sale)";
}

/** Whether the gateway serves HTTPS, from its TLS settings (cert-manager needs a host to certify). */
export function servesHttps(tls: GatewayTls): boolean {
  return tls.mode === "secret" || tls.mode === "alb-discovery" || (tls.mode === "cert-manager" && tls.hosts.length > 0);
}

/**
 * What is wrong with how the gateway is exposed: a public load balancer that serves no HTTPS would
 * carry every route in clear over the internet. Reads after "<addressType> is not".
 */
export function exposureProblem(a: {
  readonly exposure: string;
  readonly addressType: string;
  readonly https: boolean;
}): string | undefined {
  if (a.exposure !== "load-balancer" || a.addressType !== "internet" || a.https) return undefined;
  return "accepted without TLS: an internet-facing gateway would serve every route in clear; give it a certificate (tls) or make it 'intranet'";
}

/** Every problem with resolved args: the field, the value and what is accepted. */
export function gatewayProblems(a: ResolvedGatewayArgs): Problem[] {
  const { problems, fail } = problemList();
  if (a.controller !== "envoy-gateway" && a.controller !== "alb") fail("controller", a.controller, "one of: envoy-gateway, alb");
  if (!DNS_LABEL.test(a.name) || a.name.length > 40) fail("name", a.name, "a DNS label of at most 40 characters");
  if (!DNS_LABEL.test(a.namespace)) fail("namespace", a.namespace, "a DNS label");
  if (!["load-balancer", "node-port"].includes(a.exposure)) fail("exposure", a.exposure, "one of: load-balancer, node-port");
  if (!["internet", "intranet"].includes(a.addressType)) fail("addressType", a.addressType, "one of: internet, intranet");
  const billing = loadBalancerSpecProblem(a.loadBalancerSpec);
  if (billing) fail("loadBalancerSpec", a.loadBalancerSpec, billing);
  const { min, max } = GATEWAY_REPLICAS;
  if (!Number.isInteger(a.replicas) || a.replicas < min || a.replicas > max)
    fail("replicas", a.replicas, `an integer between ${min} and ${max}`);
  problems.push(...pullSourceProblems(a));
  if (!CPU_QUANTITY.test(a.proxyResources.cpu)) fail("proxyResources.cpu", a.proxyResources.cpu, "a CPU quantity such as '250m' or '1'");
  if (!MEMORY_QUANTITY.test(a.proxyResources.memory))
    fail("proxyResources.memory", a.proxyResources.memory, "a memory quantity such as '256Mi'");
  a.backendCidrs.forEach((cidr, i) => {
    if (!IPV4_CIDR.test(cidr)) fail(`backendCidrs[${i}]`, cidr, "an IPv4 CIDR block such as '192.168.10.0/24'");
  });
  if (a.monitoringNamespace !== undefined && !DNS_LABEL.test(a.monitoringNamespace))
    fail("monitoringNamespace", a.monitoringNamespace, "a DNS label");
  a.tcpPorts.forEach((port, i) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535 || LISTENER_PORTS.includes(port) || a.tcpPorts.indexOf(port) !== i)
      fail(`tcpPorts[${i}]`, port, "a port between 1 and 65535 other than 80, 443 and the other TCP listeners'");
  });
  const tls = a.tls;
  const exposure = exposureProblem({ exposure: a.exposure, addressType: a.addressType, https: servesHttps(tls) });
  if (exposure) fail("addressType", a.addressType, exposure);
  if (a.controller === "alb") {
    if (tls.mode !== "none" && tls.mode !== "alb-discovery")
      fail(
        "tls.mode",
        tls.mode,
        "available with controller 'alb': use 'alb-discovery' (certificates from Certificate Management Service) or 'none'",
      );
    if (a.albVswitchIds.length === 0)
      problems.push(missing("albVswitchIds", "with controller 'alb': the vSwitches, in two zones at least, the ALB is placed in"));
    else if (a.albVswitchIds.length < 2)
      fail("albVswitchIds", a.albVswitchIds, "a list of at least 2 vSwitch ids in different zones (an ALB spans two zones)");
    a.albVswitchIds.forEach((id, i) => {
      if (!/^vsw-[a-z0-9]+$/.test(id)) fail(`albVswitchIds[${i}]`, id, "a vSwitch id such as 'vsw-bp1abc'");
    });
    if (!["Standard", "StandardWithWaf"].includes(a.albEdition)) fail("albEdition", a.albEdition, "one of: Standard, StandardWithWaf");
    if (a.tcpPorts.length) fail("tcpPorts", a.tcpPorts, "empty with the ALB controller: TCP listeners are Envoy Gateway's");
    return problems;
  }
  if (tls.mode === "alb-discovery")
    fail(
      "tls.mode",
      tls.mode,
      "available with controller 'envoy-gateway', which takes 'secret' or 'cert-manager'; 'alb-discovery' needs controller 'alb'",
    );
  if (tls.mode === "cert-manager") {
    if (tls.email === "") problems.push(missing("tls.email", "with tls mode 'cert-manager': the ACME account's contact address"));
    else if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(tls.email)) fail("tls.email", tls.email, "an e-mail address");
    if (tls.acmeServer !== undefined && !/^https:\/\/\S+$/.test(tls.acmeServer)) fail("tls.acmeServer", tls.acmeServer, "an https URL");
    tls.hosts.forEach((host, i) => {
      // HTTP-01, the challenge the gateway answers, cannot prove control of a wildcard.
      if (host.startsWith("*."))
        fail(
          `tls.hosts[${i}]`,
          host,
          "accepted with tls mode 'cert-manager': the HTTP-01 challenge cannot certify a wildcard; list each host",
        );
      else if (!HOSTNAME.test(host)) fail(`tls.hosts[${i}]`, host, "a host name such as 'shop.example.com'");
    });
    if (tls.hosts.length > 100)
      fail("tls.hosts", `${tls.hosts.length} hosts`, "at most 100 hosts (the ACME limit of names in one certificate)");
  }
  return problems;
}

/** Throws every problem of the args at once; nothing is declared after a throw. */
export function validateGatewayArgs(args: GatewayArgs): void {
  throwProblems("Gateway", gatewayProblems(resolveGatewayArgs(args)));
}

/** The gateway: see the module comment. */
export class Gateway extends pulumi.ComponentResource {
  /** Name of the Gateway (or AlbConfig) that routes attach to. */
  readonly gatewayName: pulumi.Output<string>;
  /** Namespace of the Gateway. */
  readonly gatewayNamespace: pulumi.Output<string>;
  /** What routes need to attach: controller, names, listener, whether hosts are served over HTTPS. */
  readonly attachment: GatewayAttachment;
  /** Resources that must exist before anyone declares routes: the CRDs and the controller. */
  readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveGatewayArgs(args);
    throwProblems("Gateway", gatewayProblems(a));
    super(GATEWAY_TYPE, name, {}, opts);
    if (a.controller === "alb") {
      const albConfig = new k8s.apiextensions.CustomResource(
        `${name}-alb-config`,
        {
          apiVersion: "alibabacloud.com/v1",
          kind: "AlbConfig",
          metadata: { name: a.name },
          spec: albConfigSpec({
            name: a.name,
            addressType: a.addressType,
            vswitchIds: a.albVswitchIds,
            edition: a.albEdition,
            https: a.tls.mode === "alb-discovery",
            deletionProtection: a.deletionProtection,
          }),
        },
        { parent: this, dependsOn: [...a.albDependsOn] },
      );
      const ingressClass = new k8s.networking.v1.IngressClass(
        `${name}-ingress-class`,
        { metadata: { name: "alb" }, spec: albIngressClassSpec(a.name) },
        { parent: this, dependsOn: [albConfig] },
      );
      this.attachment = {
        controller: "alb",
        name: a.name,
        namespace: a.namespace,
        listener: a.tls.mode === "alb-discovery" ? HTTPS_LISTENER : HTTP_LISTENER,
        ingressClassName: "alb",
        https: a.tls.mode === "alb-discovery",
      };
      this.ready = [ingressClass];
      this.gatewayName = albConfig.metadata.name;
      this.gatewayNamespace = pulumi.output(a.namespace);
      this.registerOutputs({ gatewayName: this.gatewayName, gatewayNamespace: this.gatewayNamespace });
      return;
    }

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, addonNamespaceSpec(a.namespace, "baseline", "gateway"), {
      parent: this,
    });
    const ns = namespace.metadata.name;
    const policies = declareNetworkPolicies(
      this,
      name,
      ns,
      namespacePolicySpecs(
        a.namespace,
        gatewayPolicies({
          gatewayName: a.name,
          namespace: a.namespace,
          listenerPorts: [...LISTENER_PORTS, ...a.tcpPorts],
          backendCidrs: a.backendCidrs,
          ...(a.monitoringNamespace ? { scraper: { namespace: a.monitoringNamespace, pods: prometheusPodLabels() } } : {}),
        }),
      ),
    );
    const crds = crdChart(
      `${name}-crds`,
      { chart: CHARTS.envoyGatewayCrds, values: envoyGatewayCrdValues(), namespace: ns, source: a },
      { parent: this },
    );
    const controller = helmRelease(
      `${name}-controller`,
      {
        releaseName: "envoy-gateway",
        namespace: ns,
        chart: CHARTS.envoyGateway,
        values: envoyGatewayValues({ controllerReplicas: a.replicas > 1 ? 2 : 1, imageMirror: a.imageMirror }),
        skipCrds: true,
        source: a,
      },
      // Under the default deny, the controller and its certgen job need their policies first.
      { parent: this, dependsOn: [crds, ...policies] },
    );
    const proxyName = `${a.name}-proxy`;
    const proxy = new k8s.apiextensions.CustomResource(
      `${name}-proxy`,
      {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: proxyName, namespace: ns },
        spec: envoyProxySpec({
          gatewayName: a.name,
          serviceName: a.name,
          replicas: a.replicas,
          resources: a.proxyResources,
          zones: a.zones.length,
          exposure: a.exposure,
          addressType: a.addressType,
          deletionProtection: a.deletionProtection,
          imageMirror: a.imageMirror,
        }),
      },
      { parent: this, dependsOn: [crds] },
    );
    const gatewayClass = new k8s.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: a.name },
        spec: {
          controllerName: ENVOY_GATEWAY_CONTROLLER,
          parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: proxyName, namespace: a.namespace },
        },
      },
      { parent: this, dependsOn: [controller, proxy] },
    );

    const tlsSecretName = `${a.name}-tls`;
    const { certificate, https } = this.declareTls(name, a, ns, tlsSecretName, [controller, crds]);
    const gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: a.name, namespace: ns },
        spec: gatewaySpec({
          name: a.name,
          namespace: a.namespace,
          className: a.name,
          ...(https ? { tlsSecretName } : {}),
          ...(a.tcpPorts.length ? { tcpPorts: a.tcpPorts } : {}),
        }),
      },
      { parent: this, dependsOn: [gatewayClass, ...(certificate ? [certificate] : [])] },
    );
    if (https) {
      new k8s.apiextensions.CustomResource(
        `${name}-https-redirect`,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: `${a.name}-https-redirect`, namespace: ns },
          spec: httpsRedirectRouteSpec(a.name, a.namespace),
        },
        { parent: this, dependsOn: [gateway] },
      );
    }
    this.attachment = {
      controller: "envoy-gateway",
      name: a.name,
      namespace: a.namespace,
      listener: https ? HTTPS_LISTENER : HTTP_LISTENER,
      https,
    };
    this.ready = [crds, controller];
    this.gatewayName = gateway.metadata.name;
    this.gatewayNamespace = gateway.metadata.namespace;
    this.registerOutputs({ gatewayName: this.gatewayName, gatewayNamespace: this.gatewayNamespace });
  }

  /** Declares where the HTTPS listener's certificate comes from; returns whether there is one. */
  private declareTls(name: string, a: ResolvedGatewayArgs, ns: pulumi.Output<string>, secretName: string, crds: pulumi.Resource[]) {
    const tls = a.tls;
    if (tls.mode === "secret") {
      new k8s.core.v1.Secret(
        `${name}-tls`,
        {
          metadata: { name: secretName, namespace: ns },
          type: "kubernetes.io/tls",
          stringData: { "tls.crt": pulumi.secret(tls.certificate), "tls.key": pulumi.secret(tls.privateKey) },
        },
        { parent: this },
      );
      return { https: true };
    }
    if (tls.mode !== "cert-manager") return { https: false };

    // cert-manager lives in its own namespace, where its webhook and controller run restricted.
    const cmNamespace = new k8s.core.v1.Namespace(
      `${name}-cert-manager-namespace`,
      addonNamespaceSpec("cert-manager", "restricted", "gateway"),
      {
        parent: this,
      },
    );
    const cmPolicies = declareNetworkPolicies(
      this,
      `${name}-cert-manager`,
      cmNamespace.metadata.name,
      namespacePolicySpecs("cert-manager", certManagerPolicies()),
    );
    const certManager = helmRelease(
      `${name}-cert-manager`,
      {
        releaseName: "cert-manager",
        namespace: cmNamespace.metadata.name,
        chart: CHARTS.certManager,
        // A gateway run highly available gets a highly available webhook too.
        values: certManagerValues({ imageMirror: a.imageMirror, highAvailability: a.replicas > 1 }),
        source: a,
      },
      // Its Gateway API support needs the Gateway API CRDs at start.
      { parent: this, dependsOn: [...crds, ...cmPolicies] },
    );
    const issuerName = `${a.name}-acme`;
    const issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: issuerName },
        spec: clusterIssuerSpec({
          name: issuerName,
          email: tls.email,
          ...(tls.acmeServer ? { server: tls.acmeServer } : {}),
          gatewayName: a.name,
          gatewayNamespace: a.namespace,
        }),
      },
      { parent: this, dependsOn: [certManager] },
    );
    // Without a host to name there is nothing to certify, and no HTTPS listener to serve.
    if (tls.hosts.length === 0) return { https: false };
    const certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: secretName, namespace: ns },
        spec: certificateSpec({ secretName, hosts: tls.hosts, issuer: issuerName }),
      },
      { parent: this, dependsOn: [issuer] },
    );
    return { https: true, certificate };
  }
}
