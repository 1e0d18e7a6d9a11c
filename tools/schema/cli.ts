/**
 * npm run schema
 *
 * Writes schema/stack.schema.json, the JSON Schema of Pulumi.<stack>.yaml, from the zod schema of
 * stacks/config. Run it after changing a config key; a test fails while the committed file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, renderStackSchema, SCHEMA_FILE } from "./generate";

async function main(): Promise<void> {
  const text = await renderStackSchema();
  const file = path.join(REPO, SCHEMA_FILE);
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`${SCHEMA_FILE}: ${before === text ? "unchanged" : "written"} (${Math.round(text.length / 1024)} KB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
