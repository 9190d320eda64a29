/**
 * The components as a package (docs/package.md).
 * - The TypeScript entry (package.json `exports["."]`) is the library: importing it registers nothing.
 * - The component package for other languages: @pulumi/pulumi 3.270 provider/experimental/provider.js
 *   ComponentProvider.getSchema (analyzer.js Analyzer.analyze, schema.js generateSchema) infers a schema with
 *   every component of the plugin entry (package.json `main`, what cmd/run-plugin/run.js requires and scans with
 *   getPulumiComponents), every input and output typed and described; ComponentProvider.construct registers what
 *   the class itself registers; the YAML example (examples/yaml) matches that schema.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { installMocks } from "./helpers/mocks";
import { COMPONENT_LITERALS } from "./helpers/component-literals";

const engine = installMocks("package");
const root = process.cwd();
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
/** A manifest path as the analyzer reads it (findProgramEntryPoint): `.js` swapped for `.ts`. */
const source = (p: string) => path.join(root, p.replace(/\.js$/, ".ts"));
const tsEntry: string = manifest.exports?.["."]?.default ?? manifest.main;

describe("package.json exports['.'] (the TypeScript library entry)", () => {
  test("is not the stack program, and importing it registers nothing", async () => {
    expect(source(tsEntry)).not.toBe(path.join(root, "index.ts"));
    const lib = await import(source(tsEntry));
    await engine.settle();
    expect(engine.resources).toEqual([]);
    for (const c of ["VaultBackend", "EsoInstall", "ClusterStore", "TenantNamespace", "TokenRenewer"]) expect(typeof lib[c]).toBe("function");
  });
});

type Prop = { type?: string; $ref?: string; description?: string; items?: Prop; additionalProperties?: Prop; plain?: boolean };
type Schema = {
  resources: Record<string, { inputProperties: Record<string, Prop>; requiredInputs: string[]; properties: Record<string, Prop>; isComponent: boolean }>;
  types: Record<string, { type: string; properties?: Record<string, Prop>; required?: string[]; enum?: { name: string; value: unknown }[] }>;
};

