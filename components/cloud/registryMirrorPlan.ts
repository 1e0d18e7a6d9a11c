/**
 * The registry mirror as plain values: which namespaces, repositories and subscription rules fill an
 * ACR Enterprise instance with the public images and charts a stack pulls, what a person must copy
 * where nothing can subscribe, which of them are missing, and how to say so. No Pulumi here.
 *
 * ACR Enterprise holds `<namespace>/<repository>` only. Its artifact subscription copies tags from
 * Docker Hub, Quay and GCR (the API's SourceProvider: DOCKER_HUB, QUAY, GCR), from a source
 * location that is itself `<namespace>/<repository>`; it is asynchronous, so the program waits for
 * the tags to appear. Everything else (ghcr.io, registry.k8s.io, docker.elastic.co, Helm chart
 * repositories) is copied once by a person, with the commands `fillInstruction` prints.
 */
import { namespaceProblem, repositoryProblem } from "./registryPlan";

export type SubscriptionProvider = "DOCKER_HUB" | "QUAY" | "GCR";

/** The registries ACR's artifact subscription copies from, by host. */
export const SUBSCRIPTION_PROVIDERS: Readonly<Record<string, SubscriptionProvider>> = {
  "docker.io": "DOCKER_HUB",
  "registry-1.docker.io": "DOCKER_HUB",
  "quay.io": "QUAY",
  "gcr.io": "GCR",
};

/** How many of the newest matching tags one rule may copy: 5 from Docker Hub, 30 from the others. */
export const SUBSCRIPTION_TAG_LIMITS: Readonly<Record<SubscriptionProvider, number>> = { DOCKER_HUB: 5, QUAY: 30, GCR: 30 };

/** How a mirrored artifact gets into the registry. */
export type MirrorFill =
  /** An artifact subscription rule copies it from a public registry. */
  | {
      readonly by: "subscription";
      readonly provider: SubscriptionProvider;
      readonly sourceNamespace: string;
      readonly sourceRepository: string;
    }
  /** A person copies it once; `from` is where it is published ("ghcr.io/x/y" or a chart repository URL). */
  | { readonly by: "copy"; readonly from: string };

/** One repository of the mirror and the tags it must hold. */
export interface MirrorArtifact {
  readonly kind: "image" | "chart";
  readonly namespace: string;
  readonly repository: string;
  readonly tags: readonly string[];
  /** The upstream reference the platform names ("docker.io/envoyproxy/gateway"), for messages. */
  readonly upstream: string;
  readonly fill: MirrorFill;
}

/** Tags pushed by people (a CI pipeline) into a repository declared elsewhere: the services' own images. */
export interface PushedArtifact {
  readonly namespace: string;
  readonly repository: string;
  /** Tags, or digests ("sha256:..."), that must be in it. */
  readonly tags: readonly string[];
}

/** Where an image can be subscribed from, or undefined when ACR cannot subscribe to it. */
export function subscriptionSource(
  repositoryWithHost: string,
): { readonly provider: SubscriptionProvider; readonly namespace: string; readonly repository: string } | undefined {
  const slash = repositoryWithHost.indexOf("/");
  const host = repositoryWithHost.slice(0, slash);
  const provider = SUBSCRIPTION_PROVIDERS[host];
  const path = repositoryWithHost.slice(slash + 1).split("/");
  // The source location is `<namespace>/<repository>`: nested paths cannot be subscribed to.
  if (!provider || slash < 0 || path.length !== 2) return undefined;
  return { provider, namespace: path[0]!, repository: path[1]! };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A subscription's tag pattern that matches exactly these tags: `^(?:v1\.9\.2|1\.9\.2)$`. */
export function exactTagPattern(tags: readonly string[]): string {
  return `^(?:${tags.map(escapeRegExp).join("|")})$`;
}

/** The subscription rule's arguments for an artifact filled by subscription. */
export function subscriptionRuleSpec(artifact: MirrorArtifact) {
  if (artifact.fill.by !== "subscription") throw new Error(`${artifact.namespace}/${artifact.repository} is not filled by a subscription`);
  return {
    sourceProvider: artifact.fill.provider,
    sourceNamespaceName: artifact.fill.sourceNamespace,
    sourceRepoName: artifact.fill.sourceRepository,
    namespaceName: artifact.namespace,
    repoName: artifact.repository,
    // Exactly the pinned tags, and no more: a tag nobody pins is never copied.
    tagRegexp: exactTagPattern(artifact.tags),
    tagCount: artifact.tags.length,
    // A tag already in the mirror is what the stack has been running: it is never overwritten.
    override: false,
    // The node pools are x86; a multi-architecture image is copied for that platform only.
    platforms: ["linux/amd64"],
  };
}

/** A problem with the artifacts, at an index of the list. */
export interface MirrorProblem {
  readonly index: number;
  readonly message: string;
}

/**
 * Problems with a mirror's artifacts: names ACR Enterprise cannot hold, tags missing or beyond what
 * one subscription may copy, and two artifacts that claim the same repository from different sources.
 */
export function mirrorProblems(artifacts: readonly MirrorArtifact[]): MirrorProblem[] {
  const problems: MirrorProblem[] = [];
  const seen = new Map<string, number>();
  artifacts.forEach((a, index) => {
    const where = `${a.namespace}/${a.repository}`;
    const ns = namespaceProblem(a.namespace);
    if (ns) problems.push({ index, message: `${a.upstream} cannot be held at '${where}': ${ns}` });
    const repo = repositoryProblem(a.repository);
    if (repo) problems.push({ index, message: `${a.upstream} cannot be held at '${where}': ${repo}` });
    if (a.tags.length === 0) problems.push({ index, message: `${a.upstream}: no tag to mirror` });
    a.tags.forEach((tag) => {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))
        problems.push({ index, message: `${a.upstream}: '${tag}' is not a tag a subscription or copy can fill; pin a tag, not a digest` });
    });
    if (a.fill.by === "subscription") {
      const limit = SUBSCRIPTION_TAG_LIMITS[a.fill.provider];
      if (a.tags.length > limit) {
        problems.push({
          index,
          message: `${a.upstream}: ${a.tags.length} tags, but a subscription from ${a.fill.provider} copies at most ${limit}; pin fewer versions`,
        });
      }
    }
    const other = seen.get(where);
    if (other !== undefined) {
      problems.push({ index, message: `${a.upstream} and ${artifacts[other]!.upstream} would both be held at '${where}'` });
    }
    seen.set(where, index);
  });
  return problems;
}

