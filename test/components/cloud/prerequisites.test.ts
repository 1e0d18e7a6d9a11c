import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { AccountPrerequisites } from "../../../components/cloud/prerequisites";
import type { AccountFeatures } from "../../../components/cloud/prerequisitesPlan";
import { EMULATORS } from "../../../tools/plan/mocks";
import { createAlicloudEmulator } from "../../../tools/plan/mocks/alicloud";
import { FRESH_ACCOUNT } from "../../../tools/plan/mocks/alicloudAccount";
import { failureOf, render } from "../../harness";

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

/** The plan's emulators in a fresh account: no role exists. */
const fresh = EMULATORS.map((e) => (e.prefix === "alicloud:" ? createAlicloudEmulator(FRESH_ACCOUNT) : e));

describe("AccountPrerequisites", () => {
  it("checks the roles by default and declares nothing; a provider that waits for it waits for nothing more", async () => {
    const out = await render(() => {
      const account = new AccountPrerequisites("account", { features: PROD });
      new alicloud.Provider("after", { region: "cn-hangzhou" }, { dependsOn: account.ready });
    });
    assert.deepEqual(
      out.resources.filter((r) => r.type.startsWith("alicloud:")).map((r) => r.type),
      [],
    );
    assert.deepEqual(out.named("after").dependsOn, []);
  });

  it("stops before anything is created in an account without its roles, naming them and the commands", () => {
    const res = failureOf(`
      const { AccountPrerequisites } = require("./components/cloud/prerequisites");
      const { EMULATORS } = require("./tools/plan/mocks");
      const { createAlicloudEmulator } = require("./tools/plan/mocks/alicloud");
      const { FRESH_ACCOUNT } = require("./tools/plan/mocks/alicloudAccount");
      const alicloud = require("@pulumi/alicloud");
      const emulators = EMULATORS.map((e) => (e.prefix === "alicloud:" ? createAlicloudEmulator(FRESH_ACCOUNT) : e));
      return {
        program: () => {
          const account = new AccountPrerequisites("account", { features: ${JSON.stringify(PROD)} });
          const provider = new alicloud.Provider("after", { region: "cn-hangzhou" }, { dependsOn: account.ready });
          new alicloud.vpc.Network("vpc", { cidrBlock: "10.0.0.0/16" }, { provider });
        },
        options: { emulators },
      };`);
    assert.equal(res.failed, true);
    assert.match(res.message, /^the account lacks 12 roles this environment needs:\n  AliyunCSDefaultRole \(/);
    assert.match(
      res.message,
      /aliyun ram AttachPolicyToRole --RoleName AliyunCSManagedSecurityRole --PolicyType System --PolicyName AliyunCSManagedSecurityRolePolicy/,
    );
    assert.match(res.message, /aliyun resourcemanager CreateServiceLinkedRole --ServiceName ess\.aliyuncs\.com/);
  });

  it("manage: declares each role with its policy and Auto Scaling's linked role, kept when the stack is destroyed", async () => {
    const out = await render(
      () => {
        const account = new AccountPrerequisites("account", { features: PROD, serviceRoles: "manage" });
        new alicloud.Provider("after", { region: "cn-hangzhou" }, { dependsOn: account.ready });
      },
      { emulators: fresh },
    );
    const roles = out.ofType("alicloud:ram/role:Role");
    const attachments = out.ofType("alicloud:ram/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(roles.length, 11);
    assert.equal(attachments.length, 11);
    for (const r of [...roles, ...attachments, ...out.ofType("alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole")])
      assert.equal(r.retainOnDelete, true, r.name);
    const scaler = out.named("account-role-AliyunCSManagedAutoScalerRole");
    assert.equal(scaler.inputs["roleName"], "AliyunCSManagedAutoScalerRole");
    assert.deepEqual(JSON.parse(String(scaler.inputs["assumeRolePolicyDocument"])).Statement[0].Principal, {
      Service: ["cs.aliyuncs.com"],
    });
    assert.deepEqual(out.named("account-role-AliyunCSManagedAutoScalerRole-policy").inputs, {
      roleName: "AliyunCSManagedAutoScalerRole",
      policyName: "AliyunCSManagedAutoScalerRolePolicy",
      policyType: "System",
    });
    assert.equal(out.named("account-linked-role-AliyunServiceRoleForAutoScaling").inputs["serviceName"], "ess.aliyuncs.com");
    // What waits for the account waits for every role's policy and the linked role.
    const after = out.named("after");
    for (const a of attachments) assert.ok(after.dependsOn.includes(a.urn), a.name);
    assert.ok(after.dependsOn.includes(out.named("account-linked-role-AliyunServiceRoleForAutoScaling").urn));
  });

  it("activates the services it needs, or leaves them to the account's owner", async () => {
    const calls: string[] = [];
    const spy = EMULATORS.map((e) =>
      e.prefix === "alicloud:"
        ? {
            ...e,
            invokes: Object.fromEntries(
              Object.entries(e.invokes).map(([token, fn]) => [
                token,
                (inputs: Record<string, any>, ctx: any) => (calls.push(`${token} ${inputs["enable"] ?? ""}`), fn(inputs, ctx)),
              ]),
            ),
          }
        : e,
    );
    await render(() => pulumi.output(new AccountPrerequisites("account", { features: PROD }).ready).apply(() => undefined), {
      emulators: spy,
    });
    assert.deepEqual(calls.filter((c) => c.includes("Service")).sort(), [
      "alicloud:cs/getAckService:getAckService On",
      "alicloud:kms/getService:getService On",
      "alicloud:log/getService:getService On",
      "alicloud:pvtz/getService:getService On",
    ]);
    calls.length = 0;
    await render(() => new AccountPrerequisites("account", { features: PROD, activateServices: false }), { emulators: spy });
    assert.deepEqual(
      calls.filter((c) => c.includes("Service")),
      [],
    );
  });
});
