/**
 * docs/configuration.md, generated from the config schema itself (components/config/config.ts `configSchema`
 * and the *-config.ts sections it composes), so the reference cannot drift from what the program accepts.
 * Pure: `npm run docs:config` writes it, test/config-reference.test.ts compares it byte for byte.
 *
 * The schema is read through zod's own JSON Schema export (`z.toJSONSchema`, input side: a key with a
 * default is optional), which carries types, enums, bounds, defaults and each key's metadata:
 * - `description` (`.describe("...")` or `.meta({ description })`): required on every key;
 * - `typeName` (set by the schema-helpers builders: "DNS-1123 label", "Vault name", "duration", ...);
 * - `defaultText`: a default the program computes (e.g. "1 (dev), 2 (prod)"), for keys without a schema default.
 */
import { z } from "zod";
import { configSchema, CONFIG_REFERENCE, PROJECT } from "../../components/config/config";

/** A JSON Schema node as zod 4 writes it, with our metadata keys. */
interface Node {
  readonly type?: string;
  readonly description?: string;
  readonly typeName?: string;
  readonly defaultText?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Record<string, Node>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Node | boolean;
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly oneOf?: readonly Node[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly pattern?: string;
}

export interface ReferenceRow {
  /** `kv.path`, `tenants[].externalSecrets[].data[].remoteRef.key`. */
  readonly key: string;
  readonly type: string;
  readonly default: string;
  /** The default the schema applies (JSON), when it has one; `default` shows it, or a computed default's text. */
  readonly schemaDefault?: unknown;
  readonly description?: string;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function jsonSchema(): Node {
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Node;
}

/** Every key of the schema, in schema order, one row each (lists and union branches flattened). */
export function referenceRows(schema: Node = jsonSchema()): ReferenceRow[] {
  const rows = new Map<string, ReferenceRow>();
  const walkObject = (node: Node, prefix: string) => {
    const required = new Set(node.required ?? []);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      walk(child, prefix ? `${prefix}.${name}` : name, required.has(name));
    }
  };
  const walk = (node: Node, key: string, required: boolean) => {
    const branches = node.anyOf ?? node.oneOf;
    const row: ReferenceRow = { key, type: typeOf(node), default: defaultOf(node, required), schemaDefault: node.default, description: node.description };
    const prev = rows.get(key);
    if (prev === undefined) rows.set(key, row);
    else if (node.const !== undefined) rows.set(key, { ...prev, type: `${prev.type} \\| ${typeOf(node)}` }); // a discriminator: every branch's value
    if (branches) {
      for (const b of branches) {
        if (b.properties) walkObject(b, key);
        else if (b.items) walkItems(b.items, key);
      }
    } else if (node.properties) walkObject(node, key);
    else if (node.items) walkItems(node.items, key);
  };
  const walkItems = (items: Node, key: string) => {
    const branches = items.anyOf ?? items.oneOf;
    if (items.properties) walkObject(items, `${key}[]`);
    else if (branches) for (const b of branches) if (b.properties) walkObject(b, `${key}[]`);
  };
  walkObject(schema, "");
  return [...rows.values()];
}

function typeOf(node: Node): string {
  if (node.typeName) return node.typeName;
  if (node.const !== undefined) return code(node.const);
  if (node.enum) return node.enum.map(code).join(" \\| ");
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return [...new Set(branches.map(typeOf))].join(" or ");
  switch (node.type) {
    case "integer":
    case "number": {
      const lo = node.minimum !== undefined && Math.abs(node.minimum) < SAFE ? node.minimum : undefined;
      const hi = node.maximum !== undefined && Math.abs(node.maximum) < SAFE ? node.maximum : undefined;
      const range = lo !== undefined && hi !== undefined ? ` ${lo}–${hi}` : lo !== undefined ? ` ≥ ${lo}` : hi !== undefined ? ` ≤ ${hi}` : "";
      return `${node.type}${range}`;
    }
    case "array": {
      const item = node.items ? (node.items.properties || node.items.anyOf ? "maps" : plural(typeOf(node.items))) : "values";
      return `list of ${item}${node.minItems ? ` (at least ${node.minItems})` : ""}`;
    }
    case "object":
      if (node.properties) return "map";
      return typeof node.additionalProperties === "object" ? `map of ${typeOf(node.additionalProperties)}` : "map";
    case "string":
      return node.minLength ? "non-empty string" : "string";
    default:
      return node.type ?? "any";
  }
}

function plural(t: string): string {
  return t.startsWith("`") || t.includes("|") ? t : t.replace(/^(non-empty )?(\w[\w-]*)/, (_m, a: string | undefined, w: string) => `${a ?? ""}${w}s`);
}

function defaultOf(node: Node, required: boolean): string {
  if (node.defaultText !== undefined) return node.defaultText;
  if (node.default !== undefined) {
    const d = node.default;
    if (d !== null && typeof d === "object" && !Array.isArray(d) && Object.keys(d).length === 0) return "";
    return code(d);
  }
  return required ? "**required**" : "";
}

function code(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return `\`${s.replace(/`/g, "'")}\``;
}

