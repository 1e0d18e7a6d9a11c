/**
 * PromQL checked by the Prometheus project's own parser and analyzer: the Lezer grammar the
 * Prometheus UI parses with (@prometheus-io/lezer-promql), and the UI's linter, a port of the
 * server's type checks (@prometheus-io/codemirror-promql: argument counts and types of functions,
 * range versus instant vectors, operators on scalars). A typo in a rule fails a test, not an
 * incident: Prometheus refuses to load a rule group with one bad expression.
 */
import { ensureSyntaxTree, LRLanguage, syntaxTree } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { parser } from "@prometheus-io/lezer-promql";
// The analyzer is not among the package's entry points; this is the module its linter runs.
import { Parser } from "@prometheus-io/codemirror-promql/dist/cjs/parser/parser.js";

// One parser at run time (both packages load @lezer/lr's CommonJS build); TypeScript sees the ESM
// and CommonJS typings of @lezer/lr as two types.
const promql = LRLanguage.define({ parser: parser as unknown as Parameters<typeof LRLanguage.define>[0]["parser"] });

/** What is wrong with an expression, one sentence per problem with the text it is about; empty when it is valid. */
export function promqlProblems(expr: string): string[] {
  if (expr.trim() === "") return ["the expression is empty"];
  // An editor parses within a time budget (20 ms when the state is created) and only what is
  // visible: finish the parse, and hand the analyzer a state that holds the whole tree.
  const created = EditorState.create({ doc: expr, extensions: promql });
  if (!ensureSyntaxTree(created, expr.length, 10_000)) return ["the parser did not finish within 10 s"];
  const state = created.update({}).state;
  if (syntaxTree(state).length !== expr.length) return ["the parser did not read the whole expression"];
  const analysis = new Parser(state);
  analysis.analyze();
  const problems = analysis.getDiagnostics().map((d) => `${d.message} at ${JSON.stringify(expr.slice(d.from, d.to))}`);
  // The analyzer passes over a syntax error at the very end (in an editor, the user is still
  // typing); in a rule it is an expression cut short.
  const tree = syntaxTree(state);
  let unfinished = false;
  tree.iterate({ enter: (node) => void (node.type.isError && node.to === tree.length && (unfinished = true)) });
  if (unfinished) problems.push(`the expression ends before it is complete: ${JSON.stringify(expr.slice(-20))}`);
  return problems;
}
