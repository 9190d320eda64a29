/**
 * Vault's identity templating of policy paths, as hashicorp/vault
 * `sdk/helper/identitytpl/templating.go` (`PopulateString`,
 * `performTemplating`, ACL mode) does it; no code copied. Pure.
 *
 * - Syntax (checked when a policy is written, `ValidityCheckOnly`): text is
 *   split at `{{`; the text before the first `{{` may not contain `}}`, and
 *   every later piece must contain `}}` exactly once.
 * - Each `{{ expr }}` (trimmed) resolves for the token's entity and groups;
 *   when one cannot be resolved the whole path is dropped from the policy
 *   (vault/policy.go `parsePaths`: `continue`), and so is a path whose
 *   resolved value contains `*` or `+` (`ErrTemplatedWildcard`).
 * - Empty strings (an entity without a name, an alias without an id) count
 *   as not found; a metadata key that exists with an empty value resolves to
 *   the empty string, as Vault's map lookup does.
 */

export interface TemplateAlias {
  readonly id?: string;
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly customMetadata?: Readonly<Record<string, string>>;
}

export interface TemplateGroup {
  readonly id: string;
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** What templated paths can be resolved against: the token's entity (aliases keyed by auth mount accessor), its groups, the time. */
export interface IdentityContext {
  readonly entity?: {
    readonly id?: string;
    readonly name?: string;
    readonly metadata?: Readonly<Record<string, string>>;
    readonly aliases?: Readonly<Record<string, TemplateAlias>>;
  };
  /** The groups the entity is a member of (directly or inherited), in this namespace. */
  readonly groups?: readonly TemplateGroup[];
  /** Unix seconds for `{{time.now}}`; the current time when absent. */
  readonly now?: number;
}

/** Why `s` is not valid template syntax (unbalanced `{{`/`}}`), or undefined. */
export function templateSyntaxProblem(s: string): string | undefined {
  const pieces = s.split("{{");
  if (pieces[0].includes("}}")) return "unbalanced templating characters";
  for (const piece of pieces.slice(1)) if (piece.split("}}").length !== 2) return "unbalanced templating characters";
  return undefined;
}

export const hasTemplate = (s: string): boolean => templateSyntaxProblem(s) === undefined && s.includes("{{");

/** A Go-style duration as seconds (go-secure-stdlib parseutil `ParseDurationSecond`): integer seconds, `<n>d`, or `1h30m`-style. */
export function parseDurationSeconds(v: unknown): number | undefined {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  if (v === "") return 0;
  if (/^[+-]?\d+$/.test(v)) return Number(v);
  if (v.endsWith("d")) return /^[+-]?\d+d$/.test(v) ? Number(v.slice(0, -1)) * 86400 : undefined;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(v);
  if (!m) return v === "0" ? 0 : undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const part of v.replace(/^[+-]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * unit[part[2]];
  return m[1] === "-" ? -total : total;
}

const nonEmpty = (s: string | undefined) => (s === undefined || s === "" ? undefined : s);

function fromMap(map: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return map !== undefined && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** One trimmed expression's value, or undefined when Vault would fail to resolve it. */
export function templateValue(expr: string, identity: IdentityContext): string | undefined {
  if (expr.startsWith("identity.entity.")) {
    const e = identity.entity;
    if (!e) return undefined;
    const rest = expr.slice("identity.entity.".length);
    if (rest === "id") return nonEmpty(e.id);
    if (rest === "name") return nonEmpty(e.name);
    if (rest.startsWith("metadata.")) return fromMap(e.metadata, rest.slice("metadata.".length));
    if (rest.startsWith("aliases.")) {
      const sel = rest.slice("aliases.".length);
      const dot = sel.indexOf(".");
      if (dot < 0) return undefined;
      const alias = e.aliases?.[sel.slice(0, dot)];
      if (!alias) return undefined;
      const field = sel.slice(dot + 1);
      if (field === "id") return nonEmpty(alias.id);
      if (field === "name") return nonEmpty(alias.name);
      if (field.startsWith("metadata.")) return fromMap(alias.metadata, field.slice("metadata.".length));
      if (field.startsWith("custom_metadata.")) return fromMap(alias.customMetadata, field.slice("custom_metadata.".length));
      return undefined; // `metadata`, `custom_metadata` as a whole: maps are refused in ACL mode
    }
    return undefined; // `metadata`, `groups.names`, `groups.ids`: maps and lists are refused in ACL mode
  }
  if (expr.startsWith("identity.groups.")) {
    const groups = identity.groups ?? [];
    if (groups.length === 0) return undefined;
    const m = /^(ids|names)\.([^.]*)\.(.*)$/s.exec(expr.slice("identity.groups.".length));
    if (!m) return undefined;
    const group = groups.find((g) => (m[1] === "ids" ? g.id : g.name) === m[2]);
    if (!group) return undefined;
    if (m[3] === "id") return group.id;
    if (m[3] === "name") return nonEmpty(group.name);
    if (m[3].startsWith("metadata.")) return fromMap(group.metadata, m[3].slice("metadata.".length));
    return undefined;
  }
  if (expr.startsWith("time.")) {
    const ops = expr.slice("time.".length).split(".");
    const head = ops.slice(0, 2);
    const operand = ops.slice(2).join(".");
    if (head[0] !== "now") return undefined;
    const now = identity.now ?? Math.floor(Date.now() / 1000);
    if (ops.length === 1) return String(now);
    if (ops.length === 2) return undefined; // missing time operand
    const d = parseDurationSeconds(operand);
    if (d === undefined) return undefined;
    if (head[1] === "plus") return String(Math.floor(now + d));
    if (head[1] === "minus") return String(Math.floor(now - d));
    return undefined;
  }
  return undefined;
}

/**
 * Resolves every `{{...}}` in `path` for `identity`. `undefined` when Vault
 * drops the path: unbalanced braces, an expression it cannot resolve, or a
 * value containing `*` or `+`.
 */
export function resolveTemplates(path: string, identity: IdentityContext = {}): string | undefined {
  if (templateSyntaxProblem(path)) return undefined;
  const pieces = path.split("{{");
  let out = pieces[0];
  for (const piece of pieces.slice(1)) {
    const [expr, tail] = piece.split("}}");
    const v = templateValue(expr.trim(), identity);
    if (v === undefined || /[*+]/.test(v)) return undefined;
    out += v + tail;
  }
  return out;
}
