/**
 * Plays what a program registered (under the mock engine) against the Vault
 * model, the way `pulumi up` would reach a real server: each Vault object is
 * created (a write Vault may refuse) or, with the `import` option, adopted
 * (provider Read + import diff). Returns every refusal, with the upstream
 * rule that produced it. Models: ./vault-server.ts, ./pulumi-import.ts.
 */
import {
  AUDIT_SCHEMA,
  AUTH_BACKEND_SCHEMA,
  importStep,
  MOUNT_SCHEMA,
  parseKubernetesRoleId,
  POLICY_SCHEMA,
  readAuditState,
  readAuthBackendState,
  readMountState,
  readPolicyState,
} from "./pulumi-import";
import { enableAuditDevice, enableAuthMethod, enableSecretsEngine, sanitizePath, sanitizePolicyName, setPolicy, VaultServer } from "./vault-server";

export interface VaultRegistration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly importId?: string;
  readonly ignoreChanges?: readonly string[];
}

export interface Refusal {
  readonly resource: string;
  readonly problem: string;
}

/** Unwraps Pulumi's secret marker (inputs as mocks see them). */
function plain(v: unknown): unknown {
  if (v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in (v as object)) return (v as { value: unknown }).value;
  return v;
}

function plainInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, plain(v)]));
}

export function applyToVault(server: VaultServer, regs: readonly VaultRegistration[]): Refusal[] {
  const out: Refusal[] = [];
  const refuse = (r: VaultRegistration, problem: string) => out.push({ resource: `${r.type} ${r.name}`, problem });
  const adopt = (r: VaultRegistration, schema: typeof MOUNT_SCHEMA, read: Record<string, unknown> | undefined) => {
    const o = importStep({ id: r.importId!, schema, read, inputs: plainInputs(r.inputs), ignoreChanges: r.ignoreChanges });
    if (o.result === "missing") refuse(r, `import: ${o.message}`);
    if (o.result === "mismatch") refuse(r, `import: ${o.message} (${o.diffs.join(", ")})`);
  };
  for (const r of regs) {
    const i = plainInputs(r.inputs) as Record<string, any>;
    switch (r.type) {
      case "vault:index/mount:Mount": {
        if (r.importId) {
          const m = server.mounts.find((e) => e.path === sanitizePath(r.importId!));
          adopt(r, MOUNT_SCHEMA, m && readMountState(m));
        } else {
          const res = enableSecretsEngine(server, { path: i.path, type: i.type, description: i.description, options: i.options, local: i.local, sealWrap: i.sealWrap });
          if (!res.ok) refuse(r, `sys/mounts/${i.path}: ${res.status} ${res.error}`);
        }
        break;
      }
      case "vault:index/authBackend:AuthBackend": {
        const path = i.path ?? i.type;
        if (r.importId) {
          const m = server.auth.find((e) => e.path === sanitizePath(r.importId!));
          adopt(r, AUTH_BACKEND_SCHEMA, m && readAuthBackendState(m));
        } else {
          const res = enableAuthMethod(server, { path, type: i.type, description: i.description, local: i.local });
          if (!res.ok) refuse(r, `sys/auth/${path}: ${res.status} ${res.error}`);
        }
        break;
      }
      case "vault:index/audit:Audit": {
        const path = i.path ?? i.type;
        if (r.importId) {
          const d = server.audit.find((e) => e.path === sanitizePath(r.importId!));
          adopt(r, AUDIT_SCHEMA, d && readAuditState(r.importId, d));
        } else {
          const res = enableAuditDevice(server, { path, type: i.type, description: i.description, local: i.local, options: i.options ?? {} });
          if (!res.ok) refuse(r, `sys/audit/${path}: ${res.status} ${res.error}`);
        }
        break;
      }
      case "vault:index/policy:Policy": {
        if (r.importId) {
          const text = server.policies.get(sanitizePolicyName(r.importId));
          adopt(r, POLICY_SCHEMA, text === undefined ? undefined : readPolicyState(r.importId, text));
        } else {
          const res = setPolicy(server, i.name, i.policy);
          if (!res.ok) refuse(r, `sys/policies/acl/${i.name}: ${res.status} ${res.error}`);
          else if (res.value.name !== i.name) refuse(r, `sys/policies/acl/${i.name}: Vault stores the policy as "${res.value.name}"`);
          else if (res.value.text !== i.policy) refuse(r, `sys/policies/acl/${i.name}: Vault stores a different text than the program sent (base64-decoded)`);
        }
        break;
      }
      case "vault:kubernetes/authBackendRole:AuthBackendRole": {
        if (!server.auth.some((e) => e.path === sanitizePath(i.backend))) refuse(r, `auth/${i.backend}/role/${i.roleName}: no auth method at ${i.backend}/`);
        if (r.importId) {
          const parsed = parseKubernetesRoleId(r.importId);
          if (!parsed || parsed.backend !== i.backend || parsed.role !== i.roleName) {
            refuse(r, `import ID "${r.importId}" reads back as ${JSON.stringify(parsed)}, not backend "${i.backend}" role "${i.roleName}"`);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** The names of the Vault policies, Kubernetes auth roles and audit devices a program registered. */
export function registeredVaultNames(regs: readonly VaultRegistration[]): { policies: string[]; roles: string[]; auditDevices: string[] } {
  const of = (type: string, key: string) => regs.filter((r) => r.type === type).map((r) => String(plain(r.inputs[key]) ?? plain(r.inputs.type)));
  return {
    policies: of("vault:index/policy:Policy", "name").sort(),
    roles: of("vault:kubernetes/authBackendRole:AuthBackendRole", "roleName").sort(),
    auditDevices: of("vault:index/audit:Audit", "path").sort(),
  };
}
