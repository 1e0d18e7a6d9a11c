/**
 * A plausible Alibaba Cloud provider: ids in the formats the real APIs return (vpc-..., vsw-...),
 * and the outputs that downstream code reads.
 */
import type { ProviderEmulator } from "./types";
import { stableId } from "./types";

/** Id prefixes of the resources the platform declares, as Alibaba Cloud formats them. */
const ID_PREFIX: Readonly<Record<string, string>> = {
  "alicloud:vpc/network:Network": "vpc-",
  "alicloud:vpc/switch:Switch": "vsw-",
  "alicloud:vpc/natGateway:NatGateway": "ngw-",
  "alicloud:ecs/eipAddress:EipAddress": "eip-",
  "alicloud:ecs/securityGroup:SecurityGroup": "sg-",
  "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance": "cri-",
};

export const alicloudEmulator: ProviderEmulator = {
  prefix: "alicloud:",
  resource(req) {
    const prefix = ID_PREFIX[req.type];
    if (prefix === undefined) return undefined;
    return { id: stableId(prefix, req.type, req.name), state: { ...req.inputs } };
  },
  invokes: {},
};
