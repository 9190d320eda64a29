/**
 * Tenants defined in files of the repository (`vault-eso:tenantFiles`), not in
 * the stack config. Pure: the file system is passed in.
 *
 * Why: the Node.js language host hands the program the whole stack config in
 * one environment variable (PULUMI_CONFIG), and Linux refuses to start a
 * process with a single environment string over 128 KiB (E2BIG), so a stack
 * config cannot hold many tenants (docs/sharding.md). The config then holds
 * only where the files are.
 *
 * `tenantFiles` is one entry or a list; each entry, relative to the project
 * directory and inside it (components/config/project-files.ts), is
 * - a file (`tenants/dev/payments.yaml`),
 * - a directory (every `*.yaml` / `*.yml` directly in it), or
 * - a pattern whose last segment has `*` / `?` (`tenants/dev/*.yaml`).
 * A file holds one tenant (a YAML mapping) or a list of tenants, with exactly
 * the fields of an entry of `vault-eso:tenants`.
 */
import { parse } from "yaml";
import { configPathProblem, readFailure } from "../config/project-files";

/** What the expansion needs from the file system. */
export interface TenantFileSystem {
  /** Entries of a directory, or undefined when it is not one. */
  readonly listDir: (dir: string) => ReadonlyArray<{ readonly name: string; readonly isDir: boolean }> | undefined;
  readonly readFile: (file: string) => string;
}

/** Where a tenant came from: the file, and its index there (undefined: the file is one tenant). */
export interface TenantOrigin {
  readonly file: string;
  readonly index?: number;
}

export interface TenantFilesResult {
  /** Tenants in file order, files sorted by path. */
  readonly tenants: unknown[];
  readonly origins: TenantOrigin[];
  /** Problems with `tenantFiles` itself (nothing matched, unreadable, not YAML): messages for the `tenantFiles` key. */
  readonly problems: Array<{ readonly value: string; readonly message: string }>;
}

const YAML_FILE = /\.ya?ml$/;

function join(dir: string, name: string): string {
  return dir === "." || dir === "" ? name : `${dir.replace(/\/+$/, "")}/${name}`;
}

/** `*` and `?` within one path segment. */
function segmentMatcher(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** The files one entry names, sorted; or a problem. */
export function expandEntry(entry: string, fsys: Pick<TenantFileSystem, "listDir">): { files: string[] } | { problem: string } {
  const outside = configPathProblem(entry);
  if (outside) return { problem: outside };
  const slash = entry.lastIndexOf("/");
  const dir = slash >= 0 ? entry.slice(0, slash) || "/" : ".";
  const last = entry.slice(slash + 1);
  if (/[*?]/.test(dir)) return { problem: "has a wildcard before its last segment; only the file name may be a pattern. Fix: e.g. \"tenants/dev/*.yaml\", or list the directories" };
  if (/[*?]/.test(last)) {
    const listed = fsys.listDir(dir);
    if (!listed) return { problem: `names a pattern in "${dir}", which is not a directory. Fix: give a path relative to the Pulumi project directory` };
    const re = segmentMatcher(last);
    const files = listed.filter((e) => !e.isDir && re.test(e.name)).map((e) => join(dir, e.name)).sort();
    return files.length ? { files } : { problem: `matches no file. Fix: check the pattern, or remove the entry` };
  }
  const listed = fsys.listDir(entry);
  if (listed) {
    const files = listed.filter((e) => !e.isDir && YAML_FILE.test(e.name)).map((e) => join(entry, e.name)).sort();
    return files.length ? { files } : { problem: "is a directory without *.yaml / *.yml files. Fix: put one file per team there, or remove the entry" };
  }
  return { files: [entry] };
}

/** Reads every tenant file an entry list names. A file named twice is read once. */
export function readTenantFiles(entries: readonly string[], fsys: TenantFileSystem): TenantFilesResult {
  const tenants: unknown[] = [];
  const origins: TenantOrigin[] = [];
  const problems: TenantFilesResult["problems"] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const expanded = expandEntry(entry, fsys);
    if ("problem" in expanded) {
      problems.push({ value: JSON.stringify(entry), message: expanded.problem });
      continue;
    }
    for (const file of expanded.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      let text: string;
      try {
        text = fsys.readFile(file);
      } catch (e) {
        problems.push({ value: JSON.stringify(file), message: readFailure(e) });
        continue;
      }
      let doc: unknown;
      try {
        doc = parse(text);
      } catch (e) {
        problems.push({ value: JSON.stringify(file), message: `is not valid YAML (${yamlErrorWhere(e)}). Fix: correct the file` });
        continue;
      }
      if (Array.isArray(doc)) {
        doc.forEach((t, index) => {
          tenants.push(t);
          origins.push({ file, index });
        });
      } else if (doc && typeof doc === "object") {
        tenants.push(doc);
        origins.push({ file });
      } else {
        problems.push({ value: JSON.stringify(file), message: "holds neither a tenant (a mapping with name, ...) nor a list of tenants. Fix: write one tenant as in vault-eso:tenants" });
      }
    }
  }
  return { tenants, origins, problems };
}

/** How a problem's key names a file tenant's field: `tenants/dev/a.yaml: [1].externalSecrets[0].name`. */
export function fileFieldKey(origin: TenantOrigin, rest: readonly string[]): string {
  const index = origin.index === undefined ? "" : `[${origin.index}]`;
  const field = rest.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 && !index ? p : `.${p}`)).join("");
  const where = `${index}${field}`;
  return `${origin.file}: ${where || "(the tenant)"}`;
}

/** How a message refers to a tenant: `tenants[3]` or `tenants/dev/a.yaml [1]`. */
export function tenantLabel(i: number, origins: ReadonlyArray<TenantOrigin | undefined>): string {
  const o = origins[i];
  if (!o) return `tenants[${i}]`;
  return o.index === undefined ? o.file : `${o.file} [${o.index}]`;
}

/** A YAML error's code and position, without the excerpt of the file the parser quotes. */
function yamlErrorWhere(e: unknown): string {
  const err = e as { code?: unknown; linePos?: ReadonlyArray<{ line: number; col: number }> };
  const pos = err.linePos?.[0];
  const code = typeof err.code === "string" ? err.code : "syntax error";
  return pos ? `${code} at line ${pos.line}, column ${pos.col}` : code;
}

/**
 * How an error shows a value read from a tenant file: its shape and at most a few leading characters
 * (a file may hold a value its author did not mean to publish; errors reach CI logs and PR comments).
 */
export function redactedExcerpt(v: unknown): string {
  if (typeof v === "string") {
    const shown = v.slice(0, Math.min(4, Math.floor(v.length / 4)));
    return `${JSON.stringify(`${shown}…`)} (redacted, ${v.length} characters)`;
  }
  if (typeof v === "number" || typeof v === "boolean" || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `(a list of ${v.length}, redacted)`;
  if (typeof v === "object") {
    const keys = Object.keys(v as object);
    const named = keys.slice(0, 5).map((k) => (k.length > 40 ? `${k.slice(0, 37)}...` : k));
    return `(a map with keys ${named.join(", ")}${keys.length > 5 ? `, ... (${keys.length})` : ""}; values redacted)`;
  }
  return "(redacted)";
}
