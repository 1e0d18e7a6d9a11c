/**
 * Checks a page's tables of a component's args, outputs and options against the source that
 * declares them (see sourceApi.ts): the same names, and for args the default its `@default` gives.
 */
import assert from "node:assert/strict";
import { classFields, documentedDefault, interfaceMembers } from "./sourceApi";
import { codeSpans, plain, readPage, type Table, tables } from "./markdown";

export interface ApiTable {
  /** The heading the table sits under. */
  readonly heading: string;
  /** The first column's title: "arg" and "option" tables list an interface, "output" tables a class. */
  readonly kind: "arg" | "option" | "output";
  readonly file: string;
  /** The interface (arg, option) or class (output) that declares the rows. */
  readonly declaration: string;
}

/** Quotes and code marks do not change what a default says. */
const normal = (text: string) => plain(text).replace(/"/g, "");

/** Problems of one documented table; empty when it says what the source declares. */
function problems(table: Table, spec: ApiTable): string[] {
  const out: string[] = [];
  const where = `${spec.declaration} (${spec.file})`;
  const names = table.rows.flatMap((r) => codeSpans(r[0] ?? ""));
  const declared =
    spec.kind === "output" ? classFields(spec.file, spec.declaration) : interfaceMembers(spec.file, spec.declaration).map((m) => m.name);
  for (const n of declared) if (!names.includes(n)) out.push(`${n} is declared by ${where} but not listed`);
  for (const n of names) if (!declared.includes(n)) out.push(`${n} is listed but ${where} does not declare it`);
  if (spec.kind !== "output") {
    const column = table.header.indexOf("default");
    if (column < 0) return [...out, `the table of ${where} has no 'default' column`];
    for (const m of interfaceMembers(spec.file, spec.declaration)) {
      const row = table.rows.find((r) => codeSpans(r[0] ?? "")[0] === m.name);
      if (!row) continue;
      const said = normal(row[column] ?? "");
      const want = normal(documentedDefault(m));
      if (said !== want) out.push(`${m.name}: the page says the default is '${said}', the source '${want}'`);
    }
  }
  return out;
}

/** Every arg, option and output table of the page is one of `specs`, and says what its source declares. */
export function apiTableProblems(page: string, specs: readonly ApiTable[]): string[] {
  const all = tables(readPage(page)).filter((t) => ["arg", "option", "output"].includes(t.header[0] ?? ""));
  const out: string[] = [];
  for (const t of all) {
    const spec = specs.find((s) => s.heading === plain(t.heading) && s.kind === t.header[0]);
    if (!spec) out.push(`line ${t.line}: an ${t.header[0]} table under '${t.heading}' that no test knows the source of`);
    else out.push(...problems(t, spec).map((p) => `line ${t.line}: ${p}`));
  }
  for (const s of specs) {
    if (!all.some((t) => plain(t.heading) === s.heading && t.header[0] === s.kind)) out.push(`no ${s.kind} table under '${s.heading}'`);
  }
  return out;
}

export function assertApiTables(page: string, specs: readonly ApiTable[]): void {
  assert.deepEqual(apiTableProblems(page, specs), []);
}
