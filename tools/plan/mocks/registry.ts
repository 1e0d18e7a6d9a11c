/**
 * What an ACR Enterprise instance holds during one plan, and how the registry answers for it.
 *
 * A registry holds only what something put there: an artifact subscription rule the program
 * declared (it copies the tags its pattern names literally, `^(?:v1\.2\.3|v1\.2\.4)$`, up to its
 * tag count: the emulator knows no public registry's tags, so a broader pattern fills nothing it can
 * name), an image the program built and pushed, or a tag people put there outside the program. For
 * the last, the plan is either told the registry's contents (`registryContents`), or it assumes
 * that what the program asks people to copy or push (the `filledByPeople` of a RegistryMirror) was
 * done, and says so. A tag nothing fills is missing, so a program that waits for it fails.
 *
 * Like the API, the registry refuses names it cannot hold (`<namespace>/<repository>` only), a
 * repository in a namespace that does not exist, and subscription rules it would refuse.
 */
import { namespaceProblem, repositoryProblem } from "../../../components/cloud/registryPlan";
import type { EmulatorContext, ResourceRequest, ResourceResponse } from "./types";
import { stableId } from "./types";

interface SubscriptionRule {
  readonly namespace: string;
  readonly repository: string;
  readonly tags: readonly string[];
}

interface InstanceState {
  readonly namespaces: Set<string>;
  /** Repository ids by "<namespace>/<repository>". */
  readonly repositories: Map<string, string>;
  readonly rules: SubscriptionRule[];
  /** Tags people are asked to put there, by "<namespace>/<repository>". */
  readonly byPeople: Map<string, Set<string>>;
}

interface RegistryState {
  /** By instance id. */
  readonly instances: Map<string, InstanceState>;
  /** Tags pushed by a docker build, by registry host, then "<namespace>/<repository>". */
  readonly pushes: Map<string, Map<string, Set<string>>>;
  /** Looks at a namespace, to refuse a program that waits for the registry to change. */
  readonly looks: Set<string>;
}

const states = new WeakMap<EmulatorContext, RegistryState>();

function stateOf(ctx: EmulatorContext): RegistryState {
  let state = states.get(ctx);
  if (!state) {
    state = { instances: new Map(), pushes: new Map(), looks: new Set() };
    states.set(ctx, state);
  }
  return state;
}

function instance(ctx: EmulatorContext, instanceId: string): InstanceState {
  const state = stateOf(ctx);
  let found = state.instances.get(instanceId);
  if (!found) {
    found = { namespaces: new Set(), repositories: new Map(), rules: [], byPeople: new Map() };
    state.instances.set(instanceId, found);
  }
  return found;
}

/** The API's refusal, as the provider reports it. */
function refuse(code: string, message: string): never {
  throw new Error(`the API refuses it (${code}): ${message}`);
}

export const SOURCE_PROVIDERS: Readonly<Record<string, number>> = { DOCKER_HUB: 5, QUAY: 30, GCR: 30 };

