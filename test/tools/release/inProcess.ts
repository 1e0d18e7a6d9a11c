/**
 * `npm run release -- <args>` run in the test's own process, through the command's exported `main`:
 * the same exit status and the same lines on stdout and stderr as the command prints, without the
 * second or two a fresh Node.js process spends loading the program. Each test file that uses it
 * keeps one run of the command as its own process (the process is part of the contract too).
 */
import { format, inspect } from "node:util";
import { main } from "../../../tools/release/cli";

export interface ReleaseRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the command with `argv` (what follows `npm run release --`). console.log and console.error
 * are captured for the run, as the process's stdout and stderr would be; the runs of one process
 * are serialised, so that one run never captures another's lines. A command that throws exits 70
 * with the error on stderr, as tools/release/cli.ts does when it runs as a process.
 */
export function releaseInProcess(argv: readonly string[]): Promise<ReleaseRun> {
  const run = queue.then(() => capture(argv));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function capture(argv: readonly string[]): Promise<ReleaseRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...args: unknown[]) => stdout.push(`${format(...args)}\n`);
  console.error = (...args: unknown[]) => stderr.push(`${format(...args)}\n`);
  let status: number;
  try {
    status = await main([...argv]);
  } catch (err) {
    stderr.push(`${inspect(err)}\n`);
    status = 70;
  } finally {
    console.log = log;
    console.error = error;
  }
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}
