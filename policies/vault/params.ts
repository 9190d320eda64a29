/**
 * A model of Vault's request-parameter constraints (`allowed_parameters`,
 * `denied_parameters`, `required_parameters`), as hashicorp/vault decides them
 * after the capability check. Pure: no Pulumi resources.
 *
 * Read upstream (hashicorp/vault):
 * - `vault/acl.go` `AllowOperation`, after the capabilities: only read, update,
 *   create, patch and recover requests are checked (never delete or list);
 *   every `required_parameters` key must be in the body; an empty body is then
 *   allowed; a `denied_parameters` key `*` refuses any body; a body key found
 *   (lower-cased) in `denied_parameters` whose value is in the denied list
 *   refuses; with no `allowed_parameters` the request is allowed; with only the
 *   key `*` it is allowed; otherwise every body key must be listed (or `*` be
 *   listed too) and its value be in the allowed list.
 * - `valueInAllowedParameterList`: an empty list allows any value; else the
 *   whole value matches an element, or (current Vault, not with
 *   `VAULT_LEGACY_EXACT_MATCHING_ON_LIST`) a JSON list whose every item
 *   matches, or a string whose every comma-separated item (trimmed,
 *   `parseutil.ParseCommaStringSlice`) matches.
 * - `valueInDeniedParameterList`: an empty list denies any value; else the
 *   whole value, or any item of a list, or any comma-separated item of a
 *   string, matches an element.
 * - `valueInParameterList`: a string element matches a string value by
 *   `strutil.GlobbedStringsMatch` (go-secure-stdlib): an element shorter than 2
 *   characters must equal the value; `*x*` is "contains x", `*x` "ends with x",
 *   `x*` "starts with x"; else equality. Other elements match by
 *   `reflect.DeepEqual`. Vault decodes JSON bodies with `UseNumber`, so a JSON
 *   number is a `json.Number`, which equals neither a Go string nor an HCL
 *   number: a number parameter can only be allowed by an empty list (any value).
 * - `vault/acl.go` `NewACL`: rules of the same path merge their parameter maps
 *   key by key; an empty list on either side wins (any value), otherwise the
 *   lists are appended; a `deny` drops both maps.
 */

/** A JSON body value as Vault sees it: numbers stay numbers (json.Number), never strings. */
export type BodyValue = string | number | boolean | null | BodyValue[] | { [k: string]: BodyValue };

export interface ParameterConstraints {
  readonly allowed?: Readonly<Record<string, readonly unknown[]>>;
  readonly denied?: Readonly<Record<string, readonly unknown[]>>;
  readonly required?: readonly string[];
}

export type ParamOperation = "read" | "create" | "update" | "patch" | "delete" | "list" | "recover";

/** go-secure-stdlib strutil.GlobbedStringsMatch. */
export function globbedStringsMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item;
  const pre = item.startsWith("*");
  const suf = item.endsWith("*");
  if (pre && suf) return val.includes(item.slice(1, -1));
  if (pre) return val.endsWith(item.slice(1));
  if (suf) return val.startsWith(item.slice(0, -1));
  return val === item;
}

