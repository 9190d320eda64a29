/**
 * The registrations the access model reads, from a directory `npm run render` wrote
 * (scripts/lib/render-files.ts layout): any revision's own render is read the same way, so
 * the base of a diff is rendered by the base's code. Pure: the files are handed in.
 *
 * - vault/policies/<name>.hcl        -> a `vault:index/policy:Policy` (name from its `# policy:` line)
 * - vault/deployer-policy.hcl        -> the deployer's policy
 * - vault/<Type>/<name>.yaml         -> `{type, name, inputs}` as written
 * - kubernetes/<ns>/<Kind>.<name>.yaml -> the object (its kind and metadata are what is read)
 */
import { parse } from "yaml";
import { AccessResource, DEPLOYER_POLICY_TYPE, POLICY_TYPE } from "./identities";

const policyName = (rel: string, text: string) => /^# policy: (\S+)\s*$/m.exec(text)?.[1] ?? rel.replace(/^.*\/|\.hcl$/g, "");

export function resourcesFromRender(files: ReadonlyMap<string, string>): AccessResource[] {
  const out: AccessResource[] = [];
  for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rel === "vault/deployer-policy.hcl") out.push({ type: DEPLOYER_POLICY_TYPE, name: "deployer-policy", inputs: { name: policyName(rel, text), policy: text } });
    else if (rel.startsWith("vault/policies/") && rel.endsWith(".hcl")) out.push({ type: POLICY_TYPE, name: policyName(rel, text), inputs: { name: policyName(rel, text), policy: text } });
    else if (rel.startsWith("vault/") && rel.endsWith(".yaml") && rel.split("/").length === 3) {
      const doc = parse(text) as { type?: unknown; name?: unknown; inputs?: unknown } | null;
      if (doc && typeof doc.type === "string" && doc.inputs && typeof doc.inputs === "object") out.push({ type: doc.type, name: String(doc.name ?? rel), inputs: doc.inputs as Record<string, unknown> });
    } else if (rel.startsWith("kubernetes/") && rel.endsWith(".yaml")) {
      const obj = parse(text) as Record<string, unknown> | null;
      if (obj && typeof obj.kind === "string" && typeof obj.apiVersion === "string") {
        const name = String((obj.metadata as { name?: unknown } | undefined)?.name ?? rel);
        out.push({ type: `kubernetes:${obj.apiVersion.includes("/") ? obj.apiVersion : `core/${obj.apiVersion}`}:${obj.kind}`, name, inputs: obj });
      }
    }
  }
  return out;
}
