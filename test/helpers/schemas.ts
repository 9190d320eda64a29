/**
 * Validates Kubernetes objects against the published schemas
 * (`kubernetes-models` for core groups, `@kubernetes-models/external-secrets`
 * for ESO). Both are ESM-only: loaded with dynamic `import()` (jest ESM mode).
 * An object whose apiVersion has no schema here is an error, never a pass.
 */
import { parse as parseHcl } from "@cdktf/hcl2json";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: Record<string, any>;
  [k: string]: any;
}

/** apiVersion -> module prefix of the package that holds its models. */
function modulePath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "external-secrets.io" || group === "generators.external-secrets.io") {
    return `@kubernetes-models/external-secrets/${group}/${version}/${kind}`;
  }
  if (group.endsWith(".k8s.io") || ["apps", "batch", "policy", "autoscaling"].includes(group)) {
    return `kubernetes-models/${group}/${version}/${kind}`;
  }
  throw new Error(`no published schema is wired for ${apiVersion} ${kind}: add its @kubernetes-models package to test/helpers/schemas.ts`);
}

/** Throws with the object, the schema path and the problem when `obj` is invalid. */
export async function validateK8sObject(obj: K8sObject): Promise<void> {
  const where = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name}`;
  let mod: Record<string, any>;
  try {
    mod = await import(modulePath(obj.apiVersion, obj.kind));
  } catch (e) {
    throw new Error(`${where}: cannot load its schema: ${(e as Error).message}`);
  }
  const Model = mod[obj.kind];
  if (typeof Model !== "function") throw new Error(`${where}: the schema package has no model for kind ${obj.kind}`);
  const instance = new Model(obj);
  try {
    instance.validate();
  } catch (e) {
    throw new Error(`${where} fails its schema: ${(e as Error).message}`);
  }
}

/** Parses `hcl` with HashiCorp's HCL parser (hcl2json); throws on syntax errors. */
export async function parsePolicyHcl(name: string, hcl: string): Promise<Record<string, Array<{ capabilities: string[] }>>> {
  const parsed = (await parseHcl(`${name}.hcl`, hcl)) as { path?: Record<string, Array<{ capabilities: string[] }>> };
  if (!parsed.path) throw new Error(`policy ${name}: no path blocks`);
  return parsed.path;
}
