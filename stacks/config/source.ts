/**
 * The text of the running stack's `Pulumi.<stack>.yaml`, found the way the Pulumi CLI finds it: next
 * to the project's Pulumi.yaml (or in its `stackConfigDir`), with the project file's extension. The
 * program runs in the project directory under `pulumi up` and under the offline plan alike.
 *
 * A stack may have no such file (its config kept in Pulumi ESC or Pulumi Cloud): then the values
 * YAML reads differently from how they are written cannot be checked, and the caller says so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

export interface StackSource {
  readonly file: string;
  readonly text: string;
}

/** The stack file's text, or a sentence saying why there is none to read. */
export function readStackSource(projectDir: string, stack: string): StackSource | { readonly unavailable: string } {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  if (!projectFile) return { unavailable: `there is no Pulumi.yaml in ${projectDir}` };
  let configDir = projectDir;
  try {
    const project = YAML.parse(fs.readFileSync(projectFile, "utf8")) as { stackConfigDir?: unknown } | null;
    if (typeof project?.stackConfigDir === "string") configDir = path.resolve(projectDir, project.stackConfigDir);
  } catch {
    // The CLI has read the project file already; a file it could read and this cannot is no reason to stop.
  }
  // The CLI names a stack's file after the stack's own name, with the project file's extension.
  const name = stack.split("/").at(-1)!;
  const file = path.join(configDir, `Pulumi.${name}${path.extname(projectFile)}`);
  try {
    return { file, text: fs.readFileSync(file, "utf8") };
  } catch {
    return { unavailable: `${path.relative(projectDir, file) || file} was not found` };
  }
}
