/**
 * The plausible provider behind the offline plan and the tests: it answers every resource and every
 * invoke the program makes, the way the real providers would, without a cloud account.
 */
import type * as pulumi from "@pulumi/pulumi";
import { alicloudEmulator, registryMirrorEmulator } from "./alicloud";
import { dockerEmulator } from "./docker";
import { kubernetesEmulator } from "./kubernetes";
import { pulumiEmulator } from "./pulumi";
import { randomEmulator } from "./random";
import { tlsEmulator } from "./tls";
import type { EmulatorContext, ProviderEmulator } from "./types";
import { stableId } from "./types";

export type { EmulatorContext, ProviderEmulator } from "./types";

/** Every provider the platform uses. */
export const EMULATORS: readonly ProviderEmulator[] = [
  pulumiEmulator,
  kubernetesEmulator,
  alicloudEmulator,
  registryMirrorEmulator,
  dockerEmulator,
  randomEmulator,
  tlsEmulator,
];

/** Builds Pulumi `Mocks` from the emulators. An invoke that no emulator knows is an error, not a guess. */
export function createMocks(ctx: EmulatorContext, emulators: readonly ProviderEmulator[] = EMULATORS): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const req = {
        type: args.type,
        name: args.name,
        inputs: args.inputs,
        custom: args.custom ?? true,
        ...(args.id ? { id: args.id } : {}),
      };
      for (const emulator of emulators) {
        if (!args.type.startsWith(emulator.prefix)) continue;
        let res;
        try {
          res = emulator.resource(req, ctx);
        } catch (err) {
          throw Object.assign(err as Error, { details: (err as Error).message });
        }
        if (res) return res;
      }
      // Components and resources of providers with nothing to compute: inputs become state.
      return { id: args.custom === false ? "" : stableId("", args.type, args.name), state: { ...args.inputs } };
    },
    call(args) {
      for (const emulator of emulators) {
        const invoke = emulator.invokes[args.token];
        if (!invoke) continue;
        const answer = () => {
          try {
            return invoke(args.inputs, ctx);
          } catch (err) {
            throw Object.assign(err as Error, { details: (err as Error).message });
          }
        };
        if (!emulator.answeredAfterTurn?.has(args.token)) return answer();
        return new Promise((resolve, reject) =>
          setImmediate(() => {
            try {
              resolve(answer());
            } catch (err) {
              reject(err);
            }
          }),
        );
      }
      // The mock monitor passes `details` on as the error's message.
      const message = `the offline plan does not emulate the invoke '${args.token}'; add it to tools/plan/mocks`;
      throw Object.assign(new Error(message), { details: message });
    },
  };
}
