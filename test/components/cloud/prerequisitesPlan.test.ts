import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AccountFeatures,
  accountPlan,
  missingRoles,
  missingRolesMessage,
  roleCommands,
  trustPolicy,
} from "../../../components/cloud/prerequisitesPlan";

const PROD: AccountFeatures = {
  edition: "pro",
  cni: "terway",
  autoscaling: true,
  credentialHelper: true,
  secretEncryption: true,
  auditLog: true,
  controlPlaneLogs: true,
  privateZone: true,
};
const DEV: AccountFeatures = {
  ...PROD,
  edition: "standard",
  autoscaling: false,
  credentialHelper: false,
  secretEncryption: false,
  auditLog: false,
  controlPlaneLogs: false,
  privateZone: false,
};

describe("what an account needs", () => {
  it("prod: ACK's roles, the autoscaler's, the credential helper's, KMS's and the logs'; four services; Auto Scaling activated", () => {
    const plan = accountPlan(PROD);
    assert.deepEqual(
      plan.roles.map((r) => [r.name, r.policy, r.service]),
      [
        ["AliyunCSDefaultRole", "AliyunCSDefaultRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedKubernetesRole", "AliyunCSManagedKubernetesRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedCsiRole", "AliyunCSManagedCsiRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedCsiPluginRole", "AliyunCSManagedCsiPluginRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedCsiProvisionerRole", "AliyunCSManagedCsiProvisionerRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedNetworkRole", "AliyunCSManagedNetworkRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSKubernetesAuditRole", "AliyunCSKubernetesAuditRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedLogRole", "AliyunCSManagedLogRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedAutoScalerRole", "AliyunCSManagedAutoScalerRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedAcrRole", "AliyunCSManagedAcrRolePolicy", "cs.aliyuncs.com"],
        ["AliyunCSManagedSecurityRole", "AliyunCSManagedSecurityRolePolicy", "cs.aliyuncs.com"],
      ],
    );
    assert.deepEqual(
      plan.linkedRoles.map((l) => [l.name, l.serviceName]),
      [["AliyunServiceRoleForAutoScaling", "ess.aliyuncs.com"]],
    );
    assert.deepEqual(
      plan.services.map((s) => [s.service, s.token, s.args]),
      [
        ["ACK Pro", "alicloud:cs/getAckService:getAckService", { enable: "On", type: "propayasgo" }],
        ["PrivateZone", "alicloud:pvtz/getService:getService", { enable: "On" }],
        ["KMS", "alicloud:kms/getService:getService", { enable: "On" }],
        ["Simple Log Service", "alicloud:log/getService:getService", { enable: "On" }],
      ],
    );
  });

  it("a light environment: ACK's base roles only, and nothing to activate", () => {
    const plan = accountPlan(DEV);
    assert.equal(plan.roles.length, 6);
    assert.deepEqual(plan.linkedRoles, []);
    assert.deepEqual(plan.services, []);
  });

  it("names what is missing, why, and the commands that create it", () => {
    const missing = missingRoles(accountPlan(PROD), [
      "AliyunCSDefaultRole",
      "AliyunCSManagedKubernetesRole",
      "AliyunCSManagedCsiRole",
      "AliyunCSManagedCsiPluginRole",
      "AliyunCSManagedCsiProvisionerRole",
      "AliyunCSManagedNetworkRole",
      "AliyunCSKubernetesAuditRole",
      "AliyunCSManagedLogRole",
      "AliyunCSManagedAcrRole",
      "AliyunCSManagedSecurityRole",
    ]);
    assert.deepEqual(
      missing.roles.map((r) => r.name),
      ["AliyunCSManagedAutoScalerRole"],
    );
    assert.equal(
      missingRolesMessage(missing),
      [
        "the account lacks 2 roles this environment needs:",
        "  AliyunCSManagedAutoScalerRole (the node autoscaler resizes the node pools' scaling groups)",
        "  AliyunServiceRoleForAutoScaling (Auto Scaling is activated (activation creates this role); autoscaling node pools are scaling groups)",
        "Create them once per account with the RAM quick authorization in the ACK console, or with:",
        `  aliyun ram CreateRole --RoleName AliyunCSManagedAutoScalerRole --AssumeRolePolicyDocument '${trustPolicy("cs.aliyuncs.com")}'`,
        "  aliyun ram AttachPolicyToRole --RoleName AliyunCSManagedAutoScalerRole --PolicyType System --PolicyName AliyunCSManagedAutoScalerRolePolicy",
        "  aliyun resourcemanager CreateServiceLinkedRole --ServiceName ess.aliyuncs.com",
        "or let exactly one stack of the account declare them (account.serviceRoles: manage).",
      ].join("\n"),
    );
  });

  it("trusts only the service, in RAM's policy language", () => {
    assert.deepEqual(JSON.parse(trustPolicy("cs.aliyuncs.com")), {
      Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: ["cs.aliyuncs.com"] } }],
      Version: "1",
    });
    assert.equal(roleCommands([], []).length, 0);
  });
});
