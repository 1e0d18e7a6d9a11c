/**
 * What an Alibaba Cloud account must have before an environment can be created in it, as plain
 * values: the services to activate, the RAM service roles ACK and its add-ons assume, the Auto
 * Scaling service-linked role, and the commands that create what is missing. No Pulumi here.
 *
 * Sources: ACK's "ACK roles" (the quick-authorization roles and the optional ones per feature),
 * "Enable node autoscaling" (Auto Scaling activated, AliyunCSManagedAutoScalerRole), "Use KMS to
 * encrypt Kubernetes Secrets" (AliyunCSManagedSecurityRole), the managed credential helper
 * (AliyunCSManagedAcrRole), ACR's VPC access with a PrivateZone record (PrivateZone activated).
 */

/** What the environment uses, which decides what the account needs. */
export interface AccountFeatures {
  readonly edition: "pro" | "standard";
  readonly cni: "terway" | "flannel";
  /** Node pools that autoscale. */
  readonly autoscaling: boolean;
  /** The managed credential helper pulls from an ACR Enterprise instance. */
  readonly credentialHelper: boolean;
  /** Secrets encrypted with a KMS key. */
  readonly secretEncryption: boolean;
  readonly auditLog: boolean;
  readonly controlPlaneLogs: boolean;
  /** The registry's VPC endpoint writes its domain into PrivateZone. */
  readonly privateZone: boolean;
}

/** A RAM role a cloud service assumes, with the system policy that gives it its permissions. */
export interface ServiceRole {
  readonly name: string;
  readonly policy: string;
  /** The service principal trusted to assume it. */
  readonly service: string;
  /** What needs it, for the error message and the documentation. */
  readonly why: string;
}

/** A service-linked role, created by activating its service (or CreateServiceLinkedRole). */
export interface LinkedRole {
  readonly name: string;
  readonly serviceName: string;
  readonly why: string;
}

/** A service activated through the provider's activation data source (`enable: "On"`). */
export interface ServiceActivation {
  /** The data source's token, e.g. "alicloud:pvtz/getService:getService". */
  readonly token: string;
  readonly args: Readonly<Record<string, string>>;
  readonly service: string;
  readonly why: string;
}

export interface AccountPlan {
  readonly roles: readonly ServiceRole[];
  readonly linkedRoles: readonly LinkedRole[];
  readonly services: readonly ServiceActivation[];
}

const csRole = (name: string, why: string): ServiceRole => ({ name, policy: `${name}Policy`, service: "cs.aliyuncs.com", why });

/** What an account needs for an environment with these features. */
export function accountPlan(f: AccountFeatures): AccountPlan {
  const roles: ServiceRole[] = [
    csRole("AliyunCSDefaultRole", "ACK manages the cluster's ECS, VPC, SLB and Auto Scaling resources"),
    csRole("AliyunCSManagedKubernetesRole", "the managed control plane reaches ECS, VPC, SLB and Container Registry"),
    csRole("AliyunCSManagedCsiRole", "the disk CSI driver attaches cloud disks"),
    csRole("AliyunCSManagedCsiPluginRole", "the csi-plugin add-on"),
    csRole("AliyunCSManagedCsiProvisionerRole", "the csi-provisioner add-on creates cloud disks"),
  ];
  if (f.cni === "terway") roles.push(csRole("AliyunCSManagedNetworkRole", "Terway gives pods ENI addresses"));
  if (f.auditLog) roles.push(csRole("AliyunCSKubernetesAuditRole", "the API server's audit log is written to Simple Log Service"));
  if (f.controlPlaneLogs) roles.push(csRole("AliyunCSManagedLogRole", "control-plane logs are written to Simple Log Service"));
  if (f.autoscaling) roles.push(csRole("AliyunCSManagedAutoScalerRole", "the node autoscaler resizes the node pools' scaling groups"));
  if (f.credentialHelper) roles.push(csRole("AliyunCSManagedAcrRole", "the managed credential helper gets pull tokens from ACR"));
  if (f.secretEncryption) roles.push(csRole("AliyunCSManagedSecurityRole", "the API server encrypts Secrets with the KMS key"));
  const linkedRoles: LinkedRole[] = f.autoscaling
    ? [
        {
          name: "AliyunServiceRoleForAutoScaling",
          serviceName: "ess.aliyuncs.com",
          why: "Auto Scaling is activated (activation creates this role); autoscaling node pools are scaling groups",
        },
      ]
    : [];
  const services: ServiceActivation[] = [];
  if (f.edition === "pro")
    services.push({
      token: "alicloud:cs/getAckService:getAckService",
      args: { enable: "On", type: "propayasgo" },
      service: "ACK Pro",
      why: "an ACK Pro cluster",
    });
  if (f.privateZone)
    services.push({
      token: "alicloud:pvtz/getService:getService",
      args: { enable: "On" },
      service: "PrivateZone",
      why: "the registry's VPC domain is a PrivateZone record",
    });
  if (f.secretEncryption)
    services.push({
      token: "alicloud:kms/getService:getService",
      args: { enable: "On" },
      service: "KMS",
      why: "the key that encrypts Secrets",
    });
  if (f.auditLog || f.controlPlaneLogs)
    services.push({
      token: "alicloud:log/getService:getService",
      args: { enable: "On" },
      service: "Simple Log Service",
      why: "audit and control-plane logs",
    });
  return { roles, linkedRoles, services };
}

/** The trust policy of a service role: only the service may assume it. */
export function trustPolicy(service: string): string {
  return JSON.stringify({ Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: [service] } }], Version: "1" });
}

/** Alibaba Cloud CLI commands that create the roles, one role or linked role after another. */
export function roleCommands(roles: readonly ServiceRole[], linkedRoles: readonly LinkedRole[]): string[] {
  return [
    ...roles.flatMap((r) => [
      `aliyun ram CreateRole --RoleName ${r.name} --AssumeRolePolicyDocument '${trustPolicy(r.service)}'`,
      `aliyun ram AttachPolicyToRole --RoleName ${r.name} --PolicyType System --PolicyName ${r.policy}`,
    ]),
    ...linkedRoles.map((l) => `aliyun resourcemanager CreateServiceLinkedRole --ServiceName ${l.serviceName}`),
  ];
}

/** The roles of `plan` an account lacks, given the role names it has. */
export function missingRoles(plan: AccountPlan, existing: readonly string[]): { roles: ServiceRole[]; linkedRoles: LinkedRole[] } {
  const have = new Set(existing);
  return { roles: plan.roles.filter((r) => !have.has(r.name)), linkedRoles: plan.linkedRoles.filter((l) => !have.has(l.name)) };
}

/** The error that stops a plan of an account without its roles: what is missing, why, and how to create it. */
export function missingRolesMessage(missing: { roles: readonly ServiceRole[]; linkedRoles: readonly LinkedRole[] }): string {
  const lines = [...missing.roles.map((r) => `  ${r.name} (${r.why})`), ...missing.linkedRoles.map((l) => `  ${l.name} (${l.why})`)];
  return [
    `the account lacks ${lines.length} role${lines.length === 1 ? "" : "s"} this environment needs:`,
    ...lines,
    "Create them once per account with the RAM quick authorization in the ACK console, or with:",
    ...roleCommands(missing.roles, missing.linkedRoles).map((c) => `  ${c}`),
    "or let exactly one stack of the account declare them (account.serviceRoles: manage).",
  ].join("\n");
}
