import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE_DEVELOPER_RULES } from "../../policies/k8s/rbac";
import { MANAGED_BY_LABELS } from "../config/options";
import { FIELD } from "../config/component-fields";
import { checkedInput, deferredProblems, refuse } from "../config/component-inputs";

export interface DeveloperClusterRoleArgs {
  /** The ClusterRole's name. Default `namespace-developer` (the config's `tenancy.developerClusterRole`). */
  readonly name?: pulumi.Input<string>;
}

/**
 * The ClusterRole tenants' developers are bound to in their own namespace (TenantNamespace `developers`): read
 * Secrets and ESO objects, manage workloads, never write ESO objects. Create it once per cluster and pass its
 * `roleName` to every TenantNamespace's `developerClusterRole`.
 */
export class DeveloperClusterRole extends pulumi.ComponentResource {
  /** The ClusterRole's name. */
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args?: DeveloperClusterRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    const where = { component: "DeveloperClusterRole", name, problems: deferredProblems(args ?? {}, ["name"]) };
    const roleName = checkedInput(where, "name", FIELD.developerClusterRole.default("namespace-developer"), args?.name);
    refuse("DeveloperClusterRole", name, where.problems);
    super("vault-eso:index:DeveloperClusterRole", name, {}, opts);
    const role = new k8s.rbac.v1.ClusterRole(`${name}-role`, developerClusterRole(roleName), { parent: this });
    this.roleName = role.metadata.name;
    this.registerOutputs({ roleName: this.roleName });
  }
}

/** The developer ClusterRole's manifest (also what the stack program creates). */
export function developerClusterRole(name: pulumi.Input<string>): k8s.types.input.rbac.v1.ClusterRole {
  return {
    metadata: { name, labels: { ...MANAGED_BY_LABELS } },
    rules: NAMESPACE_DEVELOPER_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
  };
}
