/**
 * Which stacks a change touches, from the paths it changes (`git diff --name-only`).
 * Pure: the stack files' config and the directory listing are passed in. Used by
 * `npm run changed-stacks` (scripts/changed-stacks.ts) and the pull-request workflow,
 * which previews only these stacks (docs/ci.md).
 *
 * - The program (index.ts, components/, policies/), its dependencies
 *   (package.json, package-lock.json), Pulumi.yaml and tsconfig.json: every stack.
 * - `Pulumi.<stack>.yaml`: that stack.
 * - A tenant file: every stack whose `vault-eso:tenantFiles` names it, resolved by
 *   components/tenants/tenant-files.ts `expandEntry` exactly as the program resolves it
 *   (plus the changed paths themselves, so a deleted or renamed file still counts).
 * - A file a stack's config names under a `...File` key (`caCertFile`): that stack.
 * - A platform stack touched for any reason: its tenant stacks too (they read its
 *   `tenantContract`). A tenant stack names its platform in `vault-eso:platform`; a
 *   platform names its tenant stacks under `vault-eso:shards`; both are followed.
 * - Anything else (docs, *.md, tests, scripts, workflows, examples no stack names): none.
 */
import * as path from "path";
import { expandEntry, TenantFileSystem } from "../../components/tenants/tenant-files";

/** One stack file: its stack name, its path (relative to the project directory) and its flat config. */
export interface StackFileEntry {
  readonly stack: string;
  readonly file: string;
  /** As Pulumi hands it to the program (`"vault-eso:shards" -> JSON string`): scripts/lib/stack-file.ts readStackFile. */
  readonly config: Readonly<Record<string, string>>;
}

export interface ChangedStacksInput {
  /** Changed paths, relative to the project directory (which is the repository root here). */
  readonly changed: readonly string[];
  readonly stacks: readonly StackFileEntry[];
  /** The project's name (Pulumi.yaml `name`): stack references are `<org>/<project>/<stack>`. */
  readonly project: string;
  readonly listDir: TenantFileSystem["listDir"];
}

export interface ChangedStacksResult {
  /** Touched stacks, sorted. */
  readonly stacks: string[];
  /** Why each touched stack is touched (the first reasons, for the log). */
  readonly reasons: Record<string, string[]>;
}

/** Paths every stack is built from: the program, its dependencies, the project file. */
const EVERY_STACK_FILES = new Set(["index.ts", "Pulumi.yaml", "Pulumi.yml", "package.json", "package-lock.json", "tsconfig.json"]);
const EVERY_STACK_DIRS = ["components/", "policies/"];

/** The config namespace (the project name, as components/config/config.ts PROJECT). */
const PROJECT = "vault-eso";

function norm(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, "/"));
  return n.startsWith("./") ? n.slice(2) : n;
}

