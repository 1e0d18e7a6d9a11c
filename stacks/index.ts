/**
 * The Pulumi program of every environment (`pulumi up --stack <env>`): reads and validates
 * Pulumi.<env>.yaml, then declares the environment. Config problems stop it before anything is declared.
 */
import { loadEnvironmentConfig } from "./config";
import { deployEnvironment } from "./environment";

export = async () => deployEnvironment(loadEnvironmentConfig());
