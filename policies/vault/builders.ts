/**
 * Typed builders for the Vault ACL policies this project writes. Pure: each
 * returns the policy model; `hcl.ts` renders it and `acl.ts` evaluates it.
 */
import type { PathRule, VaultPolicy } from "./model";
import { kvDataPath, kvMetadataPath } from "./paths";

/**
 * Read-only access to one subtree of a KV v2 mount, as ESO needs it:
 * `read` on `data/<subtree>/*` (the values) and `read`+`list` on
 * `metadata/<subtree>/*` (ESO's `find`/`dataFrom` list there, and reading a
 * secret's metadata needs it). Nothing outside the subtree, nothing on the
 * version-management paths (`delete/`, `destroy/`...).
 */
export function kvReadRules(mount: string, subtree: string): PathRule[] {
  return [
    { path: `${kvDataPath(mount, subtree)}/*`, capabilities: ["read"] },
    { path: `${kvMetadataPath(mount, subtree)}/*`, capabilities: ["read", "list"] },
  ];
}

/** The policy of the cluster-wide ESO identity: read-only on `<mount>/<scope>`. */
export function esoReadPolicy(name: string, mount: string, scope: string): VaultPolicy {
  return { name, rules: kvReadRules(mount, scope) };
}
