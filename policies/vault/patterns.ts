/**
 * Vault ACL path patterns as sets of concrete request paths, and whether
 * two such sets meet (with a concrete path in both as the witness). Pure.
 *
 * A policy path (hashicorp/vault vault/policy.go `parsePaths`, vault/acl.go
 * `CheckAllowedFromNonExactPaths`/`segmentMatch`) stands for:
 * - one leading `/` removed; a request path never starts with `/` (all
 *   leading slashes are stripped), so a path still starting with `/` after
 *   that matches nothing;
 * - a segment that is exactly `+`: any one non-empty segment (the first
 *   included; Vault's matcher would also take an empty one, but no endpoint
 *   this module is asked about has an empty segment, and Vault 2.0 refuses
 *   such uncleaned request paths);
 * - a trailing `*`: any continuation, also inside the last segment;
 * - an identity template `{{...}}`: worst case, ANY string. Vault
 *   substitutes the value verbatim (sdk/helper/identitytpl/templating.go
 *   `aclTemplateHandler`): a value may contain `/` (CVE-2026-5006) and, in
 *   releases before 2.0.1 / 1.21.6 / 1.20.11 / 1.19.17, `+` or `*`, which
 *   then become wildcards of the resolved path. A `+` next to a template can
 *   therefore become a whole segment after substitution: it is treated as a
 *   segment wildcard too. Every one of these is covered by "any string".
 *
 * Vault Enterprise namespaces: a request for `ns1/sys/policies/acl/x` in the
 * root namespace is a request for namespace `ns1`'s `sys/policies/acl/x`
 * (and so on for nested namespaces), and a root-namespace policy path that
 * matches it grants it. `reach` therefore also tries every sensitive
 * pattern behind a namespace prefix, unless the policy path's first segment
 * is a literal known to be a mount (a mount and a namespace cannot share a
 * path) or a name Vault reserves (`sys`, `auth`, ...).
 *
 * Internally a pattern is a sequence of single characters (a literal, any
 * character but `/`, any character) and loops over such a class; two
 * sequences meet when the product automaton reaches both ends, found by a
 * breadth-first search whose path spells the witness.
 */

/** A character class: one literal character, any but `/`, or any. */
type Cls = { readonly lit: string } | "seg" | "any";

interface Item {
  readonly cls: Cls;
  /** Zero or more of `cls` (a loop) instead of exactly one. */
  readonly star: boolean;
}

type Seq = readonly Item[];

const lit = (s: string): Item[] => [...s].map((ch) => ({ cls: { lit: ch }, star: false }));
const loop = (cls: "seg" | "any"): Item => ({ cls, star: true });
const one = (cls: "seg" | "any"): Item => ({ cls, star: false });

/** The character two classes share (a readable one), or undefined. */
function meet(a: Cls, b: Cls): string | undefined {
  if (typeof a === "object" && typeof b === "object") return a.lit === b.lit ? a.lit : undefined;
  if (typeof a === "object") return b === "seg" && a.lit === "/" ? undefined : a.lit;
  if (typeof b === "object") return a === "seg" && b.lit === "/" ? undefined : b.lit;
  return "x";
}

const TEMPLATE = /\{\{[^}]*\}\}/g;

/**
 * A policy path (as written) as a pattern sequence: one leading `/` dropped,
 * templates as "any string", whole-segment `+` as one segment, a trailing `*`
 * as any continuation.
 */
export function policyPathSeq(path: string): Seq {
  const p = path.startsWith("/") ? path.slice(1) : path;
  // Split into template and text pieces; a template is "any string".
  const pieces: Array<{ text: string } | { template: true }> = [];
  let at = 0;
  for (const m of p.matchAll(TEMPLATE)) {
    if (m.index! > at) pieces.push({ text: p.slice(at, m.index) });
    pieces.push({ template: true });
    at = m.index! + m[0].length;
  }
  if (at < p.length) pieces.push({ text: p.slice(at) });
  const out: Item[] = [];
  pieces.forEach((piece, i) => {
    if (!("text" in piece)) {
      out.push(loop("any"));
      return;
    }
    const last = i === pieces.length - 1;
    let text = piece.text;
    const prefix = last && text.endsWith("*");
    if (prefix) text = text.slice(0, -1);
    const segs = text.split("/");
    segs.forEach((s, k) => {
      if (k > 0) out.push(...lit("/"));
      // `+` bounded by `/`, the path's ends or a template (whose value may end or start with `/`) is a segment wildcard.
      const leftOpen = k > 0 || i === 0 || !("text" in pieces[i - 1]);
      const rightOpen = k < segs.length - 1 || (last ? !prefix : true);
      if (s === "+" && leftOpen && rightOpen) out.push(one("seg"), loop("seg"));
      else out.push(...lit(s));
    });
    if (prefix) out.push(loop("any"));
  });
  return out;
}

/**
 * A sensitive-space pattern (this module's own notation) as a sequence:
 * literal text, `+` = one non-empty segment, `**` = one or more segments
 * (any non-empty string), a trailing `*` = any continuation.
 */
