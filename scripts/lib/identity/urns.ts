/**
 * Resource URNs and the URNs a resource's `aliases` stand for, as Pulumi computes them. Pure.
 *
 * - A URN is `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, the qualified type
 *   being the parent's qualified type, `$`, and the resource's type; a resource parented on
 *   the stack (or on nothing) has its own type only (pulumi/pulumi sdk/nodejs/resource.ts
 *   `createUrn`; pkg/resource/urn.go `NewURN`).
 * - An alias is a URN, or a spec whose missing name/type/stack/project are the resource's own and
 *   whose parent is the given one, none (`noParent`), or the resource's parent (sdk/nodejs/resource.ts
 *   `collapseAliasToUrn`; the SDK sends the spec, proto `Alias.Spec`, and the engine collapses it the
 *   same way, pkg/resource/deploy/step_generator.go `collapseAliasToUrn`).
 * - A child also inherits every alias of its parent: for each parent alias P, the child's URN under
 *   P, and its own aliases under P; when the child's name starts with the parent's name, that
 *   prefix is replaced by P's name (sdk/nodejs/resource.ts `allAliases`, `inheritedChildAlias`;
 *   the engine's `generateAliases` multiplies out parent aliases alike). Aliases therefore compose
 *   down a re-parented tree: one alias on a new platform component covers all its descendants.
 */
import type { AliasSpec } from "../capture";

export interface UrnResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly aliases?: ReadonlyArray<string | AliasSpec>;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of a URN. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`not a URN: ${urn}`);
  const qualifiedType = m[3];
  return { stack: m[1], project: m[2], qualifiedType, type: qualifiedType.split("$").pop()!, name: m[4] };
}

/** sdk/nodejs/resource.ts createUrn: `parent` is a URN or undefined (the stack itself counts as no parent). */
export function createUrn(name: string, type: string, parent: string | undefined, project: string, stack: string): string {
  const p = parent ? parseUrn(parent) : undefined;
  const prefix = p && p.type !== ROOT_STACK_TYPE ? `${parent!.slice(0, parent!.lastIndexOf("::"))}$` : `urn:pulumi:${stack}::${project}::`;
  return `${prefix}${type}::${name}`;
}

function collapse(alias: string | AliasSpec, r: UrnResource): string {
  if (typeof alias === "string") return alias;
  const own = parseUrn(r.urn);
  const parent = alias.noParent ? undefined : (alias.parentUrn ?? r.parent);
  return createUrn(alias.name ?? r.name, alias.type ?? r.type, parent, alias.project ?? own.project, alias.stack ?? own.stack);
}

function inheritedChildAlias(childName: string, parentName: string, parentAlias: string, childType: string): string {
  const aliasName = childName.startsWith(parentName) ? parseUrn(parentAlias).name + childName.slice(parentName.length) : childName;
  const p = parseUrn(parentAlias);
  return createUrn(aliasName, childType, parentAlias, p.project, p.stack);
}

/** Every URN each resource answers to besides its own (its aliases and its parents'), by URN. */
export function aliasUrns(resources: readonly UrnResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const of = (urn: string, seen: Set<string> = new Set()): Set<string> => {
    const cached = memo.get(urn);
    if (cached) return cached;
    const r = byUrn.get(urn);
    const out = new Set<string>();
    if (!r || seen.has(urn)) return out;
    seen.add(urn);
    const own = (r.aliases ?? []).map((a) => collapse(a, r));
    own.forEach((u) => out.add(u));
    if (r.parent && byUrn.has(r.parent)) {
      const parent = byUrn.get(r.parent)!;
      for (const pa of of(r.parent, seen)) {
        out.add(inheritedChildAlias(r.name, parent.name, pa, r.type));
        for (const u of own) {
          const a = parseUrn(u);
          out.add(inheritedChildAlias(a.name, parent.name, pa, a.type));
        }
      }
    }
    out.delete(urn);
    memo.set(urn, out);
    return out;
  };
  for (const r of resources) of(r.urn);
  return memo;
}
