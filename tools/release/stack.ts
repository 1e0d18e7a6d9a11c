/**
 * A stack file's text checked the way the program checks its config: the release helper refuses
 * any edit whose result the program would refuse.
 */
import { type EnvironmentConfig, parseEnvironmentConfig, rawStackConfig } from "../../stacks/config";
import { parseStackText, type ProjectFile } from "../plan/stackFiles";

/** The validated config of `text`, as the stack file of `stack`; throws the program's ConfigError. */
export function parseStackConfig(project: ProjectFile, stack: string, file: string, text: string): EnvironmentConfig {
  const parsed = parseStackText(project, stack, file, text);
  const secret = new Set(parsed.secretKeys);
  return parseEnvironmentConfig(
    // With the text, as the program reads its file: a value YAML reads other than written is refused too.
    rawStackConfig(project.name, stack, parsed.config, (k) => secret.has(k), { file, text }),
    project.dir,
  );
}
