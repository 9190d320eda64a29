/**
 * The KV v2 path convention: which strings are valid mounts and subtrees, and
 * the ACL paths KV v2 uses for them. Pure: no Pulumi resources.
 *
 * KV v2 splits one logical secret `<mount>/<p>` into several API paths:
 * `<mount>/data/<p>` (read/create/update the value), `<mount>/metadata/<p>`
 * (list, read metadata, delete all versions), and `delete/`, `undelete/`,
 * `destroy/`, `subkeys/`. A read-only consumer needs `data/` and `metadata/`.
 */

/** The API prefixes KV v2 puts between the mount and the secret path. */
export const KV2_API_SEGMENTS = ["data", "metadata", "delete", "undelete", "destroy", "subkeys", "config"] as const;

/**
 * Mount paths Vault reserves or that would shadow system backends: hashicorp/vault vault/mount.go
 * `protectedMounts` (audit/, auth/, sys/, cubbyhole/, identity/: 403 "cannot mount"), plus token.
 */
export const RESERVED_MOUNTS: readonly string[] = ["sys", "auth", "audit", "identity", "cubbyhole", "token"];

const SEGMENT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Why `mount` is not a usable KV v2 mount path, or `undefined` when it is.
 * A mount here is one segment: ESO's `provider.vault.path` takes the mount
 * only and inserts `data/` itself, so `secret/data` would make ESO read
 * `secret/data/data/...`.
 */
export function mountProblem(mount: string): string | undefined {
  if (mount.length === 0) return "is empty";
  if (mount.includes("/")) {
    return 'contains "/": give the mount only (e.g. "secret"); ESO adds "/data/" itself, so "secret/data" would read "secret/data/data/..."';
  }
  if ((KV2_API_SEGMENTS as readonly string[]).includes(mount)) {
    return `is the KV v2 API segment "${mount}", not a mount name`;
  }
  if (RESERVED_MOUNTS.includes(mount)) return `is reserved by Vault ("${mount}/")`;
  if (!SEGMENT.test(mount)) return "may only contain letters, digits, '-', '_' and '.'";
  return undefined;
}

/**
 * Why `subtree` is not a usable path below a KV mount (a scope or tenant
 * subtree like `acme/prod/clusters/c1/apps/billing`), or `undefined`.
 * Rejects anything that could widen an ACL path: globs, `+`, templates,
 * `.`/`..`, empty segments, leading or trailing slashes.
 */
export function subtreeProblem(subtree: string): string | undefined {
  if (subtree.length === 0) return "is empty (granting the whole mount is not allowed; name a subtree)";
  if (subtree.startsWith("/")) return 'starts with "/": paths are relative to the mount';
  if (subtree.endsWith("/")) return 'ends with "/"';
  if (/[*+{}]/.test(subtree)) return "contains a wildcard or template character (*, +, { or }), which would widen the policy";
  for (const seg of subtree.split("/")) {
    if (seg === "") return 'contains an empty segment ("//")';
    if (seg === "." || seg === "..") return `contains the segment "${seg}"`;
    if (!SEGMENT.test(seg)) return `segment "${seg}" may only contain letters, digits, '-', '_' and '.'`;
  }
  return undefined;
}

/** `<mount>/data/<subtree>` — where KV v2 keeps the values. */
export function kvDataPath(mount: string, subtree: string): string {
  return `${mount}/data/${subtree}`;
}

/** `<mount>/metadata/<subtree>` — what KV v2 lists and keeps metadata under. */
export function kvMetadataPath(mount: string, subtree: string): string {
  return `${mount}/metadata/${subtree}`;
}

/** Placeholders a tenant path template may use. `{tenant}` is required, as a whole segment. */
export const PATH_TEMPLATE_VARS = ["org", "env", "cluster", "tenant"] as const;
export type PathTemplateVars = Record<(typeof PATH_TEMPLATE_VARS)[number], string>;

/** Why `template` is not a usable tenant path template, or `undefined`. */
export function pathTemplateProblem(template: string): string | undefined {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((v) => !(PATH_TEMPLATE_VARS as readonly string[]).includes(v));
  if (unknown.length > 0) return `uses unknown placeholder(s) ${unknown.map((u) => `{${u}}`).join(", ")}; known: ${PATH_TEMPLATE_VARS.map((v) => `{${v}}`).join(", ")}`;
  const segments = template.split("/");
  const tenantSegments = segments.filter((s) => s.includes("{tenant}"));
  if (tenantSegments.length !== 1 || tenantSegments[0] !== "{tenant}") {
    return 'must contain "{tenant}" exactly once, as a whole path segment (e.g. "acme/{env}/apps/{tenant}"), so tenants never share a prefix';
  }
  const sample = renderPathTemplate(template, { org: "org", env: "env", cluster: "cluster", tenant: "tenant" });
  const p = subtreeProblem(sample);
  return p ? `renders to an invalid path: ${p}` : undefined;
}

export function renderPathTemplate(template: string, vars: PathTemplateVars): string {
  return template.replace(/\{(org|env|cluster|tenant)\}/g, (_m, k: keyof PathTemplateVars) => vars[k]);
}

/** True when one path equals the other or contains it as a segment-wise prefix. */
export function subtreesOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
