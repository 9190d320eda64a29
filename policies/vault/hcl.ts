/**
 * Renders the typed policy model as Vault HCL. Deterministic: the same model
 * gives the same bytes, so `pulumi preview` diffs and rendered files stay
 * quiet when nothing changed.
 */
import { Hcl1Options, HclItem, HclNode, HclObject, parseHcl1 } from "./hcl1";
import { CAPABILITIES, Capability, PathConditions, PathRule, VaultPolicy } from "./model";
import { parseDurationSeconds, templateSyntaxProblem } from "./templates";

export const HCL_HEADER = "# Managed by vault-eso (Pulumi): edits made in Vault are overwritten by the next `pulumi up`.";

/**
 * Vault HCL for `policy`; rules in the order given, capabilities in the order given.
 * `header` is the leading comment (default: the policy is managed by `pulumi up`).
 */
export function renderPolicyHcl(policy: VaultPolicy, header: string = HCL_HEADER): string {
  if (policy.rules.length === 0) {
    throw new Error(`Vault policy "${policy.name}" has no rules: an empty policy grants nothing and is almost certainly a bug`);
  }
  const stanzas = policy.rules.map((rule) => {
    if (rule.capabilities.length === 0) {
      throw new Error(`Vault policy "${policy.name}": path "${rule.path}" has no capabilities`);
    }
    const caps = rule.capabilities.map((c) => JSON.stringify(c)).join(", ");
    return `path ${JSON.stringify(rule.path)} {\n  capabilities = [${caps}]\n${renderParameters("allowed_parameters", rule.conditions?.allowedParameters)}${renderParameters("denied_parameters", rule.conditions?.deniedParameters)}}\n`;
  });
  const comment = header.split("\n").map((l) => (l.startsWith("#") ? l : `# ${l}`)).join("\n");
  return `${comment}\n# policy: ${policy.name}\n\n${stanzas.join("\n")}`;
}

/** `allowed_parameters` / `denied_parameters` (vault/policy.go PathRules): keys sorted, string values as JSON strings (valid HCL escapes). */
function renderParameters(field: string, params: Readonly<Record<string, readonly unknown[]>> | undefined): string {
  if (!params) return "";
  const keys = Object.keys(params).sort();
  const lines = keys.map((k) => {
    const values = params[k].map((v) => {
      if (typeof v !== "string" && typeof v !== "boolean") throw new Error(`${field}.${k}: only string and bool values are rendered (a JSON number in a request never equals a policy element)`);
      // Go escapes (hcl/strconv): every character outside printable ASCII as \uXXXX, so the file shows what it holds.
      return JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    });
    return `    ${JSON.stringify(k)} = [${values.join(", ")}]\n`;
  });
  return `  ${field} = {\n${lines.join("")}  }\n`;
}

/** Vault's legacy `policy = "..."` values and the capabilities vault/policy.go `parsePaths` maps them to. */
export const LEGACY_POLICY: Readonly<Record<string, readonly Capability[]>> = {
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
  deny: ["deny"],
};

const TOP_KEYS = ["name", "path"];
const STANZA_KEYS = [
  "comment",
  "policy",
  "capabilities",
  "allowed_parameters",
  "denied_parameters",
  "required_parameters",
  "min_wrapping_ttl",
  "max_wrapping_ttl",
  "mfa_methods",
  "control_group",
  "subscribe_event_types",
];

class PolicyError extends Error {}

/** hashicorp/vault sdk/helper/hclutil `CheckHCLKeys`: every item's first key must be one of `valid` (case-sensitive). */
function checkKeys(obj: HclObject, valid: readonly string[], prefix: string): void {
  const bad = obj.items.filter((i) => !valid.includes(i.keys[0])).map((i) => `invalid key ${JSON.stringify(i.keys[0])} on line ${i.line}`);
  if (bad.length > 0) throw new PolicyError(`${prefix}${bad.join("; ")}`);
}

