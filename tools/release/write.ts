/**
 * Writing a stack file. Every write of the release helper goes through here, so a stack file is
 * either the old text or the new one, never half of each: a crash, a full disk or a CI job cancelled
 * mid-write leaves the file as it was, and `pulumi up` never reads a truncated config.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Replaces `file` with `text` atomically: the text goes to a temporary file in the same directory
 * (a rename is atomic only within one file system), is flushed to disk, takes the file's mode, and
 * is renamed over the file. On failure the temporary file is removed and the file is untouched.
 */
export function writeStackFile(file: string, text: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const mode = fs.statSync(file).mode & 0o777;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", mode);
    fs.fchmodSync(fd, mode); // the umask narrowed the mode given to open
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
