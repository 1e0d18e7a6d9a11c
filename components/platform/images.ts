/**
 * Image references and where a registry mirror holds them. In mainland regions docker.io, quay.io,
 * registry.k8s.io and the vendors' registries do not pull reliably, so an environment names a mirror
 * (its own ACR Enterprise instance): every add-on image is then pulled from
 * `<mirror>/<namespace>/<repository>:<tag>`, the only shape of path ACR Enterprise holds.
 *
 * The one rule from an upstream reference to its place in the mirror, used both for what fills the
 * mirror and for what charts and workloads pull:
 * - `org/name` (two segments) keeps its path: `quay.io/prometheus/prometheus` -> `prometheus/prometheus`.
 *   This is also the path the charts compose when only their registry is replaced (Envoy Gateway's,
 *   cert-manager's and kube-prometheus-stack's `imageRegistry`, ECK's `containerRegistry`).
 * - `name` (one segment) goes to a namespace named after its registry:
 *   `registry.k8s.io/kubectl` -> `k8s/kubectl`, `docker.io/busybox` -> `library/busybox`.
 * - `org/a/b` (three and more) keeps its first segment as the namespace and joins the rest with '-':
 *   `ghcr.io/fluent/helm-charts/fluent-bit` -> `fluent/helm-charts-fluent-bit`.
 * A '.' in a namespace (which ACR refuses there) becomes '-'.
 */

/** A registry host, with an optional port: what a mirror is (no path: the mirror's paths are `<namespace>/<repository>`). */
export const REGISTRY_HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/;

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

/**
 * The namespace of images whose path has one segment, by the registry they come from. Docker Hub's
 * official images already read `library/<name>`; a registry not listed here gets its host's labels
 * without the top-level domain, joined by '-' ("cr.fluentbit.io" -> "cr-fluentbit").
 */
export const HOST_NAMESPACES: Readonly<Record<string, string>> = {
  "docker.io": "library",
  "registry.k8s.io": "k8s",
  "k8s.gcr.io": "k8s",
  "gcr.io": "gcr",
  "ghcr.io": "ghcr",
  "quay.io": "quay",
  "mcr.microsoft.com": "mcr",
  "public.ecr.aws": "ecr-public",
};

function hostNamespace(host: string): string {
  const known = HOST_NAMESPACES[host];
  if (known) return known;
  const labels = host.replace(/:\d+$/, "").split(".");
  return (labels.length > 1 ? labels.slice(0, -1) : labels).join("-");
}

/** Where a repository ("registry.k8s.io/kubectl", with or without its host) is held in a mirror. */
export function mirrorPath(repositoryWithHost: string): { readonly namespace: string; readonly repository: string } {
  const { registry, repository } = parseImage(`${repositoryWithHost}:mirror`);
  const segments = repository.split("/");
  if (segments.length === 1) return { namespace: hostNamespace(registry), repository: segments[0]! };
  return { namespace: segments[0]!.replace(/\./g, "-"), repository: segments.slice(1).join("-") };
}

/** The image to pull: the original, or its place in the mirror (`<mirror>/<namespace>/<repository>:<tag>`). */
export function mirroredImage(image: string, mirror?: string): string {
  if (!mirror) return image;
  const ref = parseImage(image);
  const path = mirrorPath(`${ref.registry}/${ref.repository}`);
  const separator = ref.tag.startsWith("sha256:") ? "@" : ":";
  return `${mirror}/${path.namespace}/${path.repository}${separator}${ref.tag}`;
}

/** The registry a chart should pull from, for charts that take a registry and keep the repository. */
export function mirroredRegistry(registry: string, mirror?: string): string {
  return mirror ?? registry;
}

/** A repository with its registry ("cr.fluentbit.io/fluent/fluent-bit"), moved under the mirror, for charts that take the tag apart. */
export function mirroredRepository(repository: string, mirror?: string): string {
  if (!mirror) return repository;
  const path = mirrorPath(repository);
  return `${mirror}/${path.namespace}/${path.repository}`;
}

/** The repository with its host ("docker.elastic.co/eck/eck-operator" of "docker.elastic.co/eck/eck-operator:3.5.0"). */
export function repositoryOf(image: string): string {
  const ref = parseImage(image);
  return `${ref.registry}/${ref.repository}`;
}

/** The tag of an image reference ("v1.9.2" of "docker.io/envoyproxy/gateway:v1.9.2"). */
export function imageTag(image: string): string {
  return parseImage(image).tag;
}
