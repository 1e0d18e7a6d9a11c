/**
 * A plausible Docker provider: an image "builds" to a digest derived from what it was built from
 * (its name, build settings and the files of its build context), so the same sources give the same
 * digest on every plan, and a change to a service's code shows up as a new digest.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { registryHostOf } from "../../../components/cloud/registryPlan";
import { recordPush } from "./registry";
import type { ProviderEmulator } from "./types";

/** Hashes every file under `dir` (paths and contents, in a stable order); empty if it does not exist. */
function hashContext(dir: string): string {
  const hash = createHash("sha256");
  const walk = (relative: string) => {
    const full = path.join(dir, relative);
    // Code-point order, not localeCompare: the digest must not depend on the machine's locale.
    for (const entry of fs.readdirSync(full, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile())
        hash
          .update(child)
          .update("\u0000")
          .update(fs.readFileSync(path.join(dir, child)))
          .update("\u0000");
    }
  };
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) walk("");
  return hash.digest("hex");
}

export const dockerEmulator: ProviderEmulator = {
  prefix: "docker:",
  resource(req, ctx) {
    if (req.type !== "docker:index/image:Image") return undefined;
    const imageName = String(req.inputs["imageName"] ?? req.name);
    const build = (req.inputs["build"] ?? {}) as Record<string, unknown>;
    const context = typeof build["context"] === "string" ? hashContext(path.resolve(build["context"])) : "";
    const digest = `sha256:${createHash("sha256")
      .update(JSON.stringify([imageName, build, context]))
      .digest("hex")}`;
    const repository = imageName.replace(/:[^/:]+$/, "");
    const pushed = !req.inputs["skipPush"];
    if (pushed) recordPush(ctx, imageName);
    return {
      id: `${imageName}-${digest}`,
      state: {
        ...req.inputs,
        imageName,
        baseImageName: imageName,
        context: String(build["context"] ?? ""),
        dockerfile: String(build["dockerfile"] ?? ""),
        platform: build["platform"],
        registryServer: registryHostOf(repository),
        // An image that is not pushed has no repository digest; it is referred to by its tag.
        repoDigest: pushed ? `${repository}@${digest}` : "",
      },
    };
  },
  invokes: {},
};
