/**
 * Writing a plan's files: thousands of small manifests and one large plan.json, written so that a
 * plan planned again into the same place does not wait for the earlier plan's files to be deleted.
 *
 * Freeing a file's blocks is what costs: deleting a folder of 4,000 manifests that have reached the
 * disk took 4 to 10 seconds on the project's CI machine (ext4 mounted with `discard`), and writing
 * over them in place (which truncates them) up to 8; writing 4,000 new files took 0.2. So new files
 * are written under new names, the earlier ones are moved aside with a rename, and a process of
 * their own deletes them after the plan has returned.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Where the files an output replaces go until they are deleted: a folder on the same file system
 * (a rename cannot cross file systems), the system's temporary folder if it is on the same one, else
 * beside the output folder. `empty()` deletes it in a background process.
 */
export class Trash {
  private dir: string | undefined;
  private moved = 0;

  constructor(private readonly outDir: string) {}

  /** Moves `target` (a file or a folder) into the trash; false when there is nothing there. */
  take(target: string): boolean {
    if (!fs.existsSync(target) && !isLink(target)) return false;
    this.dir ??= fs.mkdtempSync(path.join(this.place(), "ack-plan-replaced-"));
    fs.renameSync(target, path.join(this.dir, `${this.moved++}-${path.basename(target)}`));
    return true;
  }

  /** Deletes what was moved, in a detached process (here if that process cannot start). */
  empty(): void {
    const dir = this.dir;
    if (!dir) return;
    this.dir = undefined;
    const removeHere = () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      const child = spawn(process.execPath, ["-e", "require('node:fs').rmSync(process.argv[1], { recursive: true, force: true })", dir], {
        detached: true,
        stdio: "ignore",
        env: { ...process.env, NODE_OPTIONS: "" },
      });
      child.on("error", removeHere);
      child.unref();
    } catch {
      removeHere();
    }
  }

  private place(): string {
    const tmp = os.tmpdir();
    try {
      if (fs.statSync(tmp).dev === fs.statSync(this.outDir).dev) return tmp;
    } catch {
      // an unreadable temporary folder: beside the output instead
    }
    return path.dirname(this.outDir);
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A folder being written beside the one it is to replace (`startFolder`). */
export interface PendingFolder {
  /** Waits for the writes, then puts the new folder in the place of the old one, which goes to the trash. */
  place(trash: Trash): Promise<void>;
  /** Waits for the writes, then deletes the new folder: the old one stays. */
  discard(): Promise<void>;
}

/**
 * Starts writing `files` (name to contents) into a fresh folder beside `dir`, and returns at once:
 * the writes go on in Node's thread pool while the caller works (a plan's policies, its plan.json),
 * and `place` puts the folder in `dir`'s place. Creating thousands of small files costs the file
 * system, not the program: 0.2 to 0.8 s for a plan of 500 services on the project's CI machine,
 * which the plan no longer waits for.
 */
export function startFolder(dir: string, files: Iterable<readonly [name: string, contents: string]>): PendingFolder {
  const fresh = fs.mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}.new-`));
  const writes: Promise<void>[] = [];
  try {
    for (const [name, contents] of files) writes.push(fs.promises.writeFile(path.join(fresh, name), contents));
  } catch (err) {
    writes.push(Promise.reject(err));
  }
  const written = Promise.all(writes).then(() => undefined);
  // A failed write is reported by place(); until then it is not an unhandled rejection.
  written.catch(() => undefined);
  const remove = async () => {
    await Promise.allSettled(writes);
    fs.rmSync(fresh, { recursive: true, force: true });
  };
  return {
    async place(trash) {
      try {
        await written;
      } catch (err) {
        await remove();
        throw err;
      }
      trash.take(dir);
      fs.renameSync(fresh, dir);
    },
    discard: remove,
  };
}

/**
 * Makes `dir` a new folder holding exactly `files` (name to contents): they are written into a
 * fresh folder beside it, which then takes its place; what was there goes to the trash. No file of an
 * earlier plan survives, and a copy of it made with hard links (`cp -al`) keeps what it held.
 */
export function replaceFolder(dir: string, files: Iterable<readonly [name: string, contents: string]>, trash: Trash): Promise<void> {
  return startFolder(dir, files).place(trash);
}

/** Writes `file` through a new file that then takes its place; the earlier one goes to the trash. */
export function replaceFile(file: string, write: (file: string) => void, trash: Trash): void {
  const fresh = path.join(path.dirname(file), `.${path.basename(file)}.new-${process.pid}`);
  try {
    write(fresh);
    trash.take(file);
    fs.renameSync(fresh, file);
  } catch (err) {
    fs.rmSync(fresh, { force: true });
    throw err;
  }
}

/**
 * Writes `JSON.stringify(value, null, 2) + "\n"` to `file`, byte for byte, without holding the whole
 * text in memory: the elements of the top-level object's arrays (a plan's resources) are serialized
 * one at a time. A plan of 500 services is over 100 MB of JSON.
 */
export function writeJson(file: string, value: unknown): void {
  const fd = fs.openSync(file, "w");
  try {
    let buffered = "";
    const write = (text: string) => {
      buffered += text;
      if (buffered.length >= 1 << 20) {
        fs.writeSync(fd, buffered);
        buffered = "";
      }
    };
    writeValue(write, value);
    write("\n");
    fs.writeSync(fd, buffered);
  } finally {
    fs.closeSync(fd);
  }
}

/** What JSON.stringify would make of a value: its toJSON's result; undefined for what it leaves out. */
function jsonOf(value: unknown, key: string): unknown {
  const toJSON = value !== null && typeof value === "object" ? (value as { toJSON?: unknown }).toJSON : undefined;
  const v = typeof toJSON === "function" ? (toJSON as (key: string) => unknown).call(value, key) : value;
  return typeof v === "function" || typeof v === "symbol" ? undefined : v;
}

/** The top-level object written key by key, its arrays element by element; anything else by JSON.stringify. */
function writeValue(write: (text: string) => void, value: unknown): void {
  const top = jsonOf(value, "");
  if (top === null || typeof top !== "object" || Array.isArray(top)) {
    write(JSON.stringify(top, null, 2) ?? "undefined");
    return;
  }
  const keys = Object.keys(top).filter((k) => jsonOf((top as Record<string, unknown>)[k], k) !== undefined);
  if (keys.length === 0) {
    write("{}");
    return;
  }
  write("{\n");
  keys.forEach((key, i) => {
    const v = jsonOf((top as Record<string, unknown>)[key], key);
    write(`  ${JSON.stringify(key)}: `);
    if (Array.isArray(v) && v.length > 0) {
      write("[\n");
      v.forEach((element, j) => {
        const e = jsonOf(element, String(j));
        write(`    ${e === undefined ? "null" : JSON.stringify(e, null, 2).replace(/\n/g, "\n    ")}${j < v.length - 1 ? ",\n" : "\n"}`);
      });
      write("  ]");
    } else {
      write(JSON.stringify(v, null, 2).replace(/\n/g, "\n  "));
    }
    write(i < keys.length - 1 ? ",\n" : "\n");
  });
  write("}");
}
