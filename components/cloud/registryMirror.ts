/**
 * A registry mirror: the namespaces, repositories and artifact subscription rules that fill an ACR
 * Enterprise instance with the public images and charts a stack pulls, and a wait, inside the
 * deployment, until every tag is there. Subscriptions are asynchronous and some artifacts are copied
 * by a person, so nothing may pull from the mirror before the wait says it is filled: `ready` is
 * what releases and workloads depend on. The same wait covers the tags people push into repositories
 * declared elsewhere (the services' own images), through `pushedReady`.
 *
 * While it waits the program logs what is still missing and how it gets there; after `waitMinutes`
 * it fails with that list. A preview looks once and only warns.
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
  fillInstruction,
  mergeArtifacts,
  type MirrorArtifact,
  mirrorProblems,
  missingTags,
  pollSchedule,
  type PushedArtifact,
  type RegistryContents,
  subscriptionRuleSpec,
} from "./registryMirrorPlan";
import { namespaceProblem, repositoryProblem } from "./registryPlan";

export const REGISTRY_MIRROR_TYPE = "ack-platform:cloud:RegistryMirror";

export interface RegistryMirrorArgs {
  /** The ACR Enterprise instance (cri-...). */
  readonly instanceId: pulumi.Input<string>;
  /** Domain the cluster pulls from (the instance's VPC domain), for messages. */
  readonly host: string;
  /**
   * Domain people push to (the internet domain when the instance has one), for the copy commands.
   * @default host
   */
  readonly pushHost?: string;
  /** What the mirror holds: declared here (namespace, repository, subscription) and waited for. */
  readonly artifacts: readonly MirrorArtifact[];
  /**
   * Tags people push into repositories declared elsewhere, with an output of each repository's
   * resource (so that waiting for them depends on it). Waited for, never declared here.
   * @default []
   */
  readonly pushed?: ReadonlyArray<PushedArtifact & { readonly repositoryReady: pulumi.Input<unknown> }>;
  /**
   * Minutes `pulumi up` waits for the tags before it fails; 0 looks once.
   * @default 20
   */
  readonly waitMinutes?: number;
  /**
   * Pulumi's `protect` on the namespaces and repositories (production): a rename or a mistaken
   * destroy does not delete what they hold, some of it copied in by a person. To remove one on
   * purpose (an add-on turned off): `pulumi state unprotect`, then `pulumi up`.
   * @default false
   */
  readonly protect?: boolean;
}

export type ResolvedRegistryMirrorArgs = Required<RegistryMirrorArgs>;

/** Applies the documented defaults. */
export function resolveRegistryMirror(args: RegistryMirrorArgs): ResolvedRegistryMirrorArgs {
  return {
    ...args,
    pushHost: args.pushHost ?? args.host,
    artifacts: mergeArtifacts(args.artifacts),
    pushed: args.pushed ?? [],
    waitMinutes: args.waitMinutes ?? 20,
    protect: args.protect ?? false,
  };
}

/** How long `pulumi up` may wait for the registry to hold what the stack pulls: up to three hours. */
export const WAIT_MINUTES = { min: 0, max: 180 } as const;

/** Every problem of the args, each naming the field, the value and what is accepted. */
export function registryMirrorProblems(a: ResolvedRegistryMirrorArgs): string[] {
  const problems = mirrorProblems(a.artifacts).map((p) => `artifacts[${p.index}]: ${p.message}`);
  a.pushed.forEach((p, i) => {
    const problem = namespaceProblem(p.namespace) ?? repositoryProblem(p.repository);
    if (problem) problems.push(`pushed[${i}]: ${problem}`);
  });
  if (!Number.isInteger(a.waitMinutes) || a.waitMinutes < WAIT_MINUTES.min || a.waitMinutes > WAIT_MINUTES.max) {
    problems.push(`waitMinutes: ${a.waitMinutes} is not a whole number of minutes between ${WAIT_MINUTES.min} and ${WAIT_MINUTES.max}`);
  }
  return problems;
}

