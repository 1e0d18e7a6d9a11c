/**
 * Image references and the registry mirror. In mainland regions docker.io, quay.io,
 * registry.k8s.io and the vendors' registries do not pull reliably, so an environment can name a
 * mirror (an ACR namespace, say): every add-on image is then expected at `<mirror>/<repository>`,
 * where the repository is the image's path without its registry host, e.g.
 * `quay.io/prometheus/prometheus` -> `registry.cn-hangzhou.aliyuncs.com/mirror/prometheus/prometheus`.
 */

export interface ImageReference {
  /** Registry host, e.g. "docker.io". */
  readonly registry: string;
  /** Path inside the registry, e.g. "envoyproxy/envoy". */
  readonly repository: string;
  /** Tag, or a digest "sha256:..." when the reference pins one. */
  readonly tag: string;
}

/** Splits "registry/repository:tag". The registry is the first segment when it looks like a host. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf("@");
  const colon = at >= 0 ? at : image.lastIndexOf(":");
  const slash = image.lastIndexOf("/");
  if (colon <= slash) throw new Error(`image '${image}' is not pinned: give a tag or a digest, e.g. 'docker.io/library/busybox:1.37'`);
  const name = image.slice(0, colon);
  const tag = image.slice(colon + 1);
  const first = name.split("/")[0]!;
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : "docker.io",
    repository: hasRegistry ? name.slice(first.length + 1) : name.includes("/") ? name : `library/${name}`,
    tag,
  };
}

/** The image to pull: the original, or its copy under the mirror. */
export function mirroredImage(image: string, mirror?: string): string {
  if (!mirror) return image;
  const ref = parseImage(image);
  const separator = ref.tag.startsWith("sha256:") ? "@" : ":";
  return `${mirror}/${ref.repository}${separator}${ref.tag}`;
}

/** The registry a chart should pull from, for charts that take a registry and keep the repository. */
export function mirroredRegistry(registry: string, mirror?: string): string {
  return mirror ?? registry;
}

/** A repository with its registry ("cr.fluentbit.io/fluent/fluent-bit"), moved under the mirror, for charts that take the tag apart. */
export function mirroredRepository(repository: string, mirror?: string): string {
  if (!mirror) return repository;
  return `${mirror}/${parseImage(`${repository}:untagged`).repository}`;
}