/** Artifacts of the same repository merged into one, with the tags of all (first upstream named). */
export function mergeArtifacts(artifacts: readonly MirrorArtifact[]): MirrorArtifact[] {
  const byPlace = new Map<string, MirrorArtifact>();
  for (const a of artifacts) {
    const key = `${a.kind}\u0000${a.namespace}/${a.repository}\u0000${JSON.stringify(a.fill)}`;
    const known = byPlace.get(key);
    byPlace.set(key, known ? { ...known, tags: [...new Set([...known.tags, ...a.tags])] } : { ...a, tags: [...new Set(a.tags)] });
  }
  return [...byPlace.values()];
}

/** What the registry holds: tags (and their digests) by "<namespace>/<repository>". */
export type RegistryContents = ReadonlyMap<string, ReadonlyArray<{ readonly tag: string; readonly digest?: string }>>;

/** The tags of `required` that `contents` lacks, repository by repository (a digest counts as the tag it names). */
export function missingTags<T extends { readonly namespace: string; readonly repository: string; readonly tags: readonly string[] }>(
  required: readonly T[],
  contents: RegistryContents,
): Array<{ readonly artifact: T; readonly tags: readonly string[] }> {
  const missing: Array<{ artifact: T; tags: string[] }> = [];
  for (const artifact of required) {
    const held = contents.get(`${artifact.namespace}/${artifact.repository}`) ?? [];
    const tags = artifact.tags.filter((t) => !held.some((h) => h.tag === t || h.digest === t));
    if (tags.length > 0) missing.push({ artifact, tags });
  }
  return missing;
}

/**
 * How an artifact gets filled, as a person reads it in an error: the subscription that should
 * deliver it, or the commands that copy it once. `pushHost` is the domain people push to.
 */
export function fillInstruction(artifact: MirrorArtifact, tags: readonly string[], pushHost: string): string {
  const target = `${pushHost}/${artifact.namespace}/${artifact.repository}`;
  if (artifact.fill.by === "subscription") {
    const f = artifact.fill;
    const source = `${f.provider} ${f.sourceNamespace}/${f.sourceRepository}`;
    return `subscribed from ${source}; if it has not arrived, run the rule once by hand in the ACR console (Repository > Artifact Subscription) or copy it: ${tags.map((t) => `skopeo copy --all docker://${subscriptionHost(f.provider)}/${f.sourceNamespace}/${f.sourceRepository}:${t} docker://${target}:${t}`).join(" && ")}`;
  }
  if (artifact.kind === "chart") {
    const pull = (t: string) =>
      artifact.fill.by === "copy" && artifact.fill.from.startsWith("oci://")
        ? `helm pull ${artifact.fill.from}/${artifact.repository} --version ${t}`
        : `helm pull ${artifact.repository} --repo ${artifact.fill.by === "copy" ? artifact.fill.from : ""} --version ${t}`;
    return `copy it once: ${tags.map((t) => `${pull(t)} && helm push ${artifact.repository}-${t}.tgz oci://${pushHost}/${artifact.namespace}`).join(" && ")}`;
  }
  return `copy it once: ${tags.map((t) => `skopeo copy --all docker://${artifact.fill.by === "copy" ? artifact.fill.from : artifact.upstream}:${t} docker://${target}:${t}`).join(" && ")}`;
}

function subscriptionHost(provider: SubscriptionProvider): string {
  return provider === "DOCKER_HUB" ? "docker.io" : provider === "QUAY" ? "quay.io" : "gcr.io";
}

/** How long the program waits for the mirror, and how often it looks, in milliseconds. */
export function pollSchedule(attempt: number): number {
  // Quick looks first (a subscription of a small image lands in seconds), then every 30 seconds.
  return [5_000, 10_000, 20_000][attempt] ?? 30_000;
}