/** One thing to wait for: where it is, which tags, and how a person reads its fill. */
interface Awaited {
  readonly namespace: string;
  readonly repository: string;
  readonly tags: readonly string[];
  describe(tags: readonly string[]): string;
}

export class RegistryMirror extends pulumi.ComponentResource {
  /**
   * This mirror, resolving only once it holds every artifact, and depending on everything that fills
   * it (namespaces, repositories, subscription rules): put it in `dependsOn` of anything that pulls
   * from the mirror, and derive from it what must not be known before.
   */
  readonly ready: pulumi.Output<pulumi.Resource>;
  /** "<namespace>/<repository>:<tag>" of the pushed tags, once every one of them is in the registry. */
  readonly pushedReady: pulumi.Output<readonly string[]>;
  /** Every mirrored tag with the digest the registry holds, once filled: what the stack runs. */
  readonly contents: pulumi.Output<Record<string, string>>;

  private readonly args: ResolvedRegistryMirrorArgs;

  constructor(name: string, args: RegistryMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveRegistryMirror(args);
    const problems = registryMirrorProblems(a);
    if (problems.length > 0) throw new Error(`RegistryMirror ${name}:\n  ${problems.join("\n  ")}`);
    // What people are asked to fill is recorded with the component, so that a plan shows it.
    super(
      REGISTRY_MIRROR_TYPE,
      name,
      {
        instanceId: a.instanceId,
        host: a.host,
        filledByPeople: [
          ...a.artifacts
            .filter((x) => x.fill.by === "copy")
            .map((x) => ({ namespace: x.namespace, repository: x.repository, tags: x.tags, by: "copy" })),
          ...a.pushed.map((p) => ({ namespace: p.namespace, repository: p.repository, tags: p.tags, by: "push" })),
        ],
      },
      opts,
    );
    this.args = a;
    const instanceId = a.instanceId;
    const keep = a.protect ? { protect: true } : {};

    const namespaces = new Map<string, alicloud.cs.RegistryEnterpriseNamespace>();
    for (const ns of [...new Set(a.artifacts.map((x) => x.namespace))].sort()) {
      namespaces.set(
        ns,
        new alicloud.cs.RegistryEnterpriseNamespace(
          `${name}-ns-${ns}`,
          { instanceId, name: ns, autoCreate: false, defaultVisibility: "PRIVATE" },
          { parent: this, ...keep },
        ),
      );
    }
    const fills: pulumi.CustomResource[] = [...namespaces.values()];
    for (const x of a.artifacts) {
      const namespace = namespaces.get(x.namespace)!;
      const repo = new alicloud.cs.RegistryEnterpriseRepo(
        `${name}-repo-${x.namespace}-${x.repository}`,
        {
          instanceId,
          namespace: namespace.name,
          name: x.repository,
          repoType: "PRIVATE",
          summary: `${x.kind === "chart" ? "Helm chart" : "Image"} ${x.upstream}, mirrored`,
          // A mirrored version is what some release runs: it never changes under it.
          tagImmutability: true,
        },
        { parent: this, ...keep },
      );
      fills.push(repo);
      if (x.fill.by === "subscription") {
        fills.push(
          new alicloud.cr.ArtifactSubscriptionRule(
            `${name}-sub-${x.namespace}-${x.repository}`,
            { instanceId, ...subscriptionRuleSpec(x), namespaceName: namespace.name, repoName: repo.name },
            { parent: this },
          ),
        );
      }
    }

    const mirrored: Awaited[] = a.artifacts.map((x) => ({
      namespace: x.namespace,
      repository: x.repository,
      tags: x.tags,
      describe: (tags) => `${x.kind} ${x.upstream}: ${fillInstruction(x, tags, a.pushHost)}`,
    }));
    const found = pulumi.all([instanceId, ...fills.map((f) => f.id)]).apply(([id]) => this.waitFor(id, mirrored, "the add-ons' mirror"));
    this.ready = found.apply((): pulumi.Resource => this);
    this.contents = found;

    const pushed: Awaited[] = a.pushed.map((p) => ({
      namespace: p.namespace,
      repository: p.repository,
      tags: p.tags,
      describe: (tags) =>
        `pushed by your pipeline: ${tags.map((t) => (t.startsWith("sha256:") ? `the image of digest ${t}` : `docker push ${a.pushHost}/${p.namespace}/${p.repository}:${t}`)).join(", ")}`,
    }));
    this.pushedReady = pulumi
      .all([instanceId, ...a.pushed.map((p) => p.repositoryReady)])
      .apply(([id]) => this.waitFor(id, pushed, "the services' images"))
      .apply(() => a.pushed.flatMap((p) => p.tags.map((t) => `${p.namespace}/${p.repository}:${t}`)));

    // Nothing is registered as the component's outputs: they resolve only once the registry is
    // filled, and a wait that fails already fails whatever pulls, with its own message.
    this.registerOutputs({});
  }