/** A config value as the program reads it: JSON for objects and lists, else the string. */
function value(config: Readonly<Record<string, string>>, key: string): unknown {
  const raw = config[`${PROJECT}:${key}`] ?? config[key];
  if (raw === undefined) return undefined;
  if (/^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** `tenantFiles` entries, as components/config/config.ts mergeTenantFiles accepts them (one string, or a list of strings). */
function tenantFileEntries(config: Readonly<Record<string, string>>): string[] {
  const spec = value(config, "tenantFiles");
  if (typeof spec === "string" && spec) return [spec];
  if (Array.isArray(spec) && spec.every((e) => typeof e === "string" && e.length > 0)) return spec as string[];
  return [];
}

/** Strings under keys ending in `File` anywhere in the config (`kubernetesAuth.caCertFile`, `vault.caCertFile`). */
function referencedFiles(config: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (typeof v === "string" && /File$/.test(key)) found.push(norm(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const key of Object.keys(config)) walk(value(config, key.replace(/^[^:]*:/, "")), key.replace(/^[^:]*:/, ""));
  return found;
}

/** `<org>/<project>/<stack>` -> the stack's name when it is a stack of this project. */
function stackOf(ref: string, project: string): string | undefined {
  const parts = ref.split("/");
  if (parts.length !== 3 || parts[1] !== project) return undefined;
  return parts[2];
}

/** Whether a path changes what every stack is built from. */
export function touchesEveryStack(changed: string): boolean {
  const p = norm(changed);
  return EVERY_STACK_FILES.has(p) || EVERY_STACK_DIRS.some((d) => p.startsWith(d));
}

export function changedStacks(input: ChangedStacksInput): ChangedStacksResult {
  const changed = [...new Set(input.changed.map((c) => c.trim()).filter(Boolean).map(norm))];
  const known = new Set(input.stacks.map((s) => s.stack));
  const reasons: Record<string, string[]> = {};
  const touch = (stack: string, why: string) => {
    if (!known.has(stack)) return;
    (reasons[stack] ??= []).push(why);
  };

  // Directory listings as the program sees them, plus the changed paths (a deleted file is still a change to its stack).
  const listDir: TenantFileSystem["listDir"] = (dir) => {
    const real = input.listDir(dir);
    const d = norm(dir);
    const extra = changed.filter((c) => path.posix.dirname(c) === d && !(real ?? []).some((e) => e.name === path.posix.basename(c)));
    if (!real && extra.length === 0) return undefined;
    return [...(real ?? []), ...extra.map((c) => ({ name: path.posix.basename(c), isDir: false }))];
  };

  const every = changed.filter(touchesEveryStack);
  for (const s of input.stacks) {
    if (every.length) touch(s.stack, `${every[0]} (the program: every stack)`);
    if (changed.includes(norm(s.file))) touch(s.stack, `${norm(s.file)} (its stack file)`);
    const tenantFiles = new Set<string>();
    for (const entry of tenantFileEntries(s.config)) {
      const expanded = expandEntry(entry, { listDir });
      if ("files" in expanded) for (const f of expanded.files) tenantFiles.add(norm(f));
    }
    for (const c of changed) if (tenantFiles.has(c)) touch(s.stack, `${c} (a tenant file of its vault-eso:tenantFiles)`);
    const refs = new Set(referencedFiles(s.config));
    for (const c of changed) if (refs.has(c)) touch(s.stack, `${c} (a file its config names)`);
  }

  // Platform -> tenant stacks, to a fixed point (a tenant stack is never a platform, but follow edges generally).
  const tenantsOf = new Map<string, Set<string>>();
  const edge = (platform: string | undefined, tenant: string | undefined) => {
    if (!platform || !tenant || platform === tenant || !known.has(platform) || !known.has(tenant)) return;
    if (!tenantsOf.has(platform)) tenantsOf.set(platform, new Set());
    tenantsOf.get(platform)!.add(tenant);
  };
  for (const s of input.stacks) {
    const platform = value(s.config, "platform");
    if (typeof platform === "string") edge(stackOf(platform, input.project), s.stack);
    const shards = value(s.config, "shards");
    if (shards && typeof shards === "object" && !Array.isArray(shards)) for (const ref of Object.keys(shards)) edge(s.stack, stackOf(ref, input.project));
  }
  const queue = Object.keys(reasons);
  while (queue.length) {
    const p = queue.shift()!;
    for (const t of tenantsOf.get(p) ?? []) {
      const first = !(t in reasons);
      touch(t, `platform stack ${p} (its tenantContract)`);
      if (first) queue.push(t);
    }
  }

  return { stacks: Object.keys(reasons).sort(), reasons };
}

/** Stacks whose endpoints exist only where a job creates them (loopback Vault, kind context): the e2e job's, not a preview's. */
export function hasLocalEndpoints(config: Readonly<Record<string, string>>): boolean {
  const vault = value(config, "vault");
  const address = vault && typeof vault === "object" ? String((vault as { address?: unknown }).address ?? "") : "";
  const context = config["kubernetes:context"] ?? "";
  return /^https?:\/\/(127\.|localhost|\[::1\])/.test(address) || context.startsWith("kind-");
}

/** The preview matrix: a stack and its upper-case suffix for `vars.VAULT_ADDR_<SUFFIX>` / `secrets.KUBECONFIG_<SUFFIX>`. */
export function previewMatrix(stacks: readonly string[]): Array<{ stack: string; suffix: string }> {
  return stacks.map((stack) => ({ stack, suffix: stack.toUpperCase().replace(/[^A-Z0-9]/g, "_") }));
}

/**
 * What the pull-request workflow previews of the touched stacks: those a runner can reach, as the
 * matrix `include`; stacks with local endpoints are left to the e2e job (`skipped`).
 */
export function previewInclude(touched: readonly string[], stacks: readonly StackFileEntry[]): { include: Array<{ stack: string; suffix: string }>; skipped: string[] } {
  const local = new Set(stacks.filter((s) => hasLocalEndpoints(s.config)).map((s) => s.stack));
  return { include: previewMatrix(touched.filter((s) => !local.has(s))), skipped: touched.filter((s) => local.has(s)) };
}