/** Go's strings.TrimSpace (unicode.IsSpace). */
const GO_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
/** Every character Go's strings.TrimSpace removes. */
export const GO_WHITESPACE: readonly string[] = [...GO_SPACE];
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && GO_SPACE.includes(s[a])) a++;
  while (b > a && GO_SPACE.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** parseutil.ParseCommaStringSlice on a string: "" is the empty list, else split on "," and trim each item. */
export function commaItems(s: string): string[] {
  return s === "" ? [] : s.split(",").map(goTrimSpace);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** vault/acl.go valueInParameterList. A JSON number never equals a policy element (json.Number vs string/int). */
export function valueInParameterList(v: BodyValue | undefined, list: readonly unknown[]): boolean {
  for (const el of list) {
    if (el === null || el === undefined || v === null || v === undefined) {
      if ((el ?? null) === (v ?? null)) return true;
    } else if (typeof el === "string") {
      if (typeof v === "string" && globbedStringsMatch(el, v)) return true;
    } else if (typeof v !== "number" && deepEqual(el, v)) {
      return true;
    }
  }
  return false;
}

/**
 * Both list checks of vault/acl.go: an empty list holds every value; else the whole value matches,
 * or (not legacy) the items of a list / comma string do: all of them for the allowed list, any for the denied.
 */
function valueInList(v: BodyValue, list: readonly unknown[], legacy: boolean, items: "every" | "some"): boolean {
  if (list.length === 0) return true;
  if (valueInParameterList(v, list)) return true;
  if (legacy) return false;
  const parts = Array.isArray(v) ? v : typeof v === "string" ? commaItems(v) : undefined;
  return parts !== undefined && parts[items]((x) => valueInParameterList(x, list));
}

export const valueInAllowedParameterList = (v: BodyValue, list: readonly unknown[], legacy = false): boolean => valueInList(v, list, legacy, "every");
export const valueInDeniedParameterList = (v: BodyValue, list: readonly unknown[], legacy = false): boolean => valueInList(v, list, legacy, "some");

/**
 * Whether Vault lets a request with this body through the parameter
 * constraints of its deciding rule (the capability is assumed granted).
 * `legacy`: Vault run with VAULT_LEGACY_EXACT_MATCHING_ON_LIST.
 */
export function parametersAllow(op: ParamOperation, c: ParameterConstraints | undefined, body: Readonly<Record<string, BodyValue>>, legacy = false): boolean {
  if (!c) return true;
  if (!["read", "update", "create", "patch", "recover"].includes(op)) return true;
  const keys = Object.keys(body);
  for (const r of c.required ?? []) if (!(r.toLowerCase() in body)) return false;
  if (keys.length === 0) return true;
  const denied = c.denied ?? {};
  if (Object.keys(denied).length > 0) {
    if ("*" in denied) return false;
    for (const k of keys) {
      const list = denied[k.toLowerCase()];
      if (list !== undefined && valueInDeniedParameterList(body[k], list, legacy)) return false;
    }
  }
  const allowed = c.allowed ?? {};
  const n = Object.keys(allowed).length;
  if (n === 0) return true;
  const all = "*" in allowed;
  if (n === 1 && all) return true;
  for (const k of keys) {
    const list = allowed[k.toLowerCase()];
    if (list === undefined && !all) return false;
    if (list !== undefined && !valueInAllowedParameterList(body[k], list, legacy)) return false;
  }
  return true;
}

/** vault/acl.go NewACL: two rules of one path merge their parameter maps (an empty list wins, else append). */
export function mergeParameterMaps(a: Readonly<Record<string, readonly unknown[]>> | undefined, b: Readonly<Record<string, readonly unknown[]>> | undefined): Record<string, unknown[]> | undefined {
  if (!b || Object.keys(b).length === 0) return a ? Object.fromEntries(Object.entries(a).map(([k, v]) => [k, [...v]])) : undefined;
  if (!a) return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, [...v]]));
  const out: Record<string, unknown[]> = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, [...v]]));
  for (const [k, v] of Object.entries(b)) {
    const had = out[k];
    out[k] = v.length === 0 || (had !== undefined && had.length === 0) ? [] : [...v, ...(had ?? [])];
  }
  return out;
}

/**
 * What values of one body key a request can carry past the constraints, as
 * a judgement over the whole space (not one request):
 * - `refused`: no value of this key passes (the key is unlisted, or denied with an empty list);
 * - `any`: an empty allowed list, or `*`, or a glob element: unbounded;
 * - `items`: the value must be one of `exact` whole, or a list / comma string of
 *   items each in `exact` (what a list-typed field ends up holding); the empty
 *   string and the empty list always pass a non-empty list (ParseCommaStringSlice("")
 *   is empty). `commaJoins`: whether a string other than a whole element passes
 *   (a comma join, or an element padded with whitespace), i.e. some element has
 *   no comma and equals its trimmed self, and the denials do not refuse them.
 * Denied elements are applied only when they are exact strings (a glob denial
 *   narrows further; ignoring it keeps the answer an over-approximation).
 */
export type KeySpace =
  | { readonly kind: "refused" }
  | { readonly kind: "any"; readonly why: string }
  | { readonly kind: "items"; readonly exact: readonly unknown[]; readonly commaJoins: boolean };

export function keySpace(c: ParameterConstraints | undefined, key: string): KeySpace {
  const k = key.toLowerCase();
  const denied = c?.denied ?? {};
  if ("*" in denied) return { kind: "refused" };
  if (denied[k] !== undefined && denied[k].length === 0) return { kind: "refused" };
  const allowed = c?.allowed ?? {};
  const n = Object.keys(allowed).length;
  if (n === 0) return { kind: "any", why: "no allowed_parameters" };
  const list = allowed[k];
  if (list === undefined) return "*" in allowed ? { kind: "any", why: 'allowed_parameters has "*"' } : { kind: "refused" };
  if (list.length === 0) return { kind: "any", why: `allowed_parameters "${k}" = [] (any value)` };
  const glob = list.find((el) => typeof el === "string" && el.length >= 2 && (el.startsWith("*") || el.endsWith("*")));
  if (glob !== undefined) return { kind: "any", why: `allowed_parameters "${k}" has the glob ${JSON.stringify(glob)}` };
  const deniedExact = (denied[k] ?? []).filter((el) => typeof el === "string" && !(el.length >= 2 && (el.startsWith("*") || el.endsWith("*"))));
  const exact = list.filter((el) => !deniedExact.includes(el as string));
  // Strings other than the whole elements pass when their comma items all trim to elements: each such string holds a
  // comma or a character TrimSpace removes, so it exists only for an element without a comma equal to its trimmed
  // self, and a denial of "*,*" and of "*<c>*" for every such character refuses them all.
  const variantsDenied = ["*,*", ...GO_WHITESPACE.map((ch) => `*${ch}*`)].every((g) => (denied[k] ?? []).includes(g));
  const commaJoins = !variantsDenied && exact.some((el) => typeof el === "string" && !el.includes(",") && goTrimSpace(el) === el);
  return { kind: "items", exact, commaJoins };
}
