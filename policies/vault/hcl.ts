/**
 * Renders the typed policy model as Vault HCL. Deterministic: the same model
 * gives the same bytes, so `pulumi preview` diffs and rendered files stay
 * quiet when nothing changed.
 */
import { CAPABILITIES, Capability, PathRule, VaultPolicy } from "./model";

export const HCL_HEADER = "# Managed by vault-eso (Pulumi): edits made in Vault are overwritten by the next `pulumi up`.";

/**
 * Vault HCL for `policy`; rules in the order given, capabilities in the order given.
 * `header` is the leading comment (default: the policy is managed by `pulumi up`).
 */
export function renderPolicyHcl(policy: VaultPolicy, header: string = HCL_HEADER): string {
  if (policy.rules.length === 0) {
    throw new Error(`Vault policy "${policy.name}" has no rules: an empty policy grants nothing and is almost certainly a bug`);
  }
  const stanzas = policy.rules.map((rule) => {
    if (rule.capabilities.length === 0) {
      throw new Error(`Vault policy "${policy.name}": path "${rule.path}" has no capabilities`);
    }
    const caps = rule.capabilities.map((c) => JSON.stringify(c)).join(", ");
    return `path ${JSON.stringify(rule.path)} {\n  capabilities = [${caps}]\n}\n`;
  });
  const comment = header.split("\n").map((l) => (l.startsWith("#") ? l : `# ${l}`)).join("\n");
  return `${comment}\n# policy: ${policy.name}\n\n${stanzas.join("\n")}`;
}

/**
 * Parses Vault policy HCL with HashiCorp's HCL parser (`@cdktf/hcl2json`)
 * back into the model, so policies written by anyone (not only our builders)
 * can be evaluated. Throws on syntax errors and on capabilities Vault does not know.
 */
export async function parsePolicyHcl(name: string, hcl: string): Promise<VaultPolicy> {
  const { parse } = await import("@cdktf/hcl2json");
  const doc = (await parse(`${name}.hcl`, hcl)) as { path?: Record<string, Array<{ capabilities?: unknown }>> };
  const rules: PathRule[] = [];
  for (const [path, blocks] of Object.entries(doc.path ?? {})) {
    for (const block of blocks) {
      const caps = block.capabilities;
      if (!Array.isArray(caps)) throw new Error(`policy ${name}: path "${path}" has no capabilities list`);
      for (const c of caps) {
        if (!(CAPABILITIES as readonly unknown[]).includes(c)) throw new Error(`policy ${name}: path "${path}" has unknown capability ${JSON.stringify(c)}`);
      }
      rules.push({ path, capabilities: caps as Capability[] });
    }
  }
  return { name, rules };
}
