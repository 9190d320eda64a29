import type { HclNode, HclObject } from "../../policies/vault/hcl1";

/** The values at `path` through nested HCL v1 blocks (`method "kubernetes" {}` has keys ["method", "kubernetes"]), as plain JS. */
export function hclAt(node: HclObject, path: readonly string[]): unknown[] {
  const plain = (n: HclNode): unknown =>
    n.kind === "literal" ? n.value : n.kind === "list" ? n.elems.map(plain) : Object.fromEntries(n.items.map((i) => [i.keys.join("."), plain(i.val)]));
  const out: unknown[] = [];
  for (const item of node.items) {
    if (item.keys.length > path.length || item.keys.some((k, j) => path[j] !== k)) continue;
    const rest = path.slice(item.keys.length);
    if (rest.length === 0) out.push(plain(item.val));
    else if (item.val.kind === "object") out.push(...hclAt(item.val, rest));
  }
  return out;
}

