/**
 * Writing a plan's files: thousands of small manifests and one large plan.json, written so that a
 * plan planned again into the same place costs little.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Makes `dir` hold exactly `files` (name to contents): each file is written over the one of that name
 * from an earlier plan, and whatever else the folder holds is removed, so no file of an earlier plan
 * survives into this one.
 *
 * Writing over a file is far cheaper than deleting it and writing a new one (unlinking a committed
 * file costs milliseconds on a journalling file system: replacing a plan of 4,000 objects by deleting
 * the folder took seconds, writing over it tens of milliseconds). A file another name also links to
 * (a copy made with `cp -al`) is unlinked first, so the copy keeps what it held.
 */
export function writeFolder(dir: string, files: Iterable<readonly [name: string, contents: string]>): void {
  const stale = new Set<string>();
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") fs.rmSync(dir, { force: true });
    else if (code !== "ENOENT") throw err;
  }
  for (const entry of entries) {
    // Only a plain file is written over; a folder or a link of that name is removed.
    if (entry.isFile()) stale.add(entry.name);
    else fs.rmSync(path.join(dir, entry.name), { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, contents] of files) {
    const file = path.join(dir, name);
    if (stale.delete(name) && fs.statSync(file).nlink > 1) fs.unlinkSync(file);
    fs.writeFileSync(file, contents);
  }
  for (const name of stale) fs.rmSync(path.join(dir, name), { force: true });
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
