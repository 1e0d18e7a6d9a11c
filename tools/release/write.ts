/**
 * Writing a stack file safely: the new text goes to a temporary file beside it, which is flushed to
 * disk and then renamed over the old one. A rename within a directory is atomic, so a reader (or a
 * crash, or a full disk) sees the old file or the new one, never half of one. The file keeps its
 * mode; a file behind a symbolic link is replaced where the link points, and the link stays.
 */
import * as nodeFs from "node:fs";
import * as path from "node:path";

/** The file operations the write uses; tests pass their own to make one of them fail. */
export type WriteFileSystem = Pick<
  typeof nodeFs,
  | "accessSync"
  | "closeSync"
  | "constants"
  | "fchmodSync"
  | "fsyncSync"
  | "openSync"
  | "realpathSync"
  | "renameSync"
  | "statSync"
  | "unlinkSync"
  | "writeSync"
>;

/** Thrown when a stack file cannot be written; its message is one line, and the file is as it was. */
export class StackWriteError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "StackWriteError";
    this.code = code;
  }
}

/** Why an operation failed, in words, from its error code. */
function reason(err: unknown): { words: string; code: string | undefined } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "the operation is not permitted",
    ENOSPC: "the disk is full",
    EDQUOT: "the disk quota is used up",
    EROFS: "the file system is read-only",
    ENOENT: "it does not exist",
    EISDIR: "it is a directory",
    EIO: "an input/output error",
    EMFILE: "too many files are open",
  };
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
  return { words: (code && words[code]) ?? first, code };
}

/**
 * Replaces `file` with `text`, atomically. Throws a StackWriteError naming the file and the reason
 * (read-only file, permission denied, full disk...) in one line; the file is then unchanged and no
 * temporary file is left behind.
 */
export function writeStackFile(file: string, text: string, fs: WriteFileSystem = nodeFs): void {
  const shown = path.relative(process.cwd(), file) || file;
  const fail = (err: unknown, what = ""): never => {
    const { words, code } = reason(err);
    throw new StackWriteError(`cannot write ${shown}: ${what}${words}${code ? ` (${code})` : ""}; it is unchanged`, code);
  };
  let target: string;
  let mode: number;
  try {
    target = fs.realpathSync(file);
    mode = fs.statSync(target).mode & 0o7777;
  } catch (err) {
    return fail(err);
  }
  // A read-only file is a choice of its owner: the rename below would replace it regardless.
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (err) {
    return fail(err, "the file is read-only: ");
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", mode);
    // The umask may have narrowed the mode the file was created with.
    fs.fchmodSync(fd, mode);
    const bytes = Buffer.from(text, "utf8");
    for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // The write already failed; its reason is the one to report.
      }
    }
    try {
      fs.unlinkSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    fail(err);
  }
}
