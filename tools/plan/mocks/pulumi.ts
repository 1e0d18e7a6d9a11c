/**
 * Pulumi's own resources: providers, and StackReferences answered with the outputs of another plan.
 */
import type { ProviderEmulator } from "./types";
import { stableId } from "./types";

export const pulumiEmulator: ProviderEmulator = {
  prefix: "pulumi:",
  resource(req, ctx) {
    if (req.type === "pulumi:pulumi:StackReference") {
      const name = String(req.inputs["name"] ?? req.id ?? req.name);
      const outputs = ctx.stackOutputs(name);
      if (!outputs) {
        throw new Error(
          `StackReference '${name}': no planned outputs for that stack. Plan it first (npm run plan -- <stack>) ` +
            `or point --stack-reference ${name}=<dir of its plan.json> at them`,
        );
      }
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    if (req.type.startsWith("pulumi:providers:")) {
      return { id: stableId("", req.type, req.name), state: { ...req.inputs } };
    }
    return undefined;
  },
  invokes: {},
};