  /** What the registry holds in the namespaces of `wanted`, repository by repository. */
  private async look(instanceId: string, wanted: readonly Awaited[]): Promise<Map<string, Array<{ tag: string; digest: string }>>> {
    const held = new Map<string, Array<{ tag: string; digest: string }>>();
    const byNamespace = new Map<string, Set<string>>();
    for (const w of wanted) byNamespace.set(w.namespace, (byNamespace.get(w.namespace) ?? new Set()).add(w.repository));
    for (const [namespace, repositories] of byNamespace) {
      const answer = await alicloud.cs.getRegistryEnterpriseRepos(
        { instanceId, namespace, nameRegex: `^(?:${[...repositories].sort().join("|")})$`, enableDetails: true },
        { parent: this },
      );
      for (const repo of answer.repos) {
        held.set(
          `${repo.namespace}/${repo.name}`,
          (repo.tags ?? []).map((t) => ({ tag: t.tag, digest: t.digest })),
        );
      }
    }
    return held;
  }

  /**
   * Looks until every tag of `wanted` is in the registry: logs what is missing and how it gets
   * there, and fails with that list after `waitMinutes`. A preview looks once and warns. Resolves to
   * every wanted tag with its digest.
   */
  private async waitFor(instanceId: string, wanted: readonly Awaited[], what: string): Promise<Record<string, string>> {
    if (wanted.length === 0) return {};
    const preview = pulumi.runtime.isDryRun();
    const deadline = Date.now() + this.args.waitMinutes * 60_000;
    for (let attempt = 0; ; attempt++) {
      const held = await this.look(instanceId, wanted);
      const missing = missingTags(wanted, held as RegistryContents);
      if (missing.length === 0) {
        const digests: Record<string, string> = {};
        for (const w of wanted)
          for (const t of w.tags)
            digests[`${w.namespace}/${w.repository}:${t}`] = held
              .get(`${w.namespace}/${w.repository}`)!
              .find((h) => h.tag === t || h.digest === t)!.digest;
        if (attempt > 0) pulumi.log.info(`${what}: all ${Object.keys(digests).length} tags are in ${this.args.host}`, this);
        return digests;
      }
      const list = missing.map(
        (m) => `  - ${m.artifact.namespace}/${m.artifact.repository}:${m.tags.join(",")} (${m.artifact.describe(m.tags)})`,
      );
      const count = missing.reduce((n, m) => n + m.tags.length, 0);
      if (preview) {
        pulumi.log.warn(
          `${what}: ${count} tags are not in ${this.args.host} yet; \`pulumi up\` waits up to ${this.args.waitMinutes} minutes for them:\n${list.join("\n")}`,
          this,
        );
        return {};
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${what}: ${count} tags are not in ${this.args.host}` +
            (this.args.waitMinutes > 0 ? ` after ${this.args.waitMinutes} minutes` : "") +
            `; nothing pulls from it until they are:\n${list.join("\n")}`,
        );
      }
      pulumi.log.info(
        `${what}: waiting for ${count} tags in ${this.args.host} (${Math.ceil(left / 60_000)} minutes left):\n${list.join("\n")}`,
        this,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollSchedule(attempt), left)));
    }
  }
}