/** The tags a pattern names literally ("^(?:a|b\\.c)$" -> ["a", "b.c"]), or [] for any other pattern. */
export function literalTags(pattern: string): string[] {
  const m = /^\^(?:\(\?:|\()?(.*?)\)?\$$/.exec(pattern);
  if (!m) return [];
  const body = m[1]!;
  const alternatives = body.split("|");
  const tags: string[] = [];
  for (const alt of alternatives) {
    // Escaped characters are literal; any other regular-expression syntax is not a literal tag.
    const literal = alt.replace(/\\(.)/g, "\u0000$1");
    if (/[.*+?^${}()|[\]\\]/.test(literal.replace(/\u0000./g, ""))) return [];
    tags.push(literal.replace(/\u0000/g, ""));
  }
  return tags;
}

export function namespaceResource(req: ResourceRequest, ctx: EmulatorContext): ResourceResponse {
  const { instanceId, name } = req.inputs as { instanceId: string; name: string };
  const problem = namespaceProblem(String(name));
  if (problem) refuse("NAMESPACE_NAME_ILLEGAL", problem);
  instance(ctx, instanceId).namespaces.add(name);
  return { id: `${instanceId}:${name}`, state: { ...req.inputs } };
}

export function repositoryResource(req: ResourceRequest, ctx: EmulatorContext): ResourceResponse {
  const { instanceId, namespace, name } = req.inputs as { instanceId: string; namespace: string; name: string };
  const problem = repositoryProblem(String(name));
  if (problem) refuse("REPO_NAME_ILLEGAL", `${problem}; an Enterprise instance holds <namespace>/<repository> only`);
  const state = instance(ctx, instanceId);
  if (!state.namespaces.has(namespace)) refuse("NAMESPACE_NOT_EXIST", `namespace '${namespace}' does not exist in instance ${instanceId}`);
  const repoId = stableId("crr-", req.type, req.name);
  state.repositories.set(`${namespace}/${name}`, repoId);
  return { id: `${instanceId}:${namespace}:${name}`, state: { ...req.inputs, repoId } };
}

export function subscriptionRuleResource(req: ResourceRequest, ctx: EmulatorContext): ResourceResponse {
  const i = req.inputs as Record<string, any>;
  const limit = SOURCE_PROVIDERS[String(i["sourceProvider"])];
  if (limit === undefined)
    refuse("PARAMETER_INVALID", `SourceProvider '${i["sourceProvider"]}' is not one of ${Object.keys(SOURCE_PROVIDERS).join(", ")}`);
  for (const [field, value] of [
    ["SourceNamespaceName", i["sourceNamespaceName"]],
    ["SourceRepoName", i["sourceRepoName"]],
  ] as const) {
    // The source location is "<namespace>/<repository>": neither part holds a '/'.
    if (typeof value !== "string" || value === "" || value.includes("/"))
      refuse("PARAMETER_INVALID", `${field} '${value}' is not one path segment`);
  }
  const count = i["tagCount"];
  if (!Number.isInteger(count) || count < 1 || count > limit)
    refuse("PARAMETER_INVALID", `TagCount ${count} is not between 1 and ${limit} for ${i["sourceProvider"]}`);
  try {
    new RegExp(String(i["tagRegexp"]));
  } catch {
    refuse("PARAMETER_INVALID", `TagRegexp '${i["tagRegexp"]}' is not a regular expression`);
  }
  if (!Array.isArray(i["platforms"]) || i["platforms"].length === 0) refuse("PARAMETER_INVALID", "Platform is required");
  const namespace = String(i["namespaceName"]);
  const repository = String(i["repoName"]);
  const problem = namespaceProblem(namespace) ?? repositoryProblem(repository);
  if (problem) refuse("PARAMETER_INVALID", problem);
  const state = instance(ctx, String(i["instanceId"]));
  if (!state.namespaces.has(namespace))
    refuse("NAMESPACE_NOT_EXIST", `namespace '${namespace}' does not exist in instance ${i["instanceId"]}`);
  state.rules.push({ namespace, repository, tags: literalTags(String(i["tagRegexp"])).slice(0, count) });
  const ruleId = stableId("crasr-", req.type, req.name);
  return {
    id: `${i["instanceId"]}:${ruleId}`,
    state: { ...i, artifactSubscriptionRuleId: ruleId, sourceDomain: "", createTime: "1767225600000", modifiedTime: "1767225600000" },
  };
}

/** Records what a RegistryMirror asks people to copy or push, and lets the component be. */
export function mirrorComponent(req: ResourceRequest, ctx: EmulatorContext): undefined {
  const inputs = req.inputs as { instanceId?: string; filledByPeople?: Array<{ namespace: string; repository: string; tags: string[] }> };
  if (typeof inputs.instanceId !== "string") return undefined;
  const state = instance(ctx, inputs.instanceId);
  for (const f of inputs.filledByPeople ?? []) {
    const key = `${f.namespace}/${f.repository}`;
    state.byPeople.set(key, new Set([...(state.byPeople.get(key) ?? []), ...f.tags]));
  }
  return undefined;
}

/** Records a pushed image ("host/namespace/repository:tag"). */
export function recordPush(ctx: EmulatorContext, imageName: string): void {
  const m = /^([^/]+)\/([^/]+)\/([^/:@]+):([^/]+)$/.exec(imageName);
  if (!m) return;
  const [, host, namespace, repository, tag] = m;
  const pushes = stateOf(ctx).pushes;
  const byRepo = pushes.get(host!) ?? new Map<string, Set<string>>();
  byRepo.set(`${namespace}/${repository}`, (byRepo.get(`${namespace}/${repository}`) ?? new Set()).add(tag!));
  pushes.set(host!, byRepo);
}

/** A tag's digest: stable for the same repository and tag. */
function digestOf(instanceId: string, key: string, tag: string): string {
  return `sha256:${stableId("", instanceId, key, tag).padEnd(64, "0")}`;
}

/** The answer of cs.getRegistryEnterpriseRepos: the repositories of a namespace, with their tags when details are asked for. */
export function registryRepos(inputs: Record<string, any>, ctx: EmulatorContext, instanceName: string | undefined): Record<string, any> {
  const instanceId = String(inputs["instanceId"]);
  const namespace = inputs["namespace"] as string | undefined;
  const nameRegex = inputs["nameRegex"] ? new RegExp(String(inputs["nameRegex"])) : undefined;
  const state = stateOf(ctx);
  const look = JSON.stringify([instanceId, namespace ?? "", inputs["nameRegex"] ?? ""]);
  if (state.looks.has(look)) {
    throw new Error(
      `the offline plan cannot wait for registry '${instanceName ?? instanceId}' to fill: the program looks at namespace '${namespace}' again, ` +
        `but nothing fills a registry while a plan waits. What it waits for is filled by no subscription rule the program declares and no push ` +
        `the plan knows of (see --registry-contents); set registry.waitMinutes to 0 to see the program's own message`,
    );
  }
  state.looks.add(look);
  const held = instance(ctx, instanceId);
  const told = instanceName !== undefined ? ctx.registryContents?.[instanceName] : undefined;
  const tags = new Map<string, Set<string>>();
  const add = (key: string, tag: string) => tags.set(key, (tags.get(key) ?? new Set()).add(tag));
  for (const rule of held.rules) for (const tag of rule.tags) add(`${rule.namespace}/${rule.repository}`, tag);
  for (const [host, byRepo] of state.pushes) {
    if (instanceName === undefined || !host.startsWith(`${instanceName}-registry`)) continue;
    for (const [key, pushed] of byRepo) for (const tag of pushed) add(key, tag);
  }
  if (ctx.registryContents) {
    for (const [key, list] of Object.entries(told ?? {})) for (const tag of list) add(key, tag);
  } else {
    for (const [key, asked] of held.byPeople) {
      for (const tag of asked) {
        if (tags.get(key)?.has(tag)) continue;
        add(key, tag);
        ctx.assume?.(`${instanceName ?? instanceId}: ${key}:${tag} is assumed to be there (people are asked to put it there)`);
      }
    }
  }
  const repos = [...new Set([...held.repositories.keys(), ...tags.keys()])]
    .filter(
      (key) =>
        (namespace === undefined || key.startsWith(`${namespace}/`)) && (!nameRegex || nameRegex.test(key.slice(key.indexOf("/") + 1))),
    )
    .sort()
    .map((key) => {
      const [ns, name] = key.split("/") as [string, string];
      const id = held.repositories.get(key) ?? stableId("crr-", instanceId, key);
      return {
        id,
        instanceId,
        namespace: ns,
        name,
        repoType: "PRIVATE",
        summary: "",
        tags: inputs["enableDetails"]
          ? [...(tags.get(key) ?? [])].sort().map((tag) => ({
              tag,
              digest: tag.startsWith("sha256:") ? tag : digestOf(instanceId, key, tag),
              imageId: stableId("", instanceId, key, tag),
              imageSize: 0,
              imageCreate: "1767225600000",
              imageUpdate: "1767225600000",
              status: "NORMAL",
            }))
          : [],
      };
    });
  return {
    id: stableId("", instanceId, namespace ?? "", String(inputs["nameRegex"] ?? "")),
    instanceId,
    ids: repos.map((r) => r.id),
    names: repos.map((r) => r.name),
    repos,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(inputs["nameRegex"] !== undefined ? { nameRegex: inputs["nameRegex"] } : {}),
    ...(inputs["enableDetails"] !== undefined ? { enableDetails: inputs["enableDetails"] } : {}),
  };
}
