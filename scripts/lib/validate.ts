/**
 * Validates Kubernetes objects against the published schemas
 * (`kubernetes-models` for core groups, `@kubernetes-models/external-secrets`
 * for ESO, `@kubernetes-models/cert-manager`, `@kubernetes-models/prometheus-operator`)
 * and Vault policies with HashiCorp's HCL parser. The one copy, used by the
 * tests (via test/helpers/schemas.ts) and by `npm run render`.
 *
 * The model packages are ESM-only: loaded with dynamic `import()`, which
 * TypeScript keeps as a real `import()` under `module: node16` (ts-node,
 * CommonJS) and under jest's ESM mode.
 * An object whose apiVersion has no schema here is an error, never a pass.
 */
import { parsePolicyHcl as parseVaultPolicy } from "../../policies/vault/hcl";
import { isDns1123Label, isDns1123Subdomain } from "../../components/config/names";

/** The ESO API versions ESO 2.x serves; the models package still ships v1beta1, the API server does not. */
const SERVED_ESO_VERSIONS = new Set(["external-secrets.io/v1", "external-secrets.io/v1alpha1", "generators.external-secrets.io/v1alpha1"]);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

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
  if (group === "cert-manager.io" || group.endsWith(".cert-manager.io") || group === "trust.cert-manager.io") {
    return `@kubernetes-models/cert-manager/${group}/${version}/${kind}`;
  }
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  throw new Error(`no published schema is wired for ${apiVersion} ${kind}: add its @kubernetes-models package to scripts/lib/validate.ts`);
}

/** Throws with the object, the schema path and the problem when `obj` is invalid. */
export async function validateK8sObject(obj: K8sObject): Promise<void> {
  const where = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name}`;
  if (obj.apiVersion.startsWith("external-secrets.io/") || obj.apiVersion.startsWith("generators.external-secrets.io/")) {
    if (!SERVED_ESO_VERSIONS.has(obj.apiVersion)) throw new Error(`${where}: ${obj.apiVersion} is not served by ESO 2.x`);
  }
  checkMetadata(obj, where);
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

/** What the API server checks that the JSON schemas leave out: name and label formats. */
function checkMetadata(obj: K8sObject, where: string): void {
  const name = obj.metadata?.name;
  if (typeof name !== "string") throw new Error(`${where}: metadata.name is missing`);
  const nameOk = obj.kind === "Namespace" ? isDns1123Label(name) : isDns1123Subdomain(name) || obj.kind.endsWith("Role") || obj.kind.endsWith("RoleBinding");
  if (!nameOk) throw new Error(`${where}: metadata.name "${name}" is not a valid ${obj.kind} name`);
  if (obj.metadata?.namespace !== undefined && !isDns1123Label(obj.metadata.namespace)) {
    throw new Error(`${where}: metadata.namespace "${obj.metadata.namespace}" is not a DNS-1123 label`);
  }
  for (const [k, v] of Object.entries((obj.metadata?.labels ?? {}) as Record<string, string>)) {
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) throw new Error(`${where}: label ${k}="${v}" has an invalid value`);
  }
}

/** Parses `hcl` (HCL or JSON) as Vault does (policies/vault/hcl.ts) into path -> blocks; throws where Vault refuses it, and on empty policies. */
export async function parsePolicyHcl(name: string, hcl: string): Promise<Record<string, Array<{ capabilities: string[] }>>> {
  // One parser for the whole project (policies/vault/hcl.ts), reading policies as Vault reads them.
  const policy = await parseVaultPolicy(name, hcl);
  if (policy.rules.length === 0) throw new Error(`policy ${name}: no path blocks`);
  const paths: Record<string, Array<{ capabilities: string[] }>> = {};
  for (const rule of policy.rules) (paths[rule.path] ??= []).push({ capabilities: [...rule.capabilities] });
  return paths;
}
