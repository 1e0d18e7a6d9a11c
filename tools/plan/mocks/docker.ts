/**
 * A plausible Docker provider: an image "builds" to a digest derived from what it was built from,
 * so the same inputs give the same digest on every plan.
 */
import { createHash } from "node:crypto";
import type { ProviderEmulator } from "./types";

export const dockerEmulator: ProviderEmulator = {
  prefix: "docker:",
  resource(req) {
    if (req.type !== "docker:index/image:Image") return undefined;
    const imageName = String(req.inputs["imageName"] ?? req.name);
    const digest = `sha256:${createHash("sha256").update(JSON.stringify([imageName, req.inputs["build"] ?? {}])).digest("hex")}`;
    const repository = imageName.replace(/:[^/:]+$/, "");
    const pushed = !req.inputs["skipPush"];
    return {
      id: `${imageName}-${digest}`,
      state: {
        ...req.inputs,
        imageName,
        baseImageName: imageName,
        registryServer: repository.includes("/") ? repository.split("/")[0] : "",
        // An image that is not pushed has no repository digest; it is referred to by its tag.
        repoDigest: pushed ? `${repository}@${digest}` : "",
      },
    };
  },
  invokes: {},
};
