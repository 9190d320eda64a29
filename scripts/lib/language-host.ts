/**
 * How `pulumi preview` / `pulumi up` start a Node.js program, as pure functions: a model of
 * pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go` (`parseOptions`, `constructConfig`,
 * the `nodeargs` split in `execRuntime`), `pkg/engine/project.go` (`getPwdMain`) and
 * `sdk/go/common/resource/urn.go` (`NewURN`), read at 1b5949891b3cefcb9974752b24a5ecef0acc86c8.
 * Used by the stand-in engine (scripts/lib/stand-in-engine.ts) and the tests.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Pulumi.yaml's `runtime.options` as the Node.js language host reads them (`parseOptions`). */
export interface RuntimeOptions {
  readonly typescript: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

export interface ProjectFile {
  readonly name: string;
  readonly main?: string;
  readonly options: RuntimeOptions;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
    runtime: string | { name: string; options?: Record<string, unknown> };
  };
  const raw = typeof doc.runtime === "object" ? (doc.runtime.options ?? {}) : {};
  const opt = <T>(key: string, type: string): T | undefined => {
    if (!(key in raw)) return undefined;
    if (typeof raw[key] !== type) throw new Error(`Pulumi.yaml runtime.options.${key} must be a ${type} (the language host rejects it otherwise)`);
    return raw[key] as T;
  };
  return {
    name: doc.name,
    main: doc.main,
    options: { typescript: opt<boolean>("typescript", "boolean") ?? true, tsconfig: opt<string>("tsconfig", "string"), nodeargs: opt<string>("nodeargs", "string") },
  };
}

/** `shlex.Split` for the simple cases `nodeargs` holds (whitespace, single and double quotes). */
export function splitArgs(s: string | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  let cur: string | undefined;
  let quote: string | undefined;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur = (cur ?? "") + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur = cur ?? "";
    } else if (/\s/.test(ch)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? "") + ch;
  }
  if (quote) throw new Error(`nodeargs: unterminated ${quote}`);
  if (cur !== undefined) out.push(cur);
  return out;
}

/** `constructConfig`: `<ns>:<name>` -> `<ns>:config:<name>` (config.ParseKey: the namespace ends at the first colon). */
export function languageHostConfig(config: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const i = k.indexOf(":");
    if (i <= 0) throw new Error(`config key ${k} has no namespace`);
    out[`${k.slice(0, i)}:config:${k.slice(i + 1)}`] = v;
  }
  return out;
}

function qualifiedType(urn: string): string {
  // urn:pulumi:<stack>::<project>::<qualified type>::<name>
  return urn.split("::")[2];
}

/** `resource.NewURN`: the parent's qualified type joins with `$`, except the root stack's. */
export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn ? qualifiedType(parentUrn) : "";
  const qt = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qt}::${name}`;
}


/** `getPwdMain`: a `main` file runs from its directory with its base name as the entry point; a directory as ".". */
export function pwdMain(root: string, main: string | undefined): { pwd: string; entryPoint: string } {
  if (!main) return { pwd: root, entryPoint: "." };
  const full = path.resolve(root, main);
  if (fs.statSync(full).isDirectory()) return { pwd: full, entryPoint: "." };
  return { pwd: path.dirname(full), entryPoint: path.basename(full) };
}
