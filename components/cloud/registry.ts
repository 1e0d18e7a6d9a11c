/**
 * A private ACR Enterprise Edition registry: the instance, one namespace, a repository per service
 * with immutable tags (every release stays addressable, so there is always something to roll back
 * to), a link to the environment's VPC for the nodes' pulls, an internet endpoint only for the
 * CIDR blocks named, and optional replication to another region, declared instead of kept in sync by hand.
 *
 * The namespace, repository and sync-rule classes of ACR Enterprise live under `alicloud.cs`
 * (`RegistryEnterpriseNamespace`, `RegistryEnterpriseRepo`, `RegistryEnterpriseSyncRule`); the
 * instance and its network access under `alicloud.cr`.
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { regionProblem } from "./networkPlan";
import {
  allowedCidrProblems,
  instanceNameProblem,
  namespaceProblem,
  registryDomains,
  type ReplicationSettings,
  repositoryProblem,
  syncRuleSpec,
} from "./registryPlan";

export const REGISTRY_TYPE = "ack-platform:cloud:Registry";

export type RegistryEdition = "Basic" | "Standard" | "Advanced";

export interface RegistryArgs {
  /** Instance name, 3-30 characters of a-z, 0-9 and '-'; it is part of the registry's domains. */
  readonly instanceName: string;
  /** Region of the instance (the region the provider targets); part of the registry's domains. */
  readonly region: string;
  /**
   * Basic or Advanced (Standard is sold only on the China site); replication needs Advanced.
   * @default "Advanced"
   */
  readonly edition?: RegistryEdition;
  /** The namespace of the environment's repositories. */
  readonly namespace: string;
  /**
   * Repositories to create in the namespace, one per service.
   * @default []
   */
  readonly repositories?: readonly string[];
  /** The VPC whose nodes pull images: linked to the instance, with a private DNS record for its domain. */
  readonly vpc: { readonly vpcId: pulumi.Input<string>; readonly vswitchId: pulumi.Input<string> };
  /**
   * CIDR blocks (offices, CI runners outside the VPC) that may reach the registry over the internet.
   * Empty keeps the internet endpoint off, and images are pushed through the VPC domain.
   * @default []
   */
  readonly allowedCidrs?: readonly string[];
  /** Copy every pushed tag of the namespace to an instance in another region. Needs edition Advanced. */
  readonly replication?: ReplicationSettings;
  /**
   * Refuse to overwrite an existing tag, so that a version always names the same image.
   * @default true
   */
  readonly tagImmutability?: boolean;
  /**
   * Pulumi's `protect` on the instance, the namespace and the repositories: they hold every image
   * ever released, which a rollback needs. Removing or renaming a repository is then refused by the
   * engine; keep its name listed, or unprotect it (`pulumi state unprotect <urn>`) to delete it.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Tags of the instance. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type ResolvedRegistryArgs = Omit<Required<RegistryArgs>, "replication"> & Pick<RegistryArgs, "replication">;

/** Applies the documented defaults. */
export function registryDefaults(args: RegistryArgs): ResolvedRegistryArgs {
  return {
    ...args,
    edition: args.edition ?? "Advanced",
    repositories: args.repositories ?? [],
    allowedCidrs: args.allowedCidrs ?? [],
    tagImmutability: args.tagImmutability ?? true,
    deletionProtection: args.deletionProtection ?? true,
    tags: { ...args.tags },
  };
}

/** One problem with the args: the field (a path in the args, such as "allowedCidrs[2]") and a sentence. */
export interface RegistryProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Every problem with the args (defaults applied), each naming the field, the value given and what
 * is accepted; the stack's config reports the same.
 */
export function registryProblems(args: ResolvedRegistryArgs): RegistryProblem[] {
  const problems: RegistryProblem[] = [];
  const fail = (field: string, message: string) => void problems.push({ field, message });
  const nameProblem = instanceNameProblem(args.instanceName);
  if (nameProblem) fail("instanceName", nameProblem);
  const region = regionProblem(args.region);
  if (region) fail("region", region);
  if (!["Basic", "Standard", "Advanced"].includes(args.edition))
    fail("edition", `'${String(args.edition)}' is not one of: Basic, Standard, Advanced`);
  const nsProblem = namespaceProblem(args.namespace);
  if (nsProblem) fail("namespace", nsProblem);
  const seen = new Map<string, number>();
  args.repositories.forEach((repo, i) => {
    const problem = repositoryProblem(repo);
    if (problem) fail(`repositories[${i}]`, problem);
    if (seen.has(repo)) fail(`repositories[${i}]`, `'${repo}' is listed twice (also [${seen.get(repo)}])`);
    seen.set(repo, i);
  });
  for (const p of allowedCidrProblems(args.allowedCidrs)) fail(`allowedCidrs[${p.index}]`, p.message);
  if (args.replication) {
    if (args.edition !== "Advanced") fail("replication", `needs edition 'Advanced'; '${args.edition}' cannot sync to another region`);
    const targetRegion = regionProblem(args.replication.region);
    if (targetRegion) fail("replication.region", targetRegion);
    else if (args.replication.region === args.region)
      fail("replication.region", `'${args.replication.region}' is the registry's own region; replicate to another one`);
    if (!/^cri-[a-z0-9]+$/.test(args.replication.instanceId))
      fail("replication.instanceId", `'${args.replication.instanceId}' is not an ACR instance id such as 'cri-abc123'`);
    if (args.replication.namespace !== undefined) {
      const problem = namespaceProblem(args.replication.namespace);
      if (problem) fail("replication.namespace", problem);
    }
  }
  return problems;
}

