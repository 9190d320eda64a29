/**
 * Issue 15: docs/configuration.md is generated from the config schema (npm run docs:config,
 * scripts/lib/config-reference.ts) and must equal what the schema generates today, byte for byte.
 * Every key carries its description next to it in the schema (`.describe()` / `.meta({ description })`).
 */
import * as fs from "fs";
import { z } from "zod";
import { configSchema, CONFIG_REFERENCE } from "../components/config/config";
import { configReference, referenceRows, undocumentedKeys } from "../scripts/lib/config-reference";

describe("docs/configuration.md is generated from the config schema", () => {
  const rows = referenceRows();

  test("every config key has a description in the schema", () => {
    const missing = undocumentedKeys(rows);
    if (missing.length > 0) {
      throw new Error(
        `${missing.length} config key(s) have no description: ${missing.join(", ")}.\n` +
          `Fix: add .describe("what it does, its rules") (or .meta({ description, defaultText }) for a computed default) ` +
          `next to each key in components/<capability>/*-config.ts, then run npm run docs:config`,
      );
    }
  });

  test(`${CONFIG_REFERENCE} equals the reference generated from the schema (else: run npm run docs:config)`, () => {
    const generated = configReference();
    const onDisk = fs.existsSync(CONFIG_REFERENCE) ? fs.readFileSync(CONFIG_REFERENCE, "utf8") : "";
    if (generated !== onDisk) {
      const a = onDisk.split("\n");
      const b = generated.split("\n");
      const i = b.findIndex((line, k) => line !== a[k]);
      throw new Error(
        `${CONFIG_REFERENCE} is out of date with the config schema. Fix: run npm run docs:config and commit the result.\n` +
          `First difference at line ${i + 1}:\n  file:      ${a[i] ?? "(end of file)"}\n  generated: ${b[i] ?? "(end of file)"}`,
      );
    }
  });

  test("every key the program accepts has a row: top-level sections, nested keys, list entries and union branches", () => {
    const keys = new Set(rows.map((r) => r.key));
    for (const k of Object.keys(configSchema.shape)) expect(keys).toContain(k);
    for (const k of [
      "kubernetesAuth.apiAudiences",
      "eso.resources.limits.memory",
      "tenants[].externalSecrets[].data[].remoteRef.key",
      "tenants[].externalSecrets[].dataFrom[].extract.key",
      "tenants[].externalSecrets[].dataFrom[].find.name.regexp",
      "tenants[].push.secrets[].data[].remoteKey",
      "audit.devices[].filePath",
      "audit.devices[].socketType",
      "audit.devices[].facility",
      "tls.certManager.server.dnsNames",
    ]) {
      expect(keys).toContain(k);
    }
    // the tenant rows come before their push rows (schema order)
    const order = rows.map((r) => r.key);
    expect(order.indexOf("tenants[].name")).toBeLessThan(order.indexOf("tenants[].push.allowDelete"));
    // a discriminator lists every branch's value
    expect(rows.find((r) => r.key === "audit.devices[].type")!.type).toBe("`file` \\| `socket` \\| `syslog`");
  });

  test("every default the reference states is the default the schema applies", () => {
    const parsed = configSchema.parse({ environment: "dev", vault: { address: "http://127.0.0.1:8200" }, kubernetesAuth: { host: "https://127.0.0.1:6443" } }) as Record<string, unknown>;
    const at = (key: string) => key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], parsed);
    const withDefault = rows.filter((r) => !r.key.includes("[]") && r.schemaDefault !== undefined);
    expect(withDefault.length).toBeGreaterThan(60);
    for (const r of withDefault) {
      const d = r.schemaDefault;
      const isSection = d !== null && typeof d === "object" && !Array.isArray(d) && Object.keys(d).length === 0;
      if (isSection) continue; // a section's {} default: its keys' defaults apply, checked one by one
      expect({ key: r.key, default: at(r.key) }).toEqual({ key: r.key, default: d });
      expect(r.default).toBe(`\`${typeof d === "string" ? d : JSON.stringify(d)}\``);
    }
    // keys without a schema default are unset after parsing (their row shows a computed default, "required" or nothing)
    for (const r of rows.filter((x) => !x.key.includes("[]") && x.key.includes(".") && x.schemaDefault === undefined && x.default !== "**required**")) {
      expect({ key: r.key, value: at(r.key) }).toEqual({ key: r.key, value: undefined });
    }
  });

  test("types, bounds and required keys come from the schema", () => {
    const row = (k: string) => rows.find((r) => r.key === k)!;
    expect(row("eso.replicas").type).toBe("integer 1–10");
    expect(row("eso.replicas").default).toBe("1 (dev), 2 (prod)");
    expect(row("vault.address")).toMatchObject({ type: "URL", default: "**required**" });
    expect(row("eso.namespace").type).toBe("DNS label");
    expect(row("eso.tokenTtl").type).toBe("duration ≤ 24h");
    expect(row("tenancy.mode").type).toBe("`isolated` \\| `shared`");
    expect(row("networkPolicies.apiServerPorts").type).toBe("list of integers 1–65535 (at least 1)");
  });

  test("a key without a description is reported (the check is not vacuous)", () => {
    const schema = z.strictObject({
      a: z.string().describe("documented"),
      b: z.strictObject({ c: z.number().default(1) }).describe("section"),
      d: z.array(z.union([z.strictObject({ e: z.string() }), z.strictObject({ f: z.string().describe("f") })])).describe("list"),
    });
    expect(undocumentedKeys(referenceRows(z.toJSONSchema(schema, { io: "input" }) as never))).toEqual(["b.c", "d[].e"]);
  });
});
