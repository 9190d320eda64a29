/** The developer ClusterRole grants no ESO write verb; the RBAC evaluator is checked against hand cases. */
import { authDelegatorBinding, esoWritesGranted, NAMESPACE_DEVELOPER_RULES, PolicyRule, rbacAllows } from "../policies/k8s/rbac";

test("namespace-developer grants none of the ESO write verbs", () => {
  expect(esoWritesGranted(NAMESPACE_DEVELOPER_RULES)).toEqual([]);
  for (const resource of ["externalsecrets", "secretstores", "clustersecretstores", "pushsecrets"]) {
    for (const verb of ["create", "update", "patch", "delete"]) {
      expect(rbacAllows(NAMESPACE_DEVELOPER_RULES, verb, "external-secrets.io", resource)).toBe(false);
    }
  }
});

test("namespace-developer keeps seed 000's grants: read secrets, manage workloads, read ExternalSecret status", () => {
  expect(rbacAllows(NAMESPACE_DEVELOPER_RULES, "get", "", "secrets")).toBe(true);
  expect(rbacAllows(NAMESPACE_DEVELOPER_RULES, "create", "", "secrets")).toBe(false);
  expect(rbacAllows(NAMESPACE_DEVELOPER_RULES, "create", "apps", "deployments")).toBe(true);
  expect(rbacAllows(NAMESPACE_DEVELOPER_RULES, "list", "external-secrets.io", "externalsecrets")).toBe(true);
});

test("namespace-developer uses no wildcards", () => {
  for (const r of NAMESPACE_DEVELOPER_RULES) {
    expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain("*");
  }
});

test.each<[string, PolicyRule[], string]>([
  ["a verb wildcard on ExternalSecrets", [{ apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: ["*"] }], "create external-secrets.io/externalsecrets"],
  ["a resource wildcard in the ESO group", [{ apiGroups: ["external-secrets.io"], resources: ["*"], verbs: ["patch"] }], "patch external-secrets.io/secretstores"],
  ["a group wildcard", [{ apiGroups: ["*"], resources: ["pushsecrets"], verbs: ["create"] }], "create external-secrets.io/pushsecrets"],
  ["generators", [{ apiGroups: ["generators.external-secrets.io"], resources: ["passwords"], verbs: ["create"] }], "create generators.external-secrets.io/*"],
])("the check catches %s", (_d, rules, expected) => {
  expect(esoWritesGranted(rules)).toContain(expected);
});

test("resourceNames narrow a rule to the named objects", () => {
  const rules: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: ["update"], resourceNames: ["vault-token"] }];
  expect(rbacAllows(rules, "update", "", "secrets", "vault-token")).toBe(true);
  expect(rbacAllows(rules, "update", "", "secrets", "other")).toBe(false);
  expect(rbacAllows(rules, "update", "", "secrets")).toBe(false);
});

test("every auth-delegator binding grants exactly system:auth-delegator to one service account", () => {
  const b = authDelegatorBinding("vault-eso-auth-delegator-team-a", { name: "vault-secrets", namespace: "team-a" }, { a: "b" });
  expect(b.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" });
  expect(b.subjects).toEqual([{ kind: "ServiceAccount", name: "vault-secrets", namespace: "team-a" }]);
  expect(b.metadata).toEqual({ name: "vault-eso-auth-delegator-team-a", labels: { a: "b" } });
});
