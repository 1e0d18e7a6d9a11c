/**
 * Preloaded into every Node.js process of a measured command (NODE_OPTIONS=--import): appends the
 * process's peak resident memory (KiB) to the file named by BENCH_PEAK_FILE when it exits. Node has
 * no way to read a child's peak memory, and this costs the measured process nothing until it exits.
 */
import * as fs from "node:fs";

const file = process.env.BENCH_PEAK_FILE;
if (file) process.on("exit", () => fs.appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS}\n`));
