/**
 * Microservice: everything one service needs, from typed args: a web service with a stable track
 * and an optional canary track whose share of traffic is set by weight (and by header before any
 * weight), a worker with no port, or a stateful service whose replicas keep their own disks.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "./args";
import { planMicroservice, type PlannedObject } from "./plan";
import { resolveMicroservice } from "./resolve";
import { validateMicroserviceArgs } from "./validate";

export const MICROSERVICE_TYPE = "ack-platform:workload:Microservice";

type ObjectClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The @pulumi/kubernetes class of a built-in kind ("apps/v1", "Deployment" → k8s.apps.v1.Deployment;
 * "rbac.authorization.k8s.io/v1" → k8s.rbac.v1), or undefined for custom resources.
 */
export function kubernetesClass(apiVersion: string, kind: string): ObjectClass | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const module = (k8s as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>)[group!.split(".")[0]!];
  const Class = module?.[version!]?.[kind];
  return typeof Class === "function" ? (Class as ObjectClass) : undefined;
}

/**
 * Declares one planned object with the class of its kind. It waits for `dependencies.all`, a
 * custom resource (route, monitor) also for `dependencies.crds`, the add-ons that install its CRD,
 * and for `dependencies.own`, the objects of the same service it waits for.
 */
export function declareObject(
  resourceName: string,
  planned: Omit<PlannedObject, "waitsFor">,
  opts: Omit<pulumi.CustomResourceOptions, "dependsOn" | "protect"> = {},
  dependencies: {
    readonly all?: readonly pulumi.Input<pulumi.Resource>[];
    readonly crds?: readonly pulumi.Input<pulumi.Resource>[];
    readonly own?: readonly pulumi.Resource[];
  } = {},
): pulumi.CustomResource {
  const dependsOn = [...(dependencies.all ?? []), ...(planned.custom ? (dependencies.crds ?? []) : []), ...(dependencies.own ?? [])];
  const options: pulumi.CustomResourceOptions = {
    ...opts,
    ...(dependsOn.length ? { dependsOn } : {}),
    ...(planned.protect ? { protect: true } : {}),
  };
  const Class = planned.custom ? undefined : kubernetesClass(String(planned.object["apiVersion"]), String(planned.object["kind"]));
  if (Class) return new Class(resourceName, planned.object, options);
  if (!planned.custom) throw new Error(`no resource class for ${planned.object["apiVersion"]} ${planned.object["kind"]}`);
  return new k8s.apiextensions.CustomResource(resourceName, planned.object as k8s.apiextensions.CustomResourceArgs, options);
}

export interface MicroserviceOptions extends pulumi.ComponentResourceOptions {
  /**
   * Resources every object of the service waits for, such as its namespace. (A component's own
   * `dependsOn` is not passed on to its children, so it would not order them.)
   */
  readonly childDependsOn?: readonly pulumi.Input<pulumi.Resource>[];
  /** Resources that install the CRDs of routes and monitors (the gateway and monitoring add-ons). */
  readonly crdDependencies?: readonly pulumi.Input<pulumi.Resource>[];
}

export class Microservice extends pulumi.ComponentResource {
  /** Name of the stable Service, the one other services call inside the cluster (a worker has no Service: its name). */
  readonly serviceName: pulumi.Output<string>;
  /** Name of the canary Service, when the service has a canary. */
  readonly canaryServiceName: pulumi.Output<string | undefined>;
  /** Public URL of the route, when the service has one. */
  readonly url: pulumi.Output<string | undefined>;
  /** Percent of the route's traffic on each track. */
  readonly traffic: pulumi.Output<{ stable: number; canary: number; legacy: number }>;
  /** Every object declared, by role ("deployment", "canary-deployment", "route", ...). */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: MicroserviceArgs, opts: MicroserviceOptions = {}) {
    // Validation comes before anything is registered, the component included.
    validateMicroserviceArgs(name, args);
    const { crdDependencies, childDependsOn, ...componentOpts } = opts;
    super(MICROSERVICE_TYPE, name, {}, componentOpts);
    const resolved = resolveMicroservice(name, args);
    const resources: Record<string, pulumi.CustomResource> = {};
    // The planner lists an object after the objects it waits for (tracks before routes).
    for (const planned of planMicroservice(name, args)) {
      const own = planned.waitsFor.map((role) => {
        const found = resources[role];
        if (!found) throw new Error(`'${name}-${planned.role}' waits for '${name}-${role}', which is not declared before it`);
        return found;
      });
      resources[planned.role] = declareObject(
        `${name}-${planned.role}`,
        planned,
        { parent: this },
        {
          ...(childDependsOn ? { all: childDependsOn } : {}),
          ...(crdDependencies ? { crds: crdDependencies } : {}),
          ...(own.length ? { own } : {}),
        },
      );
    }
    this.resources = resources;
    this.serviceName = pulumi.output(name);
    this.canaryServiceName = pulumi.output(args.canary ? `${name}-canary` : undefined);
    const scheme = args.route?.tls === false ? "http" : "https";
    this.url = pulumi.output(args.route ? `${scheme}://${args.route.host}${args.route.path ?? "/"}` : undefined);
    this.traffic = pulumi.output({ ...resolved.split });
    this.registerOutputs({
      serviceName: this.serviceName,
      canaryServiceName: this.canaryServiceName,
      url: this.url,
      traffic: this.traffic,
    });
  }
}