/** The items a struct field named `field` decodes from (hashicorp/hcl `ObjectList.Filter` compares keys case-insensitively). */
const fieldItems = (obj: HclObject, field: string) => obj.items.filter((i) => i.keys[0].toLowerCase() === field);

/** hashicorp/hcl decoder `decodeString`: strings, heredocs and numbers (as written). */
function decodeString(n: HclNode, what: string): string {
  if (n.kind === "literal" && n.type !== "bool" && n.type !== "float") return n.type === "number" ? n.text : String(n.value);
  throw new PolicyError(`${what}: unknown type for string (${n.kind === "literal" ? n.type : n.kind})`);
}

/** hashicorp/hcl decoder `decodeSlice` into []string, appending across repeated keys. */
function decodeStrings(obj: HclObject, field: string, what: string): string[] | undefined {
  const items = fieldItems(obj, field);
  if (items.length === 0) return undefined;
  const out: string[] = [];
  for (const item of items) {
    if (item.keys.length > 1) throw new PolicyError(`${what}.${field}: unknown type for string (object)`);
    const v = item.val;
    if (v.kind === "list") for (const e of v.elems) out.push(decodeString(e, `${what}.${field}`));
    else if (v.kind === "object") out.push(decodeString(v, `${what}.${field}`));
    else throw new PolicyError(`${what}.${field}: unknown slice type: literal`);
  }
  return out;
}

/** A value decoded into Go's interface{}: literals as values, lists as arrays, objects as maps. */
function plain(n: HclNode): unknown {
  if (n.kind === "literal") return n.value;
  if (n.kind === "list") return n.elems.map(plain);
  const o: Record<string, unknown> = {};
  for (const i of n.items) o[i.keys[0]] = plain(i.val);
  return o;
}

function lastValue(obj: HclObject, field: string): HclNode | undefined {
  const items = fieldItems(obj, field);
  return items.length === 0 ? undefined : items[items.length - 1].val;
}

/** `allowed_parameters` / `denied_parameters`: map[string][]interface{}, values appended across repeats. */
function decodeParams(obj: HclObject, field: string, what: string): Record<string, unknown[]> | undefined {
  const items = fieldItems(obj, field);
  if (items.length === 0) return undefined;
  const out: Record<string, unknown[]> = {};
  for (const item of items) {
    if (item.val.kind !== "object") throw new PolicyError(`${what}.${field}: not an object type for map`);
    for (const p of item.val.items) {
      const v = p.val;
      const values = v.kind === "list" ? v.elems.map(plain) : v.kind === "object" ? [plain(v)] : undefined;
      if (values === undefined) throw new PolicyError(`${what}.${field}.${p.keys[0]}: unknown slice type: literal`);
      out[p.keys[0]] = [...(out[p.keys[0]] ?? []), ...values];
    }
  }
  return out;
}

/** hashicorp/vault vault/policy.go `validateParameter`: JSON-pointer keys must parse; a wildcard key is `*` or ends in `/*`. */
function parameterKeyProblem(key: string, wildcardPermitted: boolean): string | undefined {
  if (key.startsWith("/") && /~[^01]|~$/.test(key)) return `parameter key ${JSON.stringify(key)}: invalid path syntax`;
  if (key.includes("*")) {
    if (!wildcardPermitted) return `parameter key ${JSON.stringify(key)}: wildcard is not permitted here`;
    if (key === "*") return undefined;
    if (key.startsWith("/") && key.endsWith("/*") && !key.slice(0, -2).includes("*")) return undefined;
    return `parameter key ${JSON.stringify(key)} cannot contain non-tail wildcards`;
  }
  return undefined;
}

