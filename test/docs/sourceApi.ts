/**
 * A component's public API as its source declares it, read with the TypeScript compiler: the members
 * of its args interface (name, whether required, the `@default` of its TSDoc) and the public readonly
 * fields of its class. The reference pages' arg and output tables are checked against these.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { REPO } from "../planRunner";

export interface Member {
  readonly name: string;
  readonly optional: boolean;
  /** The text of the `@default` tag, if any. */
  readonly default?: string;
}

function sourceOf(file: string): ts.SourceFile {
  const full = path.join(REPO, file);
  return ts.createSourceFile(full, fs.readFileSync(full, "utf8"), ts.ScriptTarget.Latest, true);
}

function defaultTag(node: ts.Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text !== "default") continue;
    const comment = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
    return (comment ?? "").replace(/\s+/g, " ").trim();
  }
  return undefined;
}

/** The members of an exported interface, in the order they are declared. */
export function interfaceMembers(file: string, name: string): Member[] {
  let found: ts.InterfaceDeclaration | undefined;
  sourceOf(file).forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) found = node;
  });
  if (!found) throw new Error(`${file} declares no interface ${name}`);
  return found.members.filter(ts.isPropertySignature).map((m) => {
    const d = defaultTag(m);
    return { name: m.name.getText(), optional: m.questionToken !== undefined, ...(d !== undefined ? { default: d } : {}) };
  });
}

/** The public readonly fields of an exported class, in the order they are declared. */
export function classFields(file: string, name: string): string[] {
  let found: ts.ClassDeclaration | undefined;
  sourceOf(file).forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === name) found = node;
  });
  if (!found) throw new Error(`${file} declares no class ${name}`);
  return found.members
    .filter(ts.isPropertyDeclaration)
    .filter((m) => {
      const mods = ts.getModifiers(m) ?? [];
      return (
        mods.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword) &&
        !mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword) &&
        !ts.isPrivateIdentifier(m.name)
      );
    })
    .map((m) => m.name.getText());
}

/** What an args table's default column says for a member: "required", its `@default`, or "none". */
export function documentedDefault(m: Member): string {
  if (!m.optional) return "required";
  return m.default ?? "none";
}