/** Validates the args (defaults applied); throws every problem at once, each naming the field, the value and what is accepted. */
export function validateRegistryArgs(args: ResolvedRegistryArgs): void {
  const problems = registryProblems(args);
  if (problems.length > 0) throw new Error(problems.map((p) => `Registry ${p.field}: ${p.message}`).join("\n"));
}

export class Registry extends pulumi.ComponentResource {
  readonly instanceId: pulumi.Output<string>;
  /** The domain nodes pull from (the VPC domain). */
  readonly endpoint: pulumi.Output<string>;
  /** The domain images are pushed to: the internet domain when CIDR blocks are allowed, else the VPC domain. */
  readonly pushEndpoint: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** "<push domain>/<namespace>/<repository>" by repository name; it exists once the repository does. */
  readonly pushRepositories: Readonly<Record<string, pulumi.Output<string>>>;
  /** "<VPC domain>/<namespace>/<repository>" by repository name. */
  readonly pullRepositories: Readonly<Record<string, pulumi.Output<string>>>;
  /** Temporary push credentials of the instance (a secret), valid for the deployment that reads them. */
  readonly pushCredentials: pulumi.Output<{ username: string; password: string }>;

  readonly instance: alicloud.cr.RegistryEnterpriseInstance;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = registryDefaults(args);
    validateRegistryArgs(a);
    super(REGISTRY_TYPE, name, {}, opts);
    const domains = registryDomains(a.instanceName, a.region);

    this.instance = new alicloud.cr.RegistryEnterpriseInstance(
      `${name}-instance`,
      {
        instanceName: a.instanceName,
        instanceType: a.edition,
        // Enterprise instances are sold by subscription only; renewal is automatic, because an
        // expired registry stops every pull.
        paymentType: "Subscription",
        period: 1,
        renewalStatus: "AutoRenewal",
        renewPeriod: 1,
        imageScanner: "ACR",
        tags: a.tags,
      },
      { parent: this, protect: a.deletionProtection },
    );
    const instanceId = this.instance.id;

    const namespace = new alicloud.cs.RegistryEnterpriseNamespace(
      `${name}-namespace`,
      { instanceId, name: a.namespace, autoCreate: false, defaultVisibility: "PRIVATE" },
      { parent: this, protect: a.deletionProtection },
    );

    const vpcLink = new alicloud.cr.VpcEndpointLinkedVpc(
      `${name}-vpc-link`,
      { instanceId, vpcId: a.vpc.vpcId, vswitchId: a.vpc.vswitchId, moduleName: "Registry", enableCreateDnsRecordInPvzt: true },
      { parent: this },
    );
    const internet =
      a.allowedCidrs.length > 0
        ? new alicloud.cr.InternetEndpoint(
            `${name}-internet-acl`,
            { instanceId, entries: a.allowedCidrs.map((entry) => ({ entry, comment: "allowed by the stack's registry.allowedCidrs" })) },
            { parent: this },
          )
        : undefined;
    const pushDomain = internet ? internet.instanceId.apply(() => domains.internet) : vpcLink.instanceId.apply(() => domains.vpc);

    const push: Record<string, pulumi.Output<string>> = {};
    const pull: Record<string, pulumi.Output<string>> = {};
    for (const repo of a.repositories) {
      const repository = new alicloud.cs.RegistryEnterpriseRepo(
        `${name}-repo-${repo}`,
        {
          instanceId,
          namespace: namespace.name,
          name: repo,
          repoType: "PRIVATE",
          summary: `Images of the ${repo} service`,
          tagImmutability: a.tagImmutability,
        },
        { parent: this, protect: a.deletionProtection },
      );
      push[repo] = pulumi.interpolate`${pushDomain}/${repository.namespace}/${repository.name}`;
      pull[repo] = pulumi.interpolate`${vpcLink.instanceId.apply(() => domains.vpc)}/${repository.namespace}/${repository.name}`;
    }

    if (a.replication) {
      new alicloud.cs.RegistryEnterpriseSyncRule(
        `${name}-sync`,
        { instanceId, ...syncRuleSpec(a.namespace, a.replication), namespaceName: namespace.name },
        { parent: this },
      );
    }

    const details = alicloud.cs.getRegistryEnterpriseInstancesOutput({ ids: [instanceId], enableDetails: true }, { parent: this });
    this.pushCredentials = pulumi.secret(
      details.instances.apply((instances) => {
        const found = instances[0];
        if (!found) throw new Error(`Registry ${a.instanceName}: the instance was not found when its push credentials were read`);
        return { username: found.tempUsername, password: found.authorizationToken };
      }),
    );
    this.instanceId = instanceId;
    this.endpoint = vpcLink.instanceId.apply(() => domains.vpc);
    this.pushEndpoint = pushDomain;
    this.namespace = namespace.name as pulumi.Output<string>;
    this.pushRepositories = push;
    this.pullRepositories = pull;
    this.registerOutputs({
      instanceId: this.instanceId,
      endpoint: this.endpoint,
      pushEndpoint: this.pushEndpoint,
      namespace: this.namespace,
      pushCredentials: this.pushCredentials,
    });
  }
}