export function sensitiveSeq(pattern: string): Seq {
  const prefix = pattern.endsWith("*") && !pattern.endsWith("**");
  const body = prefix ? pattern.slice(0, -1) : pattern;
  const out: Item[] = [];
  body.split("/").forEach((s, k) => {
    if (k > 0) out.push(...lit("/"));
    if (s === "+") out.push(one("seg"), loop("seg"));
    else if (s === "**") out.push(loop("any"), one("seg")); // ends in a non-empty segment
    else out.push(...lit(s));
  });
  if (prefix) out.push(loop("any"));
  return out;
}

/** One or more namespace segments and their `/`, before a sensitive path. */
const NAMESPACE_PREFIX: Seq = [one("seg"), loop("any"), ...lit("/")];

/** A concrete path in both sequences (the shortest found), or undefined when they share none. */
export function meetSeq(a: Seq, b: Seq): string | undefined {
  // Fast refusal: the literal heads of both sequences must agree.
  for (let i = 0; i < a.length && i < b.length && !a[i].star && !b[i].star && typeof a[i].cls === "object" && typeof b[i].cls === "object"; i++) {
    if ((a[i].cls as { lit: string }).lit !== (b[i].cls as { lit: string }).lit) return undefined;
  }
  const key = (i: number, j: number) => i * (b.length + 1) + j;
  const parent = new Map<number, { from: number; ch: string } | null>();
  const queue: Array<[number, number]> = [];
  const visit = (i: number, j: number, from: { from: number; ch: string } | null) => {
    const k = key(i, j);
    if (parent.has(k)) return;
    parent.set(k, from);
    queue.push([i, j]);
  };
  visit(0, 0, null);
  for (let q = 0; q < queue.length; q++) {
    const [i, j] = queue[q];
    const here = key(i, j);
    if (i === a.length && j === b.length) {
      let s = "";
      for (let k: number | undefined = here; k !== undefined; ) {
        const p = parent.get(k);
        if (!p) break;
        s = p.ch + s;
        k = p.from;
      }
      return s;
    }
    // Skip a loop (it matched zero characters): the same string, so the same witness so far.
    if (i < a.length && a[i].star) {
      const k = key(i + 1, j);
      if (!parent.has(k)) {
        parent.set(k, parent.get(here)!);
        queue.push([i + 1, j]);
      }
    }
    if (j < b.length && b[j].star) {
      const k = key(i, j + 1);
      if (!parent.has(k)) {
        parent.set(k, parent.get(here)!);
        queue.push([i, j + 1]);
      }
    }
    if (i < a.length && j < b.length) {
      const ch = meet(a[i].cls, b[j].cls);
      if (ch === undefined) continue;
      const ni = a[i].star ? i : i + 1;
      const nj = b[j].star ? j : j + 1;
      if (ni !== i || nj !== j) visit(ni, nj, { from: here, ch });
      // Both loops: consuming keeps the state; leaving either is handled by the skips above.
    }
  }
  return undefined;
}

/** Names Vault Enterprise refuses as namespace names, and the roots of Vault's own backends. */
const NOT_NAMESPACES: readonly string[] = ["root", "sys", "audit", "auth", "cubbyhole", "identity"];

export interface ReachOptions {
  /** First segments known to be mounts (so not namespaces). */
  readonly mounts?: ReadonlySet<string>;
  /** Consider Vault Enterprise namespace prefixes (default true). */
  readonly namespaces?: boolean;
}

/** Whether `path` (a policy path) can address another namespace: its first segment may be a namespace name. */
export function mayAddressNamespace(path: string, mounts: ReadonlySet<string> = new Set()): boolean {
  const p = path.startsWith("/") ? path.slice(1) : path;
  const first = p.split("/")[0];
  const literal = !/[*{}]/.test(first) && first !== "+" && p.includes("/");
  if (!literal) return true;
  return !NOT_NAMESPACES.includes(first) && !mounts.has(first);
}

/**
 * A concrete path both a policy path and a sensitive pattern match, or
 * undefined; `viaNamespace` looks only behind a namespace prefix (see the
 * module comment), and finds nothing when the policy path cannot address
 * another namespace.
 */
export function policyMeetsSensitive(policyPath: string, sensitivePattern: string, options: ReachOptions = {}, viaNamespace = false): string | undefined {
  const a = policyPathSeq(policyPath);
  const b = sensitiveSeq(sensitivePattern);
  if (!viaNamespace) return meetSeq(a, b);
  if (options.namespaces === false || !mayAddressNamespace(policyPath, options.mounts)) return undefined;
  return meetSeq(a, [...NAMESPACE_PREFIX, ...b]);
}

/** A concrete path two policy paths both match (one naming a key rather than a folder when both allow it), or undefined. */
export function policyPathsMeet(a: string, b: string): string | undefined {
  const [sa, sb] = [policyPathSeq(a), policyPathSeq(b)];
  const w = meetSeq(sa, sb);
  if (w === undefined || !(w === "" || w.endsWith("/"))) return w;
  const key = lit(`${w}w`);
  return meetSeq(sa, key) !== undefined && meetSeq(sb, key) !== undefined ? `${w}w` : w;
}

/** Whether `concrete` (a request path, leading slashes stripped) is matched by `pattern` (sensitive notation). */
export function sensitiveMatches(pattern: string, concrete: string): boolean {
  return meetSeq(sensitiveSeq(pattern), lit(concrete.replace(/^\/+/, ""))) !== undefined;
}
