/**
 * Image references of a service: every release addressable in the registry (a tag other than
 * "latest", or a digest), and the canary's image derived from the stable one. Pure functions.
 */
import type * as pulumi from "@pulumi/pulumi";

/** "repo:tag" or "repo@sha256:..." for a repository and a version (tag or digest). */
export function imageReference(repository: string, version: string): string {
  return version.startsWith("sha256:") ? `${repository}@${version}` : `${repository}:${version}`;
}

/** The repository part of an image reference ("registry/ns/app" from "registry/ns/app:1.2"). */
export function imageRepository(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(0, at);
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > lastSlash ? image.slice(0, colon) : image;
}

/**
 * What is wrong with an image reference given as a string, read after its key ("has no tag: ...");
 * nothing for a computed one or a pinned one.
 */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "string") return undefined;
  if (image.includes("@sha256:")) return undefined;
  const repository = imageRepository(image);
  if (repository === image) return `'${image}' has no tag: pin a version such as '${image}:1.4.2' or a digest`;
  if (image.endsWith(":latest")) return `'${image}' uses 'latest': pin a version so every release can be rolled back to`;
  return undefined;
}

/** The canary's image: given, or the stable repository at the canary's version. */
export function canaryImage(stable: pulumi.Input<string>, canary: { readonly version: string; readonly image?: pulumi.Input<string> }) {
  if (canary.image !== undefined) return canary.image;
  if (typeof stable !== "string") throw new Error("canary.image is required when the stable image is computed");
  return imageReference(imageRepository(stable), canary.version);
}
