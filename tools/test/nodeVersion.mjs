/**
 * The Node.js versions the project's commands run on, and the one-line refusal on any other.
 * package.json's `engines.node` says the same; a test keeps the two in step.
 *
 * Node 20.19 is the oldest the toolchain accepts (ESLint 10); the offline plan and the tests run on
 * 20, 22 and 24. `pulumi up` itself needs Node 22: @pulumi/pulumi declares it.
 */

/** Oldest supported release of each supported major line; majors above the last are supported too. */
export const SUPPORTED = [
  { major: 20, minor: 19 },
  { major: 22, minor: 13 },
];

/** The `engines.node` range equivalent to SUPPORTED. */
export const ENGINES_RANGE = "^20.19.0 || >=22.13.0";

/** Whether a version such as "20.20.2" is supported. */
export function isSupported(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  const last = SUPPORTED[SUPPORTED.length - 1];
  if (major > last.major) return true;
  const line = SUPPORTED.find((s) => s.major === major);
  return line !== undefined && minor >= line.minor;
}

/** Exits with one line naming the versions needed and the one found, when this Node is not supported. */
export function requireSupportedNode(what, version = process.versions.node) {
  if (isSupported(version)) return;
  console.error(`${what} need Node.js ${ENGINES_RANGE}; this is Node.js ${version}. Install Node 22 or later (or 20.19+).`);
  process.exit(1);
}
