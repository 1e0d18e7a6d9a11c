/**
 * Where a stack pulls its images and charts from. Prod and staging pull everything from the
 * registry they own: docker.io does not answer from mainland China, github.io does so unreliably,
 * and a public registry can change or vanish under a running release.
 */
import type { PolicyResource } from "@pulumi/policy";
import { containersOf, describeContainer, kindOf, parseImage, podTemplateOf, WORKLOAD_TYPES } from "../lib/kubernetes";
import { asObject, configSchema, copyOf, environmentOf, known, type StackRule, typeMatcher } from "../lib/policy";
import { registryMatches } from "./workloads";

const REGISTRY_INSTANCE = "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_CHART = "kubernetes:helm.sh/v4:Chart";
const isWorkload = typeMatcher(WORKLOAD_TYPES);

/** Values keys that name a registry host, and keys that name an image or repository (possibly with its host). */
const REGISTRY_KEYS = new Set(["registry", "imageRegistry", "containerRegistry"]);
const IMAGE_KEYS = new Set(["image", "repository"]);

/** An ACR Enterprise instance's domains: `<name>-registry[-vpc].<region>.cr.aliyuncs.com`. */
function instanceHosts(resources: readonly PolicyResource[]): string[] {
  return resources
    .filter((r) => r.type === REGISTRY_INSTANCE)
    .map((r) => known(() => r.props["instanceName"] as string | undefined, undefined))
    .filter((name): name is string => typeof name === "string")
    .flatMap((name) => [`${name}-registry.*.cr.aliyuncs.com`, `${name}-registry-vpc.*.cr.aliyuncs.com`]);
}

/** The host of a string that starts with one ("host/ns/repo:tag", "host"), or undefined. */
function leadingHost(value: string): string | undefined {
  const first = value.split("/")[0]!;
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/** Every string under image-ish keys of a values tree, with its path. */
function valueReferences(values: unknown, path: string[] = []): Array<{ path: string; key: string; value: string }> {
  const out: Array<{ path: string; key: string; value: string }> = [];
  if (Array.isArray(values)) values.forEach((v, i) => out.push(...valueReferences(v, [...path, String(i)])));
  else if (values !== null && typeof values === "object") {
    for (const [key, v] of Object.entries(values)) {
      if (typeof v === "string" && (REGISTRY_KEYS.has(key) || IMAGE_KEYS.has(key)))
        out.push({ path: [...path, key].join("."), key, value: v });
      else out.push(...valueReferences(v, [...path, key]));
    }
  }
  return out;
}

/** Where a Helm release or chart fetches its chart: the host of `oci://host/...` or of its repository URL. */
function chartHost(props: Record<string, any>): { host?: string; from: string } | undefined {
  const chart = known(() => props["chart"] as string | undefined, undefined);
  if (typeof chart !== "string") return undefined;
  if (chart.startsWith("oci://")) return { host: chart.slice("oci://".length).split("/")[0]!, from: chart };
  const repo = known(() => asObject(props["repositoryOpts"])?.["repo"] as string | undefined, undefined);
  if (typeof repo === "string" && repo !== "") {
    try {
      return { host: new URL(repo).host, from: `${repo} (${chart})` };
    } catch {
      return { host: repo, from: `${repo} (${chart})` };
    }
  }
  // A chart named without a repository is a local path: nothing is fetched.
  return undefined;
}

export const pullsFromStackRegistry: StackRule = {
  name: "pulls-from-stack-registry",
  description:
    "Docker Hub and github.io answer unreliably from mainland China and public images change under releases: prod and staging pull only from their own registry.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema({
    registryHosts: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [],
      description:
        "Hosts of the stack's own registry besides the ACR Enterprise instances it declares (an existing registry); '*' stands for any run of characters.",
    },
  }),
  // Besides these, any custom resource whose spec names an image (EnvoyProxy, Elasticsearch, Kibana).
  appliesTo: [...WORKLOAD_TYPES, HELM_RELEASE, HELM_CHART, REGISTRY_INSTANCE],
  validateStack: (args, report) => {
    const environment = environmentOf(args);
    if (environment !== "prod" && environment !== "staging") args.notApplicable(`applies to prod and staging; this is ${environment}`);
    const configured = args.getConfig<{ registryHosts?: string[] }>().registryHosts ?? [];
    const own = [...instanceHosts(args.resources), ...configured];
    if (own.length === 0) args.notApplicable("the stack declares no registry of its own (an ACR Enterprise instance, or registryHosts)");
    const isOwn = (host: string) => own.some((pattern) => registryMatches(pattern, host));
    const acr = (host: string) => host.endsWith(".cr.aliyuncs.com");
    const judgeImage = (image: string, where: string, urn: string) => {
      const ref = parseImage(image);
      const host = ref.registry ?? "docker.io";
      if (!isOwn(host)) {
        report(
          `${where} pulls '${image}' from ${host}, not from the stack's registry (${own.join(", ")}); mirror it there and pull it from there`,
          urn,
        );
      } else if (acr(host) && ref.repository.split("/").length !== 2) {
        report(
          `${where} pulls '${image}', a path ACR Enterprise cannot hold: its repositories are <namespace>/<repository>, here '${ref.repository}'`,
          urn,
        );
      }
    };

    for (const r of args.resources) {
      if (isWorkload(r.type)) {
        const spec = known(() => copyOf(podTemplateOf(r.type, r.props).spec), undefined);
        for (const c of containersOf(spec, true)) {
          const image = c.spec["image"];
          if (typeof image === "string") judgeImage(image, `${kindOf(r.type)} '${r.name}': ${describeContainer(c)}`, r.urn);
        }
      } else if (r.type === HELM_RELEASE || r.type === HELM_CHART) {
        const source = chartHost(r.props);
        if (source?.host !== undefined && !isOwn(source.host)) {
          report(
            `${kindOf(r.type)} '${r.name}' fetches its chart from ${source.from}, not from the stack's registry (${own.join(", ")})`,
            r.urn,
          );
        }
        const values = known(() => copyOf(r.props["values"]), undefined);
        for (const ref of valueReferences(values)) {
          const host = REGISTRY_KEYS.has(ref.key) ? ref.value : leadingHost(ref.value);
          if (host === undefined || host === "") continue;
          if (REGISTRY_KEYS.has(ref.key)) {
            if (!isOwn(host))
              report(`${kindOf(r.type)} '${r.name}' sets ${ref.path} to ${host}, not the stack's registry (${own.join(", ")})`, r.urn);
          } else if (ref.key === "image") {
            judgeImage(ref.value, `${kindOf(r.type)} '${r.name}' (${ref.path})`, r.urn);
          } else if (!isOwn(host)) {
            report(
              `${kindOf(r.type)} '${r.name}' sets ${ref.path} to '${ref.value}', not in the stack's registry (${own.join(", ")})`,
              r.urn,
            );
          }
        }
      } else if (r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:core/") && !r.type.startsWith("pulumi:")) {
        // Custom resources that name an image (EnvoyProxy, Elasticsearch, Kibana) anywhere in their spec.
        const spec = known(() => copyOf(r.props["spec"]), undefined);
        for (const ref of valueReferences(spec)) {
          if (ref.key === "image") judgeImage(ref.value, `${kindOf(r.type)} '${r.name}' (spec.${ref.path})`, r.urn);
        }
      }
    }
  },
};

export const SUPPLY_RULES = [pullsFromStackRegistry];
