/**
 * Reading what a user dumps with read-only access: `kubectl get ... -o yaml`
 * (one `List`, or several YAML documents) and a directory mirroring Vault's
 * API paths. Pure apart from the file reads passed in; no credentials.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** A user error (bad file, bad option): the CLI prints the message alone and exits 1. */
export class AdoptInputError extends Error {}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string; readonly name: string; readonly controller?: boolean }>;
  };
  readonly [field: string]: unknown;
}

/** Every object of a `kubectl get -o yaml` dump: Lists (`kind: List`, `*List`) are flattened, empty documents skipped. */
export function parseKubeDump(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) throw new AdoptInputError(`${file}: document ${i + 1} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}. Fix: dump with kubectl get ... -o yaml (several dumps joined with a "---" line)`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = isList(value) ? (value.items as unknown[]) : [value];
    items.forEach((item, j) => out.push(checkObject(item, `${file}: document ${i + 1}${isList(value) ? `, item ${j + 1}` : ""}`)));
  }
  return out;
}

function isList(v: unknown): v is { kind: string; items: unknown[] } {
  return typeof v === "object" && v !== null && typeof (v as { kind?: unknown }).kind === "string" && /List$/.test((v as { kind: string }).kind) && Array.isArray((v as { items?: unknown }).items);
}

function checkObject(v: unknown, where: string): KubeObject {
  const o = v as Partial<KubeObject> | null;
  if (!o || typeof o !== "object" || typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
    throw new AdoptInputError(`${where}: not a Kubernetes object (apiVersion, kind and metadata.name are required). Fix: dump with kubectl get <kinds> -o yaml`);
  }
  return o as KubeObject;
}

/** What `vault secrets list` / `vault auth list -format=json` print per mount (the keys end with `/`). */
export interface VaultMount {
  readonly type: string;
  readonly description?: string;
  readonly options?: Readonly<Record<string, string>> | null;
}

export interface VaultDump {
  readonly mounts: Readonly<Record<string, VaultMount>>;
  readonly auths: Readonly<Record<string, VaultMount>>;
  /** Policy name -> HCL text (`vault policy read <name>`). */
  readonly policies: Readonly<Record<string, string>>;
  /** Auth mount path (no slash) -> `data` of `vault read -format=json auth/<mount>/config`. */
  readonly authConfigs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Auth mount path -> role name -> `data` of `vault read -format=json auth/<mount>/role/<name>`. */
  readonly roles: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** The file reads `readVaultDir` needs (tests pass an in-memory tree). */
export interface DirReader {
  exists(p: string): boolean;
  isDir(p: string): boolean;
  read(p: string): string;
  list(p: string): string[];
}

/**
 * Reads a directory laid out like Vault's API paths: `secrets.json`,
 * `auth.json`, `policies/<name>.hcl`, `auth/<mount>/config.json`,
 * `auth/<mount>/role/<name>.json`. Every file is optional except the two lists.
 */
export function readVaultDir(dir: string, files: DirReader): VaultDump {
  const fs = files;
  if (!fs.isDir(dir)) throw new AdoptInputError(`--vault ${dir}: not a directory. Fix: a directory holding secrets.json (vault secrets list -format=json) and auth.json (vault auth list -format=json); see docs/migrating.md`);
  const json = (rel: string, required: boolean): Record<string, unknown> | undefined => {
    const p = path.join(dir, rel);
    if (!fs.exists(p)) {
      if (required) throw new AdoptInputError(`--vault ${dir}: ${rel} is missing. Fix: ${rel === "secrets.json" ? "vault secrets list -format=json" : "vault auth list -format=json"} > ${p}`);
      return undefined;
    }
    try {
      return JSON.parse(fs.read(p)) as Record<string, unknown>;
    } catch (e) {
      throw new AdoptInputError(`${p}: not JSON (${(e as Error).message}). Fix: write it with -format=json`);
    }
  };
  // `vault read -format=json` wraps the answer: { request_id, ..., data: {...} }.
  const data = (v: Record<string, unknown> | undefined) => (v && typeof v.data === "object" && v.data !== null ? (v.data as Record<string, unknown>) : v);
  const mounts = json("secrets.json", true) as Record<string, VaultMount>;
  const auths = json("auth.json", true) as Record<string, VaultMount>;
  const policies: Record<string, string> = {};
  const pdir = path.join(dir, "policies");
  if (fs.isDir(pdir)) for (const f of fs.list(pdir).filter((n) => n.endsWith(".hcl"))) policies[f.slice(0, -4)] = fs.read(path.join(pdir, f));
  const authConfigs: Record<string, Record<string, unknown>> = {};
  const roles: Record<string, Record<string, Record<string, unknown>>> = {};
  const adir = path.join(dir, "auth");
  if (fs.isDir(adir)) {
    for (const mount of fs.list(adir)) {
      if (!fs.isDir(path.join(adir, mount))) continue;
      const cfg = data(json(path.join("auth", mount, "config.json"), false));
      if (cfg) authConfigs[mount] = cfg;
      const rdir = path.join(adir, mount, "role");
      if (fs.isDir(rdir)) {
        roles[mount] = {};
        for (const f of fs.list(rdir).filter((n) => n.endsWith(".json"))) roles[mount][f.slice(0, -5)] = data(json(path.join("auth", mount, "role", f), false)) ?? {};
      }
    }
  }
  return { mounts, auths, policies, authConfigs, roles };
}

/** `DirReader` over the local filesystem. */
export function nodeDirReader(): DirReader {
  return {
    exists: (p) => fs.existsSync(p),
    isDir: (p) => fs.existsSync(p) && fs.statSync(p).isDirectory(),
    read: (p) => fs.readFileSync(p, "utf8"),
    list: (p) => fs.readdirSync(p).sort(),
  };
}
