/**
 * What each layer of an environment hands to the layers above it. The composition in
 * ../environment.ts calls cloud, then platform, then workloads; each returns one of these.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where service images are pulled from. */
export interface ImageSource {
  /** Registry host, e.g. "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"; empty for images in the local daemon. */
  readonly server: pulumi.Input<string>;
  /** Namespace (path prefix) of the environment's repositories. */
  readonly namespace: string;
  /** Name of the image pull Secret that each workload namespace gets, if the registry needs credentials. */
  readonly pullSecret?: {
    readonly name: string;
    /** The .dockerconfigjson content (a secret). */
    readonly dockerConfigJson: pulumi.Input<string>;
  };
  /**
   * Images of the services built from source, by service name: "<registry>/<namespace>/<name>@sha256:..."
   * once pushed; "<namespace>/<name>:<version>" when built into a local Docker daemon without a push.
   */
  readonly builtImages: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface CloudLayer {
  /**
   * The provider every Kubernetes object of the platform and the workloads is declared with: the
   * ACK cluster's (it waits for the node pools), or the local kubeconfig context's.
   */
  readonly kubernetes: k8s.Provider;
  readonly images: ImageSource;
  /**
   * What fills the environment's own registry with the public images and charts it mirrors,
   * resolving once the registry holds them all: anything that pulls from the mirror depends on it.
   * Absent when the environment's registry is not its own (it is filled outside the stack).
   */
  readonly mirrorReady?: pulumi.Input<pulumi.Resource>;
  /** Zones the nodes run in (empty on a local cluster), for spreading pods. */
  readonly zones: readonly string[];
  /** On Alibaba Cloud, what add-ons may need of the network and cluster (e.g. an ALB's vSwitches); absent locally. */
  readonly alicloud?: {
    readonly region: string;
    readonly clusterId: pulumi.Output<string>;
    /** Add-ons installed on the cluster by name (e.g. "alb-ingress-controller"): what waits for one depends on it. */
    readonly installedAddons: Readonly<Record<string, pulumi.Resource>>;
    readonly vpcId: pulumi.Output<string>;
    /** Node vSwitch ids by zone. */
    readonly vswitchIds: pulumi.Output<Record<string, string>>;
    readonly securityGroupId: pulumi.Output<string>;
  };
  /** Stack outputs of the layer. */
  readonly outputs: Readonly<Record<string, pulumi.Input<unknown>>>;
}

export interface PlatformLayer {
  /** The gateway routes attach to, when the environment has one. */
  readonly gateway?: {
    readonly controller: "envoy-gateway" | "alb";
    readonly name: string;
    readonly namespace: string;
    /** Listener section names routes attach to. */
    readonly httpListener: string;
    readonly httpsListener?: string;
    /** ALB only: the IngressClass name. */
    readonly ingressClassName?: string;
    /**
     * Envoy Gateway only: labels of the proxy pods (in `namespace`), which the services' network
     * policies admit. An ALB sits outside the cluster and has none.
     */
    readonly proxyPodLabels?: Readonly<Record<string, string>>;
  };
  /** Present when Prometheus runs: what a ServiceMonitor or PrometheusRule needs to be picked up. */
  readonly monitoring?: {
    readonly namespace: string;
    /** Labels the Prometheus instance selects ServiceMonitors and PrometheusRules by. */
    readonly selectorLabels: Readonly<Record<string, string>>;
    /** Labels of the Prometheus pods (in `namespace`), which the services' network policies admit to scrape. */
    readonly prometheusPodLabels: Readonly<Record<string, string>>;
  };
  /**
   * Resources that must exist before workloads declare custom resources (Gateway API routes,
   * ServiceMonitors): the add-ons that install their CRDs.
   */
  readonly ready: readonly pulumi.Resource[];
  /** The platform's disk class, when it declares one: a service's disks on it wait for it. */
  readonly storage?: pulumi.Resource;
  readonly outputs: Readonly<Record<string, pulumi.Input<unknown>>>;
}
