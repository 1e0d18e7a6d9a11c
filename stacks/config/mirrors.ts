/**
 * `imageMirror` and `chartMirror`: the registry the add-ons' public images and charts are pulled
 * from. Prod and staging pull them from their own registry and from nowhere else (docker.io does
 * not answer from mainland China, and a public registry can change under a release): there both
 * default to the stack's registry, and any other host is refused.
 */
import { registryDomains } from "../../components/cloud/registryPlan";
import { REGISTRY_HOST } from "../../components/platform/images";
import type { Check } from "./checks";
import { matching, show } from "./common";
import type { PartialEnvironment } from "./schema";

/** A mirror: a registry host, under which images are `<namespace>/<repository>` and charts `charts/<chart>`. */
export function mirrorSchema(what: string) {
  return matching(REGISTRY_HOST, `a registry host such as 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com' (${what})`).optional();
}

/** The kinds of environment that pull only from their own registry. */
const OWN_REGISTRY_ONLY = new Set(["prod", "staging"]);

/** The host of the stack's own registry: a managed instance's VPC domain, or an existing registry's endpoint. */
export function stackRegistryHost(env: Pick<PartialEnvironment, "registry" | "region">): string | undefined {
  const registry = env.registry;
  if (registry?.mode === "managed") return env.region ? registryDomains(registry.instanceName, env.region).vpc : undefined;
  if (registry?.mode === "existing") return registry.endpoint;
  return undefined;
}

/** Prod and staging mirror from their own registry unless the config says otherwise (which the check then refuses). */
export function applyMirrorDefaults(env: PartialEnvironment): void {
  if (!env.kind || !OWN_REGISTRY_ONLY.has(env.kind)) return;
  const own = stackRegistryHost(env);
  if (!own) return;
  env.imageMirror ??= own;
  env.chartMirror ??= own;
}

/** In prod and staging, both mirrors are the stack's own registry. */
export const checkMirrorConfig: Check = (env, { report }) => {
  if (!env.kind || !OWN_REGISTRY_ONLY.has(env.kind)) return;
  const own = stackRegistryHost(env);
  if (!own) return;
  for (const key of ["imageMirror", "chartMirror"] as const) {
    const value = env[key];
    if (value !== undefined && value !== own) {
      report(
        [key],
        `${show(value)} is not this stack's registry; ${env.kind} pulls every add-on ${key === "imageMirror" ? "image" : "chart"} from its own registry only: set ${show(own)} or leave it unset`,
      );
    }
  }
};
