/**
 * The platform layer of an environment: the add-ons every service relies on (gateway, logging,
 * monitoring). Each is declared only when the environment enables it.
 */
import type { EnvironmentConfig } from "../config";
import type { CloudLayer, PlatformLayer } from "./types";

export function deployPlatform(_env: EnvironmentConfig, _cloud: CloudLayer): PlatformLayer {
  return { ready: [], outputs: {} };
}