describe("@pulumi/pulumi provider/experimental ComponentProvider (getSchema, construct) on the plugin entry", () => {
  let schema: Schema;
  let provider: any;
  let components: Function[];
  beforeAll(async () => {
    const { ComponentProvider, getPulumiComponents } = await import("@pulumi/pulumi/provider/experimental/provider.js" as string);
    // package.json `main` (plugin.cjs) loads components/plugin.ts from a source tree (test/engine/component-provider.test.ts runs it).
    components = getPulumiComponents(await import(path.join(root, "components/plugin.ts")));
    provider = new ComponentProvider({ name: manifest.name, dirname: root, components });
    schema = JSON.parse(await provider.getSchema());
  }, 60000);

  test("every component of the plugin entry is in the schema, every input and output typed and described", () => {
    expect(components.map((c) => c.name).sort()).toEqual(["ClusterStore", "DeveloperClusterRole", "EsoInstall", "EsoNetworkPolicies", "Observability", "ReloaderInstall", "TenantNamespace", "TokenRenewer", "VaultAudit", "VaultBackend", "VaultEsoPlatform", "VaultTrust"]);
    expect(Object.keys(schema.resources).sort()).toEqual(components.map((c) => `vault-eso:index:${c.name}`).sort());
    const check = (where: string, p: Prop) => {
      const t = p.type ?? p.$ref;
      if (t === undefined) throw new Error(`${where}: no type`);
      if (p.$ref?.startsWith("#/types/")) expect(schema.types[p.$ref.slice("#/types/".length)]).toBeDefined();
      if (p.items) check(`${where}[]`, p.items);
    };
    const undescribed: string[] = [];
    for (const [token, r] of Object.entries(schema.resources)) {
      expect(r.isComponent).toBe(true);
      for (const [k, p] of [...Object.entries(r.inputProperties), ...Object.entries(r.properties)]) {
        check(`${token}.${k}`, p);
        if (!p.description) undescribed.push(`${token}.${k}`);
      }
    }
    for (const [token, t] of Object.entries(schema.types)) {
      for (const [k, p] of Object.entries(t.properties ?? {})) {
        check(`${token}.${k}`, p);
        if (!p.description) undescribed.push(`${token}.${k}`);
      }
    }
    expect(undescribed).toEqual([]);
    // Codegen appends `Args` to input type names (Python/Go/C#/Java): a schema type ending in `Args` doubles it.
    expect(Object.keys(schema.types).filter((t) => /Args$/.test(t))).toEqual([]);
    // Every enum value is described (JSDoc on the enum object's members).
    const bareValues = Object.entries(schema.types).flatMap(([t, d]) => (d.enum ?? []).filter((e) => !(e as { description?: string }).description).map((e) => `${t}.${String(e.value)}`));
    expect(bareValues).toEqual([]);
    // The mode enums, not free strings.
    expect(schema.types["vault-eso:index:TokenReviewMode"].enum!.map((e) => e.value)).toEqual(["clientJwt", "reviewerServiceAccount"]);
    expect(schema.types["vault-eso:index:ClusterStoreAuthKind"].enum!.map((e) => e.value)).toEqual(["kubernetes", "token"]);
    expect(schema.types["vault-eso:index:TenantPolicyMode"].enum!.map((e) => e.value)).toEqual(["perTenant", "templated"]);
    expect(schema.types["vault-eso:index:TenantStoreMode"].enum!.map((e) => e.value)).toEqual(["isolated", "shared"]);
    expect(schema.types["vault-eso:index:PodSecurityLevel"].enum!.map((e) => e.value)).toEqual(["restricted", "baseline", "privileged"]);
  });

  test("no two exported interfaces or enums share a name (the schema has one namespace of types: a second one would silently replace the first)", () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    for (const f of files(path.join(root, "components"))) {
      for (const m of fs.readFileSync(f, "utf8").matchAll(/^export (?:interface|const) (\w+)\b(?: extends [^{]+)?(?: = \{)?/gm)) {
        if (!/^export (interface|const \w+ = \{)/.test(m[0])) continue;
        const where = path.relative(root, f);
        if (seen.has(m[1]) && seen.get(m[1]) !== where) clashes.push(`${m[1]}: ${seen.get(m[1])} and ${where}`);
        seen.set(m[1], where);
      }
    }
    expect(clashes).toEqual([]);
  });

  test("examples/yaml and examples/yaml-platform use every component, with known properties, the required ones, and values of the schema's types", () => {
    const used = new Set<string>();
    const problems: string[] = [];
    for (const example of ["examples/yaml", "examples/yaml-platform"]) {
    const program = parse(fs.readFileSync(path.join(root, example, "Pulumi.yaml"), "utf8"));
    const interpolated = (v: unknown) => typeof v === "string" && /^\$\{[^}]+\}$/.test(v);
    const checkValue = (where: string, p: Prop, v: unknown): void => {
      if (interpolated(v)) return; // an output of another resource or config: typed by the engine
      if (p.$ref?.startsWith("#/types/")) {
        const t = schema.types[p.$ref.slice("#/types/".length)];
        if (t.enum) {
          if (!t.enum.some((e) => e.value === v)) problems.push(`${where}: ${JSON.stringify(v)} is not one of ${t.enum.map((e) => e.value).join(", ")}`);
          return;
        }
        checkObject(where, t.properties ?? {}, t.required ?? [], v);
        return;
      }
      if (p.$ref === "pulumi.json#/Any") return;
      if (p.type === "array") {
        if (!Array.isArray(v)) problems.push(`${where}: not an array`);
        else v.forEach((e, i) => checkValue(`${where}[${i}]`, p.items!, e));
        return;
      }
      if (p.type === "object") {
        if (typeof v !== "object" || v === null) problems.push(`${where}: not an object`);
        else for (const [k, e] of Object.entries(v)) checkValue(`${where}.${k}`, p.additionalProperties!, e);
        return;
      }
      if (typeof v !== p.type) problems.push(`${where}: ${JSON.stringify(v)} is not a ${p.type}`);
    };
    const checkObject = (where: string, props: Record<string, Prop>, required: string[], v: unknown) => {
      if (typeof v !== "object" || v === null) return void problems.push(`${where}: not an object`);
      for (const r of required) if (!(r in v)) problems.push(`${where}.${r}: required, missing`);
      for (const [k, e] of Object.entries(v)) {
        if (!(k in props)) problems.push(`${where}.${k}: not a property`);
        else checkValue(`${where}.${k}`, props[k], e);
      }
    };
    for (const [name, res] of Object.entries<any>(program.resources)) {
      const r = schema.resources[res.type];
      if (!r) { problems.push(`${name}: unknown type ${res.type}`); continue; }
      used.add(res.type);
      checkObject(name, r.inputProperties, r.requiredInputs, res.properties ?? {});
    }
    for (const [k, v] of Object.entries<string>(program.outputs ?? {})) {
      const m = /^\$\{(\w+)\.(\w+)\}$/.exec(v);
      const r = m && schema.resources[program.resources[m[1]]?.type];
      if (!r || !(m![2] in r.properties)) problems.push(`output ${k}: ${v} is not an output of the schema`);
    }
    }
    expect(problems).toEqual([]);
    expect([...used].sort()).toEqual(Object.keys(schema.resources).sort());
  });

  test("docs/components.md: the platform examples name only VaultEsoPlatform properties (TypeScript keys, Python keyword arguments)", () => {
    const doc = fs.readFileSync(path.join(root, "docs/components.md"), "utf8");
    const props = schema.resources["vault-eso:index:VaultEsoPlatform"].inputProperties;
    const ts = /```ts\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf("## The whole platform")))![1];
    const py = /```python\n([\s\S]*?)```/.exec(doc)![1];
    const tsKeys = [...ts.matchAll(/^  (\w+):/gm)].map((m) => m[1]);
    const pyKeys = [...py.matchAll(/^\s+(\w+)=/gm)].map((m) => m[1]);
    const snake = (n: string) => n.replace(/([A-Z])/g, "_$1").toLowerCase();
    expect(tsKeys.length).toBeGreaterThan(5);
    expect(tsKeys.filter((k) => !(k in props))).toEqual([]);
    expect(pyKeys.sort()).toEqual(tsKeys.map(snake).sort());
    for (const r of schema.resources["vault-eso:index:VaultEsoPlatform"].requiredInputs) expect(tsKeys).toContain(r);
  });

  test("construct() registers the same resources as the class itself", async () => {
    const inputs = COMPONENT_LITERALS;
    // The construct()-made resources renamed as the class-made ones, also inside base64 Secret data (the mock
    // engine's token for a resource carries its name).
    const rename = (v: unknown): unknown => {
      if (typeof v === "string") {
        const decoded = /^[A-Za-z0-9+/]+=*$/.test(v) && v.length % 4 === 0 ? Buffer.from(v, "base64").toString("utf8") : "";
        if (decoded.includes("via-construct-")) return Buffer.from(decoded.replaceAll("via-construct-", "via-class-"), "utf8").toString("base64");
        return v.replaceAll("via-construct-", "via-class-");
      }
      if (Array.isArray(v)) return v.map(rename);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [rename(k), rename(e)]));
      return v;
    };
    const asClass = (v: unknown) => rename(JSON.parse(JSON.stringify(v)));
    const children = (prefix: string) =>
      engine.resources.filter((r) => r.name.startsWith(`${prefix}-`) || r.name === prefix).map((r) => ({ type: r.type, name: r.name.slice(prefix.length), inputs: r.inputs }));
    // VaultEsoPlatform's children are named as the stack program names them: test/platform-component.test.ts.
    for (const c of components.filter((k) => k.name !== "VaultEsoPlatform")) {
      const before = engine.resources.length;
      await provider.construct(`via-construct-${c.name}`, `vault-eso:index:${c.name}`, inputs[c.name], {});
      new (c as any)(`via-class-${c.name}`, inputs[c.name]);
      await engine.settle();
      expect(engine.resources.length).toBeGreaterThan(before);
      const viaConstruct = children(`via-construct-${c.name}`);
      expect(viaConstruct.length).toBeGreaterThan(1);
      expect(asClass(viaConstruct)).toEqual(JSON.parse(JSON.stringify(children(`via-class-${c.name}`))));
    }
  });
});
