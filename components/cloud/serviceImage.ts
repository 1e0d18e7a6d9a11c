/**
 * The image of a service built from source in this repository: built with Docker, pushed to the
 * environment's registry and referred to by digest, so that what runs is exactly what was built;
 * or, on a laptop, built into the local Docker daemon and referred to by tag.
 */
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { digestOf, registryHostOf } from "./registryPlan";

export const SERVICE_IMAGE_TYPE = "ack-platform:cloud:ServiceImage";

export interface ServiceImageArgs {
  /** Build context: a directory relative to the project directory (where `pulumi up` runs), e.g. "services/hello". */
  readonly context: string;
  /**
   * Dockerfile, relative to the context.
   * @default "Dockerfile"
   */
  readonly dockerfile?: string;
  /**
   * Repository to tag (and push) the image as: "<registry host>/<namespace>/<name>", or
   * "<namespace>/<name>" for an image that stays in the local daemon.
   */
  readonly repository: pulumi.Input<string>;
  /** The tag: the service's version. "latest" is refused: every release must stay addressable. */
  readonly tag: string;
  /**
   * The same repository as the nodes reach it, when they pull from another domain than the push
   * goes to (an ACR instance's VPC domain).
   * @default repository
   */
  readonly pullRepository?: pulumi.Input<string>;
  /**
   * Push the image. Without a push there is no digest, and the image is referred to by tag.
   * @default true
   */
  readonly push?: boolean;
  /**
   * Credentials for the push; without them Docker's own login (`docker login`) is used.
   * @default none
   */
  readonly credentials?: pulumi.Input<{ readonly username: string; readonly password: string }>;
  /**
   * Platform to build for; ACK's default node images are x86.
   * @default "linux/amd64"
   */
  readonly platform?: string;
  /** Build arguments (e.g. a base image mirror). */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

export type ResolvedServiceImageArgs = Omit<Required<ServiceImageArgs>, "credentials" | "pullRepository"> &
  Pick<ServiceImageArgs, "credentials" | "pullRepository">;

/** Applies the documented defaults. */
export function serviceImageDefaults(args: ServiceImageArgs): ResolvedServiceImageArgs {
  return {
    ...args,
    dockerfile: args.dockerfile ?? "Dockerfile",
    push: args.push ?? true,
    platform: args.platform ?? "linux/amd64",
    buildArgs: { ...args.buildArgs },
  };
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?$/;

/** A path inside the project: relative, and not climbing out of it. */
function isProjectPath(p: string): boolean {
  return p !== "" && !path.isAbsolute(p) && !path.posix.normalize(p).split("/").includes("..");
}

/** Validates the args (defaults applied); throws naming the field, the value and what is accepted. */
export function validateServiceImageArgs(args: ResolvedServiceImageArgs): void {
  const fail = (field: string, message: string): never => {
    throw new Error(`ServiceImage ${field}: ${message}`);
  };
  if (!isProjectPath(args.context)) fail("context", `'${args.context}' is not a directory inside the project, such as 'services/hello'`);
  if (!isProjectPath(args.dockerfile)) fail("dockerfile", `'${args.dockerfile}' is not a path inside the context, such as 'Dockerfile'`);
  if (args.tag === "latest") fail("tag", "'latest' is not accepted: pin a version such as '1.4.2', so every release can be rolled back to");
  if (!TAG.test(args.tag)) fail("tag", `'${args.tag}' is not an image tag such as '1.4.2'`);
  if (!/^[a-z0-9]+\/[a-z0-9]+$/.test(args.platform)) fail("platform", `'${args.platform}' is not a platform such as 'linux/amd64'`);
  if (typeof args.repository === "string") {
    if (!REPOSITORY.test(args.repository) || !args.repository.includes("/")) {
      fail("repository", `'${args.repository}' is not a repository such as 'registry.example.com/acme/hello' or 'local/hello'`);
    }
    if (args.push && registryHostOf(args.repository) === "") {
      fail("repository", `'${args.repository}' names no registry host to push to; give '<host>/<namespace>/<name>', or set push to false`);
    }
  }
}

export class ServiceImage extends pulumi.ComponentResource {
  /**
   * What a workload runs: "<pull repository>@sha256:..." for a pushed image, "<repository>:<tag>"
   * for one left in the local daemon.
   */
  readonly imageRef: pulumi.Output<string>;
  /** "<repository>:<tag>". */
  readonly imageName: pulumi.Output<string>;
  readonly image: docker.Image;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = serviceImageDefaults(args);
    validateServiceImageArgs(a);
    super(SERVICE_IMAGE_TYPE, name, {}, opts);

    const repository = pulumi.output(a.repository);
    const credentials = a.credentials === undefined ? undefined : pulumi.output(a.credentials);
    this.image = new docker.Image(
      `${name}-image`,
      {
        imageName: pulumi.interpolate`${repository}:${a.tag}`,
        build: {
          context: a.context,
          // The provider reads a relative Dockerfile path from the working directory, not the context.
          dockerfile: path.posix.join(a.context, a.dockerfile),
          platform: a.platform,
          ...(Object.keys(a.buildArgs).length > 0 ? { args: a.buildArgs } : {}),
        },
        skipPush: !a.push,
        ...(a.push && credentials
          ? {
              registry: {
                server: repository.apply(registryHostOf),
                username: credentials.apply((c) => c.username),
                password: pulumi.secret(credentials.apply((c) => c.password)),
              },
            }
          : {}),
      },
      { parent: this },
    );

    this.imageName = this.image.imageName;
    this.imageRef = a.push
      ? pulumi
          .all([pulumi.output(a.pullRepository ?? a.repository), this.image.repoDigest])
          .apply(([pullRepo, repoDigest]) => `${pullRepo}@${digestOf(repoDigest)}`)
      : this.image.imageName;
    this.registerOutputs({ imageRef: this.imageRef, imageName: this.imageName });
  }
}
