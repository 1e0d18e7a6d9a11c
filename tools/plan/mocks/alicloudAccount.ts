/**
 * The account behind the emulated Alibaba Cloud: which services are activated and which RAM roles
 * exist. By default it is an account where ACK was activated from the console once (its quick
 * authorization created ACK's roles) and Auto Scaling was activated: what the ACK documentation asks
 * for before a first cluster. Tests describe other accounts (a fresh one, one missing a role).
 */
import { createHash } from "node:crypto";
import type { InvokeEmulator, ResourceRequest, ResourceResponse } from "./types";

export interface EmulatedAccount {
  /** RAM role names that exist, service-linked roles included. */
  readonly roles: readonly string[];
}

/** ACK's roles (quick authorization and the optional ones) and Auto Scaling's service-linked role. */
export const ACTIVATED_ACCOUNT: EmulatedAccount = {
  roles: [
    "AliyunCSDefaultRole",
    "AliyunCSManagedKubernetesRole",
    "AliyunCSServerlessKubernetesRole",
    "AliyunCSKubernetesAuditRole",
    "AliyunCSManagedNetworkRole",
    "AliyunCSManagedCsiRole",
    "AliyunCSManagedCsiPluginRole",
    "AliyunCSManagedCsiProvisionerRole",
    "AliyunCSManagedCmsRole",
    "AliyunCSManagedLogRole",
    "AliyunCSManagedArmsRole",
    "AliyunCSManagedAutoScalerRole",
    "AliyunCSManagedAcrRole",
    "AliyunCSManagedSecurityRole",
    "AliyunServiceRoleForAutoScaling",
  ],
};

/** An account nobody has used: no role at all. */
export const FRESH_ACCOUNT: EmulatedAccount = { roles: [] };

function id(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

/** The activation data sources: `enable: "On"` opens the service (or reports it open); "Off" reports nothing. */
function activation(service: string): InvokeEmulator {
  return (inputs) => {
    const enable = String(inputs["enable"] ?? "Off");
    if (enable !== "On" && enable !== "Off") throw new Error(`${service}: enable '${enable}' is not On or Off`);
    return {
      id: enable === "On" ? service : "",
      enable,
      status: enable === "On" ? "Opened" : "",
      ...(inputs["type"] ? { type: inputs["type"] } : {}),
    };
  };
}

export function accountInvokes(account: EmulatedAccount): Record<string, InvokeEmulator> {
  return {
    "alicloud:cs/getAckService:getAckService": (inputs) => {
      const type = String(inputs["type"] ?? "");
      if (!["propayasgo", "edgepayasgo", "gspayasgo"].includes(type))
        throw new Error(`cs.getAckService: type '${type}' is not propayasgo, edgepayasgo or gspayasgo`);
      return activation("ack")(inputs, undefined as never);
    },
    "alicloud:pvtz/getService:getService": activation("pvtz"),
    "alicloud:kms/getService:getService": activation("kms"),
    "alicloud:log/getService:getService": activation("log"),
    "alicloud:ram/getRoles:getRoles": (inputs) => {
      const pattern = inputs["nameRegex"] ? new RegExp(String(inputs["nameRegex"])) : undefined;
      const names = account.roles.filter((r) => !pattern || pattern.test(r));
      const roles = names.map((name) => ({
        id: `3${id("role", name)}`,
        name,
        arn: `acs:ram::1234567890123456:role/${name.toLowerCase()}`,
        assumeRolePolicyDocument: "",
        document: "",
        description: "",
        createDate: "2024-01-01T00:00:00Z",
        updateDate: "2024-01-01T00:00:00Z",
        tags: {},
      }));
      return {
        id: id("roles", ...names),
        ids: roles.map((r) => r.id),
        names,
        roles,
        ...(inputs["nameRegex"] ? { nameRegex: inputs["nameRegex"] } : {}),
      };
    },
  };
}

/** RAM roles and their policy attachments, as the RAM API creates them: a name taken is refused. */
export function accountResource(account: EmulatedAccount, req: ResourceRequest): ResourceResponse | undefined {
  const inputs = req.inputs;
  switch (req.type) {
    case "alicloud:ram/role:Role": {
      const name = String(inputs["roleName"] ?? inputs["name"] ?? "");
      if (!/^[a-zA-Z0-9.-]{1,64}$/.test(name))
        throw new Error(`ram.Role '${req.name}': roleName '${name}' is not 1-64 of letters, digits, '.' and '-'`);
      if (!inputs["assumeRolePolicyDocument"] && !inputs["document"])
        throw new Error(`ram.Role '${req.name}': assumeRolePolicyDocument is required`);
      if (account.roles.includes(name))
        throw new Error(`ram.Role '${req.name}': EntityAlreadyExists.Role: the role '${name}' already exists`);
      return {
        id: name,
        state: { ...inputs, roleName: name, roleId: `3${id("role", name)}`, arn: `acs:ram::1234567890123456:role/${name.toLowerCase()}` },
      };
    }
    case "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": {
      for (const key of ["roleName", "policyName", "policyType"]) {
        if (!inputs[key]) throw new Error(`ram.RolePolicyAttachment '${req.name}': ${key} is required`);
      }
      if (!["System", "Custom"].includes(String(inputs["policyType"])))
        throw new Error(`ram.RolePolicyAttachment '${req.name}': policyType '${inputs["policyType"]}' is not System or Custom`);
      return { id: `role:${inputs["policyName"]}:${inputs["policyType"]}:${inputs["roleName"]}`, state: { ...inputs } };
    }
    case "alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole": {
      const service = String(inputs["serviceName"] ?? "");
      const roleName = service === "ess.aliyuncs.com" ? "AliyunServiceRoleForAutoScaling" : `AliyunServiceRoleFor${service.split(".")[0]}`;
      if (account.roles.includes(roleName))
        throw new Error(`resourcemanager.ServiceLinkedRole '${req.name}': EntityAlreadyExists.Role: '${roleName}' already exists`);
      return {
        id: `${service}:${roleName}`,
        state: { ...inputs, roleName, roleId: `3${id("slr", service)}`, arn: `acs:ram::1234567890123456:role/${roleName.toLowerCase()}` },
      };
    }
    default:
      return undefined;
  }
}