function lowerKeys(params: Record<string, unknown[]>, where: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(params)) {
    const problem = parameterKeyProblem(k, true);
    if (problem) throw new PolicyError(`${where}: ${problem}`);
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** `control_group`: factors by name, each with an identity (groups and approvals > 0) and capabilities within the stanza's. */
function controlGroupFactors(node: HclNode, caps: readonly string[]): string[] {
  if (node.kind !== "object") throw new PolicyError("control_group: not an object type for struct");
  const ttl = lastValue(node, "ttl");
  if (ttl !== undefined && parseDurationSeconds(plain(ttl)) === undefined) throw new PolicyError("error parsing control group max ttl");
  const factors: Array<[string, HclNode]> = [];
  for (const item of fieldItems(node, "factor")) {
    if (item.keys.length > 1) factors.push([item.keys[1], item.val]);
    else if (item.val.kind === "object") for (const f of item.val.items) factors.push([f.keys[0], f.val]);
    else throw new PolicyError("control_group.factor: not an object type for map");
  }
  for (const [, f] of factors) {
    if (f.kind !== "object") throw new PolicyError("control_group.factor: not an object type for struct");
    const identity = lastValue(f, "identity");
    if (identity === undefined) throw new PolicyError("no control_group factor provided");
    if (identity.kind !== "object") throw new PolicyError("control_group.factor.identity: not an object type for struct");
    const approvalsNode = lastValue(identity, "approvals");
    const approvals = approvalsNode === undefined ? 0 : Number(approvalsNode.kind === "literal" ? approvalsNode.value : NaN);
    if (approvalsNode !== undefined && !Number.isInteger(approvals)) throw new PolicyError("control_group.factor.identity.approvals: not an integer");
    const groups = [...(decodeStrings(identity, "group_ids", "identity") ?? []), ...(decodeStrings(identity, "group_names", "identity") ?? [])];
    if (approvals <= 0 || groups.length === 0) throw new PolicyError("must provide more than one identity group and approvals > 0");
    for (const c of decodeStrings(f, "controlled_capabilities", "factor") ?? []) {
      if (!caps.includes(c)) throw new PolicyError("control group factor capabilities must be a subset of the policy's capabilities");
    }
  }
  if (factors.length === 0) throw new PolicyError("no control group factors provided");
  return factors.map(([n]) => n);
}

/** One `path` stanza, as vault/policy.go `parsePaths` reads it. */
function parseStanza(key: string, item: HclItem): PathRule {
  const syntax = templateSyntaxProblem(key);
  if (syntax) throw new PolicyError(`failed to validate policy templating: ${syntax}`);
  const where = `path ${JSON.stringify(key)}`;
  const body = item.val;
  if (body.kind !== "object") throw new PolicyError(`${where}: cannot check HCL keys of type ${body.kind}`);
  checkKeys(body, STANZA_KEYS, `${where}: `);

  let legacy: string | undefined;
  const policyItems = fieldItems(body, "policy");
  for (const p of policyItems) {
    if (p.keys.length > 1) throw new PolicyError(`${where}.policy: unknown type for string (object)`);
    legacy = decodeString(p.val, `${where}.policy`);
  }
  const written = decodeStrings(body, "capabilities", where) ?? [];
  const required = decodeStrings(body, "required_parameters", where);
  const mfa = decodeStrings(body, "mfa_methods", where);
  const events = decodeStrings(body, "subscribe_event_types", where);
  const allowed = decodeParams(body, "allowed_parameters", where);
  const denied = decodeParams(body, "denied_parameters", where);
  const minTtl = lastValue(body, "min_wrapping_ttl");
  const maxTtl = lastValue(body, "max_wrapping_ttl");
  const controlGroup = lastValue(body, "control_group");

  // Vault strips one leading "/" before checking the path (the model keeps the path as written; the evaluator strips it).
  const stored = key.startsWith("/") ? key.slice(1) : key;
  if (stored.includes("+*")) throw new PolicyError(`path ${JSON.stringify(stored)}: invalid use of wildcards ('+*' is forbidden)`);

  let caps: string[] = [...written];
  if (legacy !== undefined && legacy.length > 0) {
    const mapped = LEGACY_POLICY[legacy];
    if (!mapped) throw new PolicyError(`${where}: invalid policy ${JSON.stringify(legacy)}`);
    caps = legacy === "deny" ? ["deny"] : [...caps, ...mapped];
  }
  const capabilities: Capability[] = [];
  for (const c of caps) {
    if (c === "deny") return { path: key, capabilities: ["deny"] }; // Vault stops here: nothing else in the stanza is read
    if (!(CAPABILITIES as readonly string[]).includes(c)) throw new PolicyError(`${where}: invalid capability ${JSON.stringify(c)}`);
    if (!capabilities.includes(c as Capability)) capabilities.push(c as Capability);
  }

  const conditions: { -readonly [K in keyof PathConditions]: PathConditions[K] } = {};
  if (allowed) conditions.allowedParameters = lowerKeys(allowed, `path ${JSON.stringify(stored)}: allowed_parameters`);
  if (denied) conditions.deniedParameters = lowerKeys(denied, `path ${JSON.stringify(stored)}: denied_parameters`);
  const ttl = (node: HclNode | undefined, field: string) => {
    if (node === undefined) return undefined;
    const v = parseDurationSeconds(plain(node));
    if (v === undefined) throw new PolicyError(`error parsing ${field}: could not parse duration ${JSON.stringify(plain(node))}`);
    return v;
  };
  const min = ttl(minTtl, "min_wrapping_ttl");
  const max = ttl(maxTtl, "max_wrapping_ttl");
  if (min) conditions.minWrappingTtl = min;
  if (max) conditions.maxWrappingTtl = max;
  if (mfa) conditions.mfaMethods = mfa;
  if (controlGroup !== undefined) conditions.controlGroupFactors = controlGroupFactors(controlGroup, caps);
  if (min && max && max < min) throw new PolicyError("max_wrapping_ttl cannot be less than min_wrapping_ttl");
  if (required && required.length > 0) conditions.requiredParameters = required;
  if (events && events.length > 0) conditions.subscribeEventTypes = events;
  return Object.keys(conditions).length > 0 ? { path: key, capabilities, conditions } : { path: key, capabilities };
}

/**
 * Parses a Vault ACL policy, HCL or JSON, exactly as Vault reads it
 * (hashicorp/vault vault/policy.go `parseACLPolicyWithTemplating` and
 * `parsePaths`, over HCL v1: see hcl1.ts): only `name` and `path` at the top,
 * only Vault's stanza keys (`capabilites` is an error, not a silent no-op),
 * the legacy `policy = "read" | "write" | "sudo" | "deny"` folded into the
 * capabilities, `deny` alone when a stanza denies, parameter constraints,
 * wrapping TTLs, MFA and control groups kept as conditions, balanced
 * template braces, no `+*`. Throws with Vault's reason. Synchronous.
 * `name` names the policy (Vault takes it from the API path, not the text).
 * An attribute set twice in a stanza is refused, as current Vault refuses
 * it; `allowDuplicateAttributes` reads it as Vault with
 * VAULT_ALLOW_PENDING_REMOVAL_DUPLICATE_HCL_ATTRIBUTES=true does (lists appended, the last string wins).
 */
export function parsePolicy(name: string, text: string, options: Hcl1Options = {}): VaultPolicy {
  try {
    const root = parseHcl1(text, options);
    checkKeys(root, TOP_KEYS, "");
    for (const item of fieldItems(root, "name")) {
      if (item.keys.length > 1) throw new PolicyError("name: unknown type for string (object)");
      decodeString(item.val, "name");
    }
    const rules = root.items.filter((i) => i.keys[0] === "path").map((i) => parseStanza(i.keys[1] ?? "path", i));
    return { name, rules };
  } catch (e) {
    throw new Error(`policy ${name}: failed to parse policy: ${(e as Error).message}`);
  }
}

/**
 * `parsePolicy`, for callers written against the former asynchronous HCL 2
 * parser. Rejects where `parsePolicy` throws.
 */
export async function parsePolicyHcl(name: string, hcl: string): Promise<VaultPolicy> {
  return parsePolicy(name, hcl);
}
