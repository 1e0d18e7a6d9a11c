/**
 * The container registry as plain values: the domains of an ACR Enterprise instance, the names it
 * accepts, who may reach it, and how images are referred to. No Pulumi here.
 */
import { ALLOW_LIST_PREFIXES, formatCidr, parseCidr } from "./cidr";

/**
 * Domains of an ACR Enterprise instance. They follow from its name and region, so they are known
 * before the instance exists: the VPC domain resolves inside a linked VPC only, the internet domain
 * answers only the allowed CIDR blocks.
 */
export function registryDomains(instanceName: string, region: string): { readonly vpc: string; readonly internet: string } {
  return {
    vpc: `${instanceName}-registry-vpc.${region}.cr.aliyuncs.com`,
    internet: `${instanceName}-registry.${region}.cr.aliyuncs.com`,
  };
}

const INSTANCE_NAME = /^[a-z0-9][-a-z0-9]{1,28}[a-z0-9]$/;
const NAMESPACE = /^[a-z0-9]([-_a-z0-9]{0,28}[a-z0-9])?$/;
const REPOSITORY = /^[a-z0-9]([-_.a-z0-9]{0,62}[a-z0-9])$/;

export function instanceNameProblem(name: string): string | undefined {
  return INSTANCE_NAME.test(name) ? undefined : `'${name}' is not an instance name of 3-30 characters of a-z, 0-9 and '-'`;
}

export function namespaceProblem(name: string): string | undefined {
  return NAMESPACE.test(name) ? undefined : `'${name}' is not a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'`;
}

export function repositoryProblem(name: string): string | undefined {
  return REPOSITORY.test(name) ? undefined : `'${name}' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'`;
}

/**
 * Problems with the internet allow-list: each entry a CIDR block from /8 (0.0.0.0/0 and other wider
 * blocks are refused) down to a single address, none twice. An empty list keeps the internet endpoint off.
 */
export function allowedCidrProblems(cidrs: readonly string[]): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  const seen = new Map<string, number>();
  cidrs.forEach((text, index) => {
    const block = parseCidr(text, ALLOW_LIST_PREFIXES);
    if ("error" in block) {
      problems.push({ index, message: `'${text}' is not an IPv4 CIDR block such as '203.0.113.0/24': ${block.error}` });
      return;
    }
    const canonical = formatCidr(block);
    if (seen.has(canonical)) problems.push({ index, message: `'${text}' is listed twice (also [${seen.get(canonical)}])` });
    seen.set(canonical, index);
  });
  return problems;
}

export interface ReplicationSettings {
  /** Region of the instance that receives the copies. */
  readonly region: string;
  /** Id of that instance (cri-...). */
  readonly instanceId: string;
  /** Namespace there; the source namespace's name when unset. It must exist in the target instance. */
  readonly namespace?: string;
}

/** The sync rule that copies every tag of every repository of `namespace` to another region as it is pushed. */
export function syncRuleSpec(namespace: string, replication: ReplicationSettings) {
  return {
    syncRuleName: `${namespace}-to-${replication.region}`,
    namespaceName: namespace,
    syncScope: "NAMESPACE" as const,
    syncTrigger: "PASSIVE" as const,
    tagFilter: ".*",
    targetRegionId: replication.region,
    targetInstanceId: replication.instanceId,
    targetNamespaceName: replication.namespace ?? namespace,
  };
}

/** "sha256:<hex>" from a repository digest "host/ns/name@sha256:<hex>". */
export function digestOf(repoDigest: string): string {
  const at = repoDigest.lastIndexOf("@");
  const digest = at < 0 ? "" : repoDigest.slice(at + 1);
  if (!/^sha256:[a-f0-9]{64}$/.test(digest))
    throw new Error(`'${repoDigest}' is not a repository digest such as 'host/ns/name@sha256:<64 hex digits>'`);
  return digest;
}

/** The registry host of a repository ("acme-registry.cn-hangzhou.cr.aliyuncs.com/acme/orders"), or "" for a local name. */
export function registryHostOf(repository: string): string {
  const first = repository.split("/")[0]!;
  return repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "";
}
