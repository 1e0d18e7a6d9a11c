/**
 * A plausible Kubernetes provider: objects come back as they were sent, with the fields the API
 * server fills that programs read (generated names, uid, a load balancer's address), and Helm
 * releases come back deployed.
 */
import type { ProviderEmulator, ResourceRequest } from "./types";
import { stableId, stableIp } from "./types";

/**
 * The provider's reading of `pulumi.com/waitFor` (provider/pkg/metadata/overrides.go, ReadyCondition):
 * one expression or a JSON list of them, each "jsonpath=..." or "condition=<Type>[=<Status>]". The
 * provider fails the resource on anything else, after it has applied the object; the plan says so
 * before.
 */
export function waitForProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return "pulumi.com/waitFor must be a string";
  let expressions: unknown;
  try {
    expressions = JSON.parse(value);
  } catch {
    expressions = [value];
  }
  if (!Array.isArray(expressions)) expressions = [value];
  const list = expressions as unknown[];
  if (list.length === 0) return "at least one condition must be specified";
  for (const expr of list) {
    if (typeof expr !== "string" || !(expr.startsWith("jsonpath=") || expr.startsWith("condition="))) {
      return `expected a "jsonpath=" or "condition=" prefix, got ${JSON.stringify(expr)}`;
    }
  }
  return undefined;
}

function object(req: ResourceRequest) {
  const inputs = req.inputs;
  const problem = waitForProblem(inputs["metadata"]?.annotations?.["pulumi.com/waitFor"]);
  if (problem) throw new Error(`${req.name}: ${problem}`);
  const metadata = { ...(inputs["metadata"] ?? {}) };
  // The provider auto-names objects that set no name: "<resource name>-<8 random chars>".
  if (!metadata.name) metadata.name = `${req.name}-${stableId("", req.type, req.name).slice(0, 8)}`;
  metadata.uid = uuidFrom(req.type, req.name);
  const state: Record<string, any> = { ...inputs, metadata };
  if (inputs["kind"] === "Service" && inputs["spec"]?.type === "LoadBalancer") {
    state["status"] = { loadBalancer: { ingress: [{ ip: stableIp(`${req.type}/${req.name}`, 47) }] } };
  }
  return { id: metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name, state };
}

function release(req: ResourceRequest) {
  const inputs = req.inputs;
  const name = inputs["name"] ?? `${req.name}-${stableId("", req.type, req.name).slice(0, 8)}`;
  const namespace = inputs["namespace"] ?? "default";
  return {
    id: `${namespace}/${name}`,
    state: {
      ...inputs,
      name,
      namespace,
      status: {
        name,
        namespace,
        chart: String(inputs["chart"] ?? ""),
        version: String(inputs["version"] ?? ""),
        appVersion: String(inputs["version"] ?? ""),
        revision: 1,
        status: "deployed",
      },
    },
  };
}

function uuidFrom(...parts: string[]): string {
  const h = stableId("", ...parts) + stableId("", ...parts, "2");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const kubernetesEmulator: ProviderEmulator = {
  prefix: "kubernetes:",
  resource(req) {
    if (req.type === "kubernetes:helm.sh/v3:Release") return release(req);
    if (req.inputs["kind"] && req.inputs["apiVersion"]) return object(req);
    return { id: stableId("", req.type, req.name), state: { ...req.inputs } };
  },
  invokes: {},
};