function cell(s: string): string {
  return links(s.replace(/\r?\n\s*/g, " ").replace(/(?<!\\)\|/g, "\\|"));
}

/** `docs/x.md#y` in a description becomes a link (the reference lives in docs/ itself). */
function links(s: string): string {
  return s.replace(/(?<![`\[(/])docs\/([\w-]+\.md)(#[\w-]+)?/g, (_m, file: string, anchor: string | undefined) => `[${file}${anchor ?? ""}](${file}${anchor ?? ""})`);
}

/** Keys without a description: each needs `.describe("...")` next to it in the schema. */
export function undocumentedKeys(rows: readonly ReferenceRow[] = referenceRows()): string[] {
  return rows.filter((r) => !r.description || r.description.trim() === "").map((r) => r.key);
}

const HEADER = `# Configuration reference

<!-- Generated by \`npm run docs:config\` from the config schema (components/config/config.ts and the
     *-config.ts sections next to it). Do not edit by hand: change the key's \`.describe()\` and regenerate. -->

Every key lives in the \`${PROJECT}:\` namespace of \`Pulumi.<stack>.yaml\`. Set a nested key with
\`pulumi config set --path '${PROJECT}:kv.scope' eso\`, or edit the stack file (structured values are YAML
maps and lists). The whole configuration is read once and validated together before anything is
registered: every problem is reported at once, each naming the key, the value and the fix, e.g.

\`\`\`
Invalid stack configuration: 1 problem(s); nothing was deployed.
  - ${PROJECT}:kv.path = "secret/data": the KV v2 mount path contains "/": give the mount only (e.g. "secret"); ESO adds "/data/" itself, so "secret/data" would read "secret/data/data/..." Fix: e.g. "secret"
\`\`\`

- Unknown keys are errors, at any depth, with a "did you mean" hint and the keys that are accepted there.
- Durations are Vault style (\`30s\`, \`15m\`, \`1h30m\`, \`7d\`) unless a row says Go duration (\`1h\`, \`90m\`; no days).
- \`key[]\` is a list; \`key[].field\` is a field of each of its entries. **required** inside a map or a list entry
  means: required when that map or entry is given.
- Only \`vaultToken\` and \`reviewerJwt\` may be secrets (\`pulumi config set --secret\`); a plain value there is
  refused, and so is a \`secure:\` value inside any other key (Pulumi would turn the whole key into one secret).
  Secret values never appear in error messages.
- Rules between keys (prod needs https, subtrees may not overlap, token timings, ...) are listed in the
  descriptions; the code is \`crossChecks\` in components/config/config.ts and the \`check*\` function of each section.

The dev and prod stack files (\`Pulumi.dev.yaml\`, \`Pulumi.prod.yaml\`) are worked examples.
`;

/** The whole of docs/configuration.md. */
export function configReference(): string {
  const schema = jsonSchema();
  const rows = referenceRows(schema);
  const out: string[] = [HEADER];
  const top = Object.entries(schema.properties ?? {});
  out.push("## Sections\n");
  out.push(top.map(([k]) => `[\`${k}\`](#${k.toLowerCase()})`).join(" · ") + "\n");
  for (const [name, node] of top) {
    out.push(`## ${name}\n`);
    if (node.description && node.properties) out.push(`${links(node.description.trim())}\n`);
    const own = rows.filter((r) => r.key === name || r.key.startsWith(`${name}.`) || r.key.startsWith(`${name}[]`));
    const body = own.filter((r) => !(r.key === name && node.properties)); // a section's own description is the paragraph above
    out.push("| Key | Type | Default | Description |\n| --- | --- | --- | --- |");
    for (const r of body) out.push(`| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description ?? "**undocumented**")} |`);
    out.push("");
  }
  out.push(`---\nGenerated from the schema; ${rows.length} keys. Regenerate with \`npm run docs:config\` (${CONFIG_REFERENCE}).\n`);
  return out.join("\n");
}
