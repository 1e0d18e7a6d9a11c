import { createHash } from "node:crypto";

/** What the mock runtime hands a provider emulator for one resource. */
export interface ResourceRequest {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
  /** Set for `.get()` reads and StackReferences. */
  readonly id?: string;
}

/** What the emulator answers: the id and the state (inputs echoed, plus the outputs a provider computes). */
export interface ResourceResponse {
  readonly id: string;
  readonly state: Record<string, any>;
}

/** What the plan needs from outside the program: another stack's outputs, for StackReferences. */
export interface EmulatorContext {
  readonly project: string;
  readonly stack: string;
  /** Outputs of the stack a StackReference names ("org/project/stack"), or undefined if unknown. */
  stackOutputs(name: string): Record<string, unknown> | undefined;
  /**
   * What people have put into registries outside the program: tags by ACR instance name, then by
   * "<namespace>/<repository>". Unset, the plan assumes that what a program asks people to copy or
   * push is there (and says so through `assume`).
   */
  readonly registryContents?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Notes an assumption about the world outside the program, for the plan's report. */
  assume?(note: string): void;
}

export type ResourceEmulator = (req: ResourceRequest, ctx: EmulatorContext) => ResourceResponse | undefined;
export type InvokeEmulator = (inputs: Record<string, any>, ctx: EmulatorContext) => Record<string, any>;

/** A provider emulator: resources by type token prefix, invokes by exact token. */
export interface ProviderEmulator {
  /** Type-token package prefix, e.g. "alicloud:". */
  readonly prefix: string;
  readonly resource: ResourceEmulator;
  readonly invokes: Readonly<Record<string, InvokeEmulator>>;
  /**
   * Invokes whose answer depends on what the program registers beside them: answered once the turn
   * in which they were asked has ended, so that what resolved in that turn has reached the emulator.
   */
  readonly answeredAfterTurn?: ReadonlySet<string>;
}

/** Stable, well-formed ids: the same resource gets the same id on every plan, so plans can be diffed. */
export function stableId(prefix: string, ...parts: string[]): string {
  return prefix + createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 20);
}

/** A stable private address inside 10.0.0.0/8 (or another /8), derived from a seed. */
export function stableIp(seed: string, firstOctet = 10): string {
  const h = createHash("sha256").update(seed).digest();
  return `${firstOctet}.${h[0]}.${h[1]}.${(h[2]! % 253) + 1}`;
}
