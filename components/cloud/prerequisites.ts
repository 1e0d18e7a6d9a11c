/**
 * What an Alibaba Cloud account must have before an environment is created in it: the services it
 * uses activated, and the RAM roles ACK and its add-ons assume. Services are activated through the
 * provider's activation data sources; roles are checked (the default) or declared.
 *
 * Roles belong to the account, not to a stack: two stacks that both declare AliyunCSDefaultRole
 * collide. So one stack of an account may declare them ("manage", kept on `pulumi destroy`), and
 * every other stack checks that they exist and stops before creating anything if one is missing,
 * naming it, why it is needed and the commands that create it.
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
  type AccountFeatures,
  accountPlan,
  type AccountPlan,
  missingRoles,
  missingRolesMessage,
  type ServiceActivation,
  trustPolicy,
} from "./prerequisitesPlan";

export const ACCOUNT_PREREQUISITES_TYPE = "ack-platform:cloud:AccountPrerequisites";

export interface AccountPrerequisitesArgs {
  /** What the environment uses; it decides which services and roles are needed. */
  readonly features: AccountFeatures;
  /**
   * "check": stop the deployment when a role is missing; "manage": declare the roles (one stack per
   * account, since roles are the account's), kept when the stack is destroyed.
   * @default "check"
   */
  readonly serviceRoles?: "check" | "manage";
  /**
   * Activate the services the environment uses (ACK Pro, PrivateZone, KMS, Simple Log Service)
   * through the provider's activation data sources. Activation is free and cannot be undone; it
   * accepts the service's terms. False leaves it to the account's owner.
   * @default true
   */
  readonly activateServices?: boolean;
}

export type ResolvedAccountPrerequisitesArgs = Required<AccountPrerequisitesArgs>;

export function resolveAccountPrerequisites(args: AccountPrerequisitesArgs): ResolvedAccountPrerequisitesArgs {
  return { features: args.features, serviceRoles: args.serviceRoles ?? "check", activateServices: args.activateServices ?? true };
}

export function accountPrerequisitesProblems(a: ResolvedAccountPrerequisitesArgs): string[] {
  return a.serviceRoles === "check" || a.serviceRoles === "manage"
    ? []
    : [`AccountPrerequisites serviceRoles: '${String(a.serviceRoles)}' is not one of: check, manage`];
}

function activate(s: ServiceActivation, opts: pulumi.InvokeOutputOptions): pulumi.Output<{ status: string }> {
  switch (s.token) {
    case "alicloud:cs/getAckService:getAckService":
      return alicloud.cs.getAckServiceOutput({ enable: s.args["enable"]!, type: s.args["type"]! }, opts);
    case "alicloud:pvtz/getService:getService":
      return alicloud.pvtz.getServiceOutput({ enable: s.args["enable"]! }, opts);
    case "alicloud:kms/getService:getService":
      return alicloud.kms.getServiceOutput({ enable: s.args["enable"]! }, opts);
    case "alicloud:log/getService:getService":
      return alicloud.log.getServiceOutput({ enable: s.args["enable"]! }, opts);
    default:
      throw new Error(`AccountPrerequisites: no activation data source for ${s.service} (${s.token})`);
  }
}

export class AccountPrerequisites extends pulumi.ComponentResource {
  /** What the account needs for this environment. */
  readonly plan: AccountPlan;
  /**
   * Resolves once every prerequisite holds, to the resources that make them hold (the declared roles):
   * a provider or resource that `dependsOn` it is created only in an account that is ready.
   */
  readonly ready: pulumi.Output<pulumi.Resource[]>;

  constructor(name: string, args: AccountPrerequisitesArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveAccountPrerequisites(args);
    const problems = accountPrerequisitesProblems(a);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    super(ACCOUNT_PREREQUISITES_TYPE, name, {}, opts);
    this.plan = accountPlan(a.features);

    const activated = a.activateServices
      ? this.plan.services.map((s) =>
          activate(s, { parent: this }).apply((r) => {
            // The data source opens the service or reports it open; anything else is an account the
            // environment cannot be created in.
            if (r.status !== "Opened") throw new Error(`${s.service} is not activated (status '${r.status}'); it is needed for ${s.why}`);
            return s.service;
          }),
        )
      : [];

    const declared: pulumi.Resource[] = [];
    let rolesReady: pulumi.Output<unknown>;
    if (a.serviceRoles === "manage") {
      // Kept on destroy: every cluster of the account relies on them, not only this stack's.
      for (const role of this.plan.roles) {
        const created = new alicloud.ram.Role(
          `${name}-role-${role.name}`,
          { roleName: role.name, assumeRolePolicyDocument: trustPolicy(role.service), description: `ACK: ${role.why}` },
          { parent: this, retainOnDelete: true },
        );
        declared.push(
          new alicloud.ram.RolePolicyAttachment(
            `${name}-role-${role.name}-policy`,
            { roleName: created.roleName, policyName: role.policy, policyType: "System" },
            { parent: this, retainOnDelete: true },
          ),
        );
      }
      for (const linked of this.plan.linkedRoles) {
        declared.push(
          new alicloud.resourcemanager.ServiceLinkedRole(
            `${name}-linked-role-${linked.name}`,
            { serviceName: linked.serviceName },
            { parent: this, retainOnDelete: true },
          ),
        );
      }
      rolesReady = pulumi.output(true);
    } else {
      const names = [...this.plan.roles.map((r) => r.name), ...this.plan.linkedRoles.map((l) => l.name)];
      rolesReady = alicloud.ram.getRolesOutput({ nameRegex: `^(${names.join("|")})$` }, { parent: this }).names.apply((existing) => {
        const missing = missingRoles(this.plan, existing);
        if (missing.roles.length + missing.linkedRoles.length > 0) throw new Error(missingRolesMessage(missing));
        return true;
      });
    }
    this.ready = pulumi.all([rolesReady, ...activated]).apply(() => declared);
    this.registerOutputs({});
  }
}
