/**
 * A plausible random provider: generated values are stable per resource, so plans can be diffed.
 */
import type { ProviderEmulator } from "./types";
import { stableId } from "./types";

export const randomEmulator: ProviderEmulator = {
  prefix: "random:",
  resource(req) {
    const length = Number(req.inputs["length"] ?? 16);
    const value = (stableId("", req.type, req.name) + stableId("", req.name, req.type)).slice(0, length);
    switch (req.type) {
      case "random:index/randomPassword:RandomPassword":
        return { id: "none", state: { ...req.inputs, result: value, bcryptHash: `$2a$10$${value}` } };
      case "random:index/randomString:RandomString":
        return { id: value, state: { ...req.inputs, result: value } };
      case "random:index/randomId:RandomId":
        return {
          id: value,
          state: { ...req.inputs, hex: value, b64Url: value, b64Std: value, dec: String(parseInt(value.slice(0, 12), 16)) },
        };
      default:
        return undefined;
    }
  },
  invokes: {},
};
