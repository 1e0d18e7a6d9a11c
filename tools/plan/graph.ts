/**
 * A Mermaid picture of a plan's component tree. Components are drawn one by one; their plain
 * resources are drawn as one box per kind with a count; and where a parent has many components of
 * one type (hundreds of services), those are drawn as one box too, so the picture stays readable.
 */
import type { PlannedResource } from "./engine";

/** Above this many sibling components of one type, they are drawn as one box. */
const COLLAPSE_AT = 6;

/** "Deployment" from "kubernetes:apps/v1:Deployment"; "Release" from the Helm release type. */
export function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

function isComponent(r: PlannedResource): boolean {
  return !r.custom && r.type !== "pulumi:pulumi:Stack";
}

function escape(label: string): string {
  return label.replace(/"/g, "#quot;").replace(/[<>]/g, "");
}

/** Renders the Mermaid flowchart (without the surrounding markdown fence). */
export function renderGraph(stackLabel: string, resources: readonly PlannedResource[]): string {
  const children = new Map<string, PlannedResource[]>();
  const rootUrn = "(stack)";
  for (const r of resources) {
    const parent = r.parent && !r.parent.includes("::pulumi:pulumi:Stack::") ? r.parent : rootUrn;
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const lines = ["flowchart LR"];
  let next = 0;
  const node = (label: string, shape: "component" | "leaf" | "group") => {
    const id = `n${next++}`;
    const text = escape(label);
    lines.push(shape === "leaf" ? `  ${id}["${text}"]` : shape === "group" ? `  ${id}[["${text}"]]` : `  ${id}("${text}")`);
    return id;
  };

  /** Counts the plain resources below a set of components, by kind. */
  const descendantKinds = (roots: readonly PlannedResource[]) => {
    const counts = new Map<string, number>();
    const stack = [...roots];
    while (stack.length) {
      const r = stack.pop()!;
      for (const child of children.get(r.urn) ?? []) {
        if (isComponent(child)) stack.push(child);
        else counts.set(kindOf(child.type), (counts.get(kindOf(child.type)) ?? 0) + 1);
      }
    }
    return counts;
  };

  const leaves = (parentId: string, items: readonly PlannedResource[]) => {
    const byKind = new Map<string, PlannedResource[]>();
    for (const r of items) byKind.set(kindOf(r.type), [...(byKind.get(kindOf(r.type)) ?? []), r]);
    for (const [kind, list] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      const label = list.length === 1 ? `${kind}: ${list[0]!.name}` : `${kind} ×${list.length}`;
      lines.push(`  ${parentId} --> ${node(label, "leaf")}`);
    }
  };

  const visit = (parentId: string, urn: string) => {
    const kids = children.get(urn) ?? [];
    const components = kids.filter(isComponent);
    const byType = new Map<string, PlannedResource[]>();
    for (const c of components) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
    for (const [type, list] of byType) {
      if (list.length > COLLAPSE_AT) {
        const names = list
          .slice(0, 3)
          .map((c) => c.name)
          .join(", ");
        const id = node(`${kindOf(type)} ×${list.length} (${names}, …)`, "group");
        lines.push(`  ${parentId} --> ${id}`);
        for (const [kind, count] of [...descendantKinds(list)].sort(([a], [b]) => a.localeCompare(b))) {
          lines.push(`  ${id} --> ${node(`${kind} ×${count}`, "leaf")}`);
        }
      } else {
        for (const c of list) {
          const id = node(`${c.name}: ${kindOf(type)}`, "component");
          lines.push(`  ${parentId} --> ${id}`);
          visit(id, c.urn);
        }
      }
    }
    leaves(
      parentId,
      kids.filter((k) => !isComponent(k)),
    );
  };

  const root = node(stackLabel, "component");
  visit(root, rootUrn);
  return lines.join("\n");
}
