/**
 * Reading registrations as they cross the wire (protobuf Struct as JSON): where the secrets and
 * unknowns are, and whether two runtimes registered the same graph. Pure; used by the engine-level
 * tests (test/engine/) to compare the real runtime under the stand-in engine with the mock engine.
 *
 * Sentinels: pulumi/pulumi sdk/nodejs/runtime/rpc.ts (`specialSigKey`, `specialSecretSig`,
 * `unknownValue`); a secret is `{ <sigKey>: <secretSig>, value }`, an unknown the bare string.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecretValue(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && !Array.isArray(v) && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Paths (`a.b[0]`) of every value `pick` selects; a secret is one value at its path (its inside is not walked). */
function walk(v: unknown, at: string, visit: (v: unknown, at: string) => boolean): void {
  if (visit(v, at)) return;
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, visit));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, visit);
}

/** Paths of the secret values in a wire object. */
export function secretPaths(obj: unknown): string[] {
  const out: string[] = [];
  walk(obj, "", (v, at) => (isSecretValue(v) ? (out.push(at), true) : false));
  return out;
}

/** Paths of the unknowns (a secret unknown counts, at the secret's path). */
export function unknownPaths(obj: unknown): string[] {
  const out: string[] = [];
  walk(obj, "", (v, at) => {
    if (v === UNKNOWN || (isSecretValue(v) && v.value === UNKNOWN)) {
      out.push(at);
      return true;
    }
    return false;
  });
  return out;
}

/**
 * Paths where one of `needles` appears in a string OUTSIDE any secret: a credential that leaked
 * into plain text (also as base64 of itself).
 */
export function plainTextOccurrences(obj: unknown, needles: readonly string[]): string[] {
  const forms = needles.flatMap((n) => [n, Buffer.from(n).toString("base64")]);
  const out: string[] = [];
  walk(obj, "", (v, at) => {
    if (isSecretValue(v)) return true;
    if (typeof v === "string" && forms.some((n) => v.includes(n))) out.push(at);
    return false;
  });
  return out;
}

/** What both runtimes report per registration. */
export interface WireResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom: boolean;
  readonly remote?: boolean;
  readonly provider?: string;
  readonly dependencies: readonly string[];
  readonly wire: Record<string, unknown>;
  readonly options: Readonly<Record<string, unknown>>;
}

const ROOT = /::pulumi:pulumi:Stack::/;

/**
 * Differences between what the mock engine saw (`expected`) and what the real runtime sent
 * (`actual`), keyed by type and name. The root stack (which only the real runtime registers) is
 * left out, and a parent that is the root stack counts as none (under mocks there is no stack
 * resource). With `preview`, an unknown in `actual` matches any value in `expected` (the providers'
 * outputs are unknown in a preview, and so is everything computed from them); everything else,
 * secrets included, must be identical.
 */
export function compareRegistrations(expected: readonly WireResource[], actual: readonly WireResource[], preview: boolean): string[] {
  const key = (r: WireResource) => `${r.type}::${r.name}`;
  const index = (rs: readonly WireResource[], side: string, out: string[]) => {
    const m = new Map<string, WireResource>();
    for (const r of rs) {
      if (r.type === "pulumi:pulumi:Stack") continue;
      if (m.has(key(r))) out.push(`${side}: ${key(r)} registered twice`);
      m.set(key(r), r);
    }
    return m;
  };
  const diffs: string[] = [];
  const exp = index(expected, "mock engine", diffs);
  const act = index(actual, "real runtime", diffs);
  for (const k of exp.keys()) if (!act.has(k)) diffs.push(`${k}: registered under the mock engine only`);
  for (const k of act.keys()) if (!exp.has(k)) diffs.push(`${k}: registered by the real runtime only`);
  const parentOf = (r: WireResource) => (r.parent && !ROOT.test(r.parent) ? r.parent : undefined);
  const deps = (r: WireResource) => r.dependencies.filter((d) => !ROOT.test(d));
  for (const [k, e] of exp) {
    const a = act.get(k);
    if (!a) continue;
    const same = (what: string, x: unknown, y: unknown) => {
      if (JSON.stringify(x) !== JSON.stringify(y)) diffs.push(`${k}: ${what} ${JSON.stringify(x)} under mocks, ${JSON.stringify(y)} for real`);
    };
    same("urn", e.urn, a.urn);
    same("parent", parentOf(e), parentOf(a));
    same("custom", e.custom, a.custom);
    same("remote", !!e.remote, !!a.remote);
    same("provider", e.provider, a.provider);
    same("dependencies", deps(e), deps(a));
    same("options", e.options, a.options);
    for (const d of valueDiffs(e.wire, a.wire, preview, "")) diffs.push(`${k}: input ${d}`);
  }
  return diffs;
}

function valueDiffs(e: unknown, a: unknown, preview: boolean, at: string): string[] {
  if (preview && (a === UNKNOWN || (isSecretValue(a) && a.value === UNKNOWN && isSecretValue(e)))) return [];
  if (isSecretValue(e) || isSecretValue(a)) {
    if (!isSecretValue(e) || !isSecretValue(a)) return [`${at || "(root)"}: secret on one side only`];
    return valueDiffs(e.value, a.value, preview, at);
  }
  if (Array.isArray(e) && Array.isArray(a)) {
    if (e.length !== a.length) return [`${at}: ${e.length} items under mocks, ${a.length} for real`];
    return e.flatMap((x, i) => valueDiffs(x, a[i], preview, `${at}[${i}]`));
  }
  if (e && a && typeof e === "object" && typeof a === "object" && !Array.isArray(e) && !Array.isArray(a)) {
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    return [...keys].flatMap((k) => valueDiffs((e as Record<string, unknown>)[k], (a as Record<string, unknown>)[k], preview, at ? `${at}.${k}` : k));
  }
  return JSON.stringify(e) === JSON.stringify(a) ? [] : [`${at}: ${JSON.stringify(e)?.slice(0, 80)} under mocks, ${JSON.stringify(a)?.slice(0, 80)} for real`];
}
