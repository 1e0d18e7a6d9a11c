/**
 * `npm run release -- <stack> <service> --advance --prometheus <url>` (or `--all` instead of a
 * service): judges each service's next declared step from Prometheus and writes the steps it takes
 * into the stack file, in one atomic write, after checking the result with the program's schema.
 * The file gets only the new weights (and versions, in a promotion): everything else about a
 * decision is in its printed line and in the git history of the file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, type EnvironmentConfig } from "../../stacks/config";
import { readProject, stackFilePath, StackFileError } from "../plan/stackFiles";
import { analysisQueries, readTrackNumbers, seriesSettings } from "./analysis";
import { combinedExitCode, decide, EXIT_BAD_INPUT, EXIT_CODES } from "./decision";
import { editRelease, type ReleaseAction, ReleaseError } from "./edit";
import { PrometheusError, queryEndpoint } from "./prometheus";
import { parseStackConfig } from "./stack";
import { nextMove } from "./steps";
import { StackWriteError, writeStackFile } from "./write";

export interface AdvanceOptions {
  readonly projectDir: string;
  readonly stack: string;
  /** One service, or every service with steps when undefined. */
  readonly service?: string;
  readonly prometheus: string;
  readonly dryRun: boolean;
  /** A person approved the named service's next step. */
  readonly approve: boolean;
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Replaces the stack file; tests pass one that fails. */
  readonly write?: (file: string, text: string) => void;
}

/** The outcome of one service. */
interface Outcome {
  readonly service: string;
  readonly exitCode: number;
  readonly action?: ReleaseAction;
}

export async function advance(o: AdvanceOptions): Promise<number> {
  let env: EnvironmentConfig;
  let file: string;
  let text: string;
  let parse: (text: string) => EnvironmentConfig;
  let project: string;
  try {
    queryEndpoint(o.prometheus);
    const p = readProject(path.resolve(o.projectDir));
    project = p.name;
    file = stackFilePath(p, o.stack);
    text = fs.readFileSync(file, "utf8");
    parse = (t) => parseStackConfig(p, o.stack, file, t);
    env = parse(text);
  } catch (err) {
    if (err instanceof StackFileError || err instanceof PrometheusError || ConfigError.isInstance(err)) {
      o.err(err.message);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }

  const movesOf = (svc: EnvironmentConfig["services"][number]) => nextMove(o.stack, env, svc, o.approve);
  let services = env.services;
  if (o.service !== undefined) {
    const svc = env.services.find((s) => s.name === o.service);
    if (!svc) {
      o.err(`there is no service '${o.service}' in ${o.stack}; its services are: ${env.services.map((s) => s.name).join(", ")}`);
      return EXIT_BAD_INPUT;
    }
    if (movesOf(svc).kind === "none") {
      o.err(`'${o.service}' declares no release steps (canary.steps or legacy.steps), so there is nothing to advance`);
      return EXIT_BAD_INPUT;
    }
    // An approval is for the step that asked for it: an approval given late (the service has moved
    // on, or rolled back, since) takes no other step.
    const unapproved = nextMove(o.stack, env, svc, false);
    if (o.approve && (unapproved.kind !== "judge" || !unapproved.needsApproval)) {
      const why =
        unapproved.kind === "judge" ? `its next step, ${unapproved.from} → ${unapproved.next}, needs none` : "it has no step to take";
      o.out(`${svc.name}: nothing awaits approval (${why}): nothing judged, nothing changed`);
      return EXIT_CODES.hold;
    }
    services = [svc];
  } else {
    services = env.services.filter((s) => movesOf(s).kind !== "none");
    if (services.length === 0) {
      o.out(`no service of ${o.stack} declares release steps: nothing to advance`);
      return 0;
    }
  }

  // Every service is judged on its own: one service's unreachable series do not stop the others,
  // and a rollback is written even when another service could not be judged.
  const target = { url: o.prometheus, time: Date.now() / 1000, timeoutMs: o.timeoutMs };
  const outcomes: Outcome[] = [];
  for (const svc of services) {
    const move = movesOf(svc);
    if (move.kind === "none") continue;
    if (move.kind === "stopped") {
      o.out(move.line);
      outcomes.push({ service: svc.name, exitCode: EXIT_CODES.hold });
      continue;
    }
    const queries = analysisQueries(seriesSettings(svc, env.workloads.namespace), move.settings.analysis);
    let tracks;
    try {
      tracks = await readTrackNumbers(target, queries);
    } catch (err) {
      if (!(err instanceof PrometheusError)) throw err;
      o.out(`${svc.name}: cannot judge ${move.from}, nothing changed: ${err.message}`);
      outcomes.push({ service: svc.name, exitCode: EXIT_CODES.inconclusive });
      continue;
    }
    const decision = decide({
      service: svc.name,
      judged: { track: move.judged, numbers: tracks[move.judged] },
      ...(move.other ? { other: { track: move.other, numbers: tracks[move.other] } } : {}),
      analysis: move.settings.analysis,
      from: move.from,
      next: move.next,
      back: move.back,
      needsApproval: move.needsApproval,
    });
    o.out(decision.line);
    const action = decision.verdict === "advance" ? move.advance : decision.verdict === "rollback" ? move.rollback : undefined;
    outcomes.push({ service: svc.name, exitCode: decision.exitCode, ...(action ? { action } : {}) });
  }

  // Each step is spliced in and checked on its own, so that a step the file refuses (a service written
  // on one line, a result the schema refuses) is reported and the others, rollbacks first, still land.
  let after = text;
  const written: string[] = [];
  const codes = outcomes.map((x) => x.exitCode);
  outcomes.forEach((x, i) => {
    if (!x.action) return;
    try {
      const next = editRelease(after, project, x.service, x.action);
      parse(next);
      after = next;
      written.push(x.service);
    } catch (err) {
      if (!(err instanceof ReleaseError || ConfigError.isInstance(err))) throw err;
      o.err(`${x.service}: refused, its step is not written: ${err.message}`);
      codes[i] = EXIT_BAD_INPUT;
    }
  });
  const code = combinedExitCode(codes);
  if (written.length === 0) return code;
  const changed = written.join(", ");
  if (o.dryRun) {
    o.out(`dry run: ${path.basename(file)} is unchanged (it would change ${changed})`);
    return code;
  }
  try {
    (o.write ?? writeStackFile)(file, after);
  } catch (err) {
    // Read-only, a full disk...: the file is as it was, and nothing decided here is applied.
    // writeStackFile says which file and why, in one line; a write passed in may only say why.
    o.err(
      err instanceof StackWriteError
        ? `${err.message} (${changed} not changed)`
        : `cannot write ${path.basename(file)} (${changed} not changed): ${(err as Error).message}`,
    );
    return combinedExitCode([code, EXIT_CODES.inconclusive]);
  }
  o.out(`updated ${path.basename(file)} (${changed}); now: pulumi up --stack ${o.stack}`);
  return code;
}
