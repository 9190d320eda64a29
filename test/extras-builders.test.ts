/** Pure builders for TLS, monitoring, NetworkPolicies and PushSecret: schema-validated, and checked for what they must (not) allow. */
import { trustChain } from "../components/trust/cert-manager";
import { mergeValues } from "../components/eso/eso";
import { esoAlertRules, esoMonitoringValues, ESO_METRICS, KUBE_STATE_METRICS } from "../components/observability/monitoring";
import { maxGapSeconds, parseCron } from "../components/token-renewer/cron";
import { RENEWER_CRONJOB_NAME, renewerAlertAfterSeconds } from "../components/token-renewer/renewer-builders";
import { RUN_SLACK_SECONDS } from "../components/token-renewer/token-auth-config";
import { esoEgressPolicies, vaultEndpoint } from "../components/network/network-policy";
import { pushSecretManifest } from "../components/tenants/push";
import { metricsReadPolicy, tenantPushPolicy } from "../policies/vault/builders";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { promqlProblems } from "./helpers/promql";

describe("cert-manager trust chain", () => {
  const chain = trustChain({
    certManagerNamespace: "cert-manager",
    caName: "vault-eso-ca",
    caDuration: "87600h",
    server: { namespace: "vault", secretName: "vault-server-tls", dnsNames: ["vault.vault.svc", "vault.vault.svc.cluster.local"], ipAddresses: ["10.0.0.5"], duration: "2160h", renewBefore: "360h" },
  });

  test("every object validates against the published cert-manager schemas", async () => {
    for (const o of [chain.selfSignedIssuer, chain.caCertificate, chain.caIssuer, chain.serverCertificate]) await validateK8sObject(o);
  });

  test("self-signed root -> CA Certificate -> CA ClusterIssuer -> Vault's Certificate", () => {
    expect(chain.selfSignedIssuer.spec).toEqual({ selfSigned: {} });
    expect(chain.caCertificate.spec).toMatchObject({ isCA: true, secretName: "vault-eso-ca", issuerRef: { kind: "ClusterIssuer", name: "vault-eso-ca-selfsigned" } });
    // A ClusterIssuer reads its CA Secret from cert-manager's own namespace: the CA Certificate must be there.
    expect(chain.caCertificate.metadata.namespace).toBe("cert-manager");
    expect(chain.caIssuer.spec).toEqual({ ca: { secretName: "vault-eso-ca" } });
    expect(chain.serverCertificate.metadata.namespace).toBe("vault");
    expect(chain.serverCertificate.spec).toMatchObject({
      secretName: "vault-server-tls",
      dnsNames: ["vault.vault.svc", "vault.vault.svc.cluster.local"],
      ipAddresses: ["10.0.0.5"],
      usages: expect.arrayContaining(["server auth"]),
      issuerRef: { kind: "ClusterIssuer", name: "vault-eso-ca" },
    });
    expect(chain.serverCertificate.spec!.isCA).toBeUndefined();
    expect(chain.caSecret).toEqual({ name: "vault-eso-ca", namespace: "cert-manager", key: "ca.crt" });
    // pulumi up waits until cert-manager has issued them.
    expect(chain.caCertificate.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
    expect(chain.serverCertificate.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
  });

  test("issuance without a name is refused", () => {
    expect(() =>
      trustChain({ certManagerNamespace: "c", caName: "ca", caDuration: "1h", server: { namespace: "v", secretName: "s", dnsNames: [], ipAddresses: [], duration: "1h", renewBefore: "1m" } }),
    ).toThrow(/without a DNS name/);
  });

  test("a wrong Certificate is caught by the schema check (the check can fail)", async () => {
    const broken = { ...chain.serverCertificate, spec: { ...chain.serverCertificate.spec, secretName: undefined } };
    await expect(validateK8sObject(broken as never)).rejects.toThrow(/secretName/);
  });
});

describe("monitoring", () => {
  const rule = esoAlertRules({ namespace: "external-secrets", labels: { release: "kube-prometheus-stack" }, maxLoginsPerMinute: 60 });
  const rules = rule.spec!.groups!.flatMap((g) => g.rules!);
  const byName = (a: string) => rules.find((r) => r.alert === a)!;

  test("the PrometheusRule validates against the prometheus-operator schema", async () => {
    await validateK8sObject(rule);
    expect(rule.metadata.labels).toMatchObject({ release: "kube-prometheus-stack", "app.kubernetes.io/managed-by": "pulumi" });
  });

  test("alerts on ExternalSecrets and stores not Ready, sync errors, and Vault login errors and churn", () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      ["ClusterSecretStoreNotReady", "ExternalSecretNotReady", "ExternalSecretSyncErrors", "PushSecretNotReady", "SecretStoreNotReady", "VaultLoginChurn", "VaultLoginErrors"].sort(),
    );
    expect(byName("ExternalSecretNotReady").expr).toContain('externalsecret_status_condition{condition="Ready",status="False"}');
    expect(byName("SecretStoreNotReady").expr).toContain('secretstore_status_condition{condition="Ready",status="False"}');
    expect(byName("ClusterSecretStoreNotReady").expr).toContain('clustersecretstore_status_condition{condition="Ready",status="False"}');
    expect(byName("ExternalSecretSyncErrors").expr).toContain("increase(externalsecret_sync_calls_error[15m])");
    expect(byName("VaultLoginChurn").expr).toBe('sum(rate(externalsecret_provider_api_calls_count{provider="HashiCorp/Vault",call="Login"}[10m])) * 60 > 60');
    expect(byName("VaultLoginErrors").expr).toContain('call="Login",status="error"');
    for (const r of rules) {
      expect(r.labels?.severity).toMatch(/^(warning|critical)$/);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  test("every expression passes the PromQL syntax check and uses only ESO's metric names", () => {
    const known = new Set(Object.keys(ESO_METRICS));
    for (const r of rules) expect([r.alert, promqlProblems(String(r.expr), known)]).toEqual([r.alert, []]);
  });

  test("token auth: an alert fires before the token's remaining TTL drops under a schedule gap (kube-state-metrics kube_cronjob_status_last_successful_time)", async () => {
    const DAY = 86400;
    const schedule = "0 */12 * * *";
    const after = renewerAlertAfterSeconds({ periodSeconds: 7 * DAY, rotateBeforeSeconds: 7 * DAY, schedule });
    const withRenewer = esoAlertRules({ namespace: "external-secrets", labels: {}, maxLoginsPerMinute: 60, tokenRenewer: { namespace: "vault-creds", cronJob: RENEWER_CRONJOB_NAME, alertAfterSeconds: after } });
    await validateK8sObject(withRenewer);
    const group = withRenewer.spec!.groups!.find((g) => g.name === "vault-eso.token-renewer")!;
    const overdue = group.rules!.find((r) => r.alert === "VaultTokenRenewalOverdue")!;
    expect(overdue.expr).toBe(`time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="vault-creds",cronjob="vault-token-renewer"}) > ${after}`);
    const known = new Set([...Object.keys(ESO_METRICS), ...Object.keys(KUBE_STATE_METRICS)]);
    for (const r of group.rules!) expect([r.alert, promqlProblems(String(r.expr), known)]).toEqual([r.alert, []]);
    // When it fires, the worst-case token (renewed at the last success to min(period, rotateBefore)) still has
    // one schedule gap plus a run's deadlines left: the next run can still save it, and nothing fires earlier.
    const gap = maxGapSeconds(parseCron(schedule));
    expect(7 * DAY - after).toBe(gap + RUN_SLACK_SECONDS);
    // The shorter of period and rotateBefore bounds it; settings with no room alert at once.
    expect(renewerAlertAfterSeconds({ periodSeconds: 2 * DAY, rotateBeforeSeconds: 7 * DAY, schedule })).toBe(2 * DAY - gap - RUN_SLACK_SECONDS);
    expect(renewerAlertAfterSeconds({ periodSeconds: 3600, rotateBeforeSeconds: 7 * DAY, schedule })).toBe(0);
    // Without token auth, no renewer group.
    expect(rule.spec!.groups!.map((g) => g.name)).not.toContain("vault-eso.token-renewer");
  });

  test("the PromQL check catches what it claims to", () => {
    const known = new Set(["externalsecret_status_condition"]);
    expect(promqlProblems("max(externalsecret_status_condition{condition=\"Ready\"} == 1", known)).toEqual(['unclosed "("']);
    expect(promqlProblems('externalsecret_status_condtion{condition="Ready"} == 1', known)).toEqual(["unknown metric externalsecret_status_condtion"]);
    expect(promqlProblems("externalsecret_status_condition{condition=Ready} == 1", known)).toEqual(['bad label matcher "condition=Ready"']);
    expect(promqlProblems("sum(externalsecret_status_condition[5m]) > 0", known)).toEqual(["range vector passed to sum"]);
    expect(promqlProblems("rate(externalsecret_status_condition[5 minutes]) > 0", known)).toContain('bad range "[5 minutes]"');
  });

  test("chart values: ServiceMonitor (fail if the CRD is missing) with Prometheus' selector labels, and the dashboard", () => {
    expect(esoMonitoringValues({ serviceMonitor: false, grafanaDashboard: false, labels: {} })).toEqual({});
    expect(esoMonitoringValues({ serviceMonitor: true, grafanaDashboard: true, labels: { release: "kps" } })).toEqual({
      serviceMonitor: { enabled: true, renderMode: "failIfMissing", additionalLabels: { release: "kps" } },
      grafanaDashboard: { enabled: true },
    });
  });

  test("extra values merge into the hardened ones without dropping siblings", () => {
    const merged = mergeValues({ metrics: { service: { enabled: true } }, webhook: { failurePolicy: "Fail" } }, { metrics: { listen: { port: 9090 } }, serviceMonitor: { enabled: true } });
    expect(merged).toEqual({ metrics: { service: { enabled: true }, listen: { port: 9090 } }, webhook: { failurePolicy: "Fail" }, serviceMonitor: { enabled: true } });
  });

  test("the metrics policy grants read and list on sys/metrics only", async () => {
    const hcl = renderPolicyHcl(metricsReadPolicy("prometheus-metrics"));
    const parsed = await parsePolicyHcl("prometheus-metrics", hcl);
    expect(Object.keys(parsed)).toEqual(["sys/metrics"]);
    expect(parsed["sys/metrics"][0].capabilities).toEqual(["read", "list"]);
  });
});

describe("NetworkPolicies", () => {
  const base = {
    namespace: "external-secrets",
    release: "external-secrets",
    vaultCidrs: [] as string[],
    apiServerCidrs: [] as string[],
    apiServerPorts: [443, 6443],
    dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
  };

  test("Vault by IP: the controller may reach that address on Vault's port only", async () => {
    const [controller, webhook, certController] = esoEgressPolicies({ ...base, vaultServer: "https://10.1.2.3:8200" });
    for (const p of [controller, webhook, certController]) await validateK8sObject(p);
    expect(controller.spec!.policyTypes).toEqual(["Egress"]); // ingress (API server -> webhook 10250, scrapes) untouched
    expect(controller.spec!.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/instance": "external-secrets" } });
    expect(controller.spec!.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
      },
      { ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] },
      { to: [{ ipBlock: { cidr: "10.1.2.3/32" } }], ports: [{ protocol: "TCP", port: 8200 }] },
    ]);
    // The webhook and cert controller never talk to Vault.
    for (const p of [webhook, certController]) expect(JSON.stringify(p.spec!.egress)).not.toContain("8200");
    expect(webhook.spec!.podSelector!.matchLabels!["app.kubernetes.io/name"]).toBe("external-secrets-webhook");
    expect(certController.spec!.podSelector!.matchLabels!["app.kubernetes.io/name"]).toBe("external-secrets-cert-controller");
  });

  test("Vault by name: port only (NetworkPolicy cannot match DNS names), unless CIDRs are given", () => {
    const byName = esoEgressPolicies({ ...base, vaultServer: "https://vault.example.com" })[0];
    expect(byName.spec!.egress![2]).toEqual({ ports: [{ protocol: "TCP", port: 443 }] });
    const withCidrs = esoEgressPolicies({ ...base, vaultServer: "https://vault.example.com:8200", vaultCidrs: ["192.0.2.0/28"], apiServerCidrs: ["10.0.0.1/32"] })[0];
    expect(withCidrs.spec!.egress![2]).toEqual({ to: [{ ipBlock: { cidr: "192.0.2.0/28" } }], ports: [{ protocol: "TCP", port: 8200 }] });
    expect(withCidrs.spec!.egress![1].to).toEqual([{ ipBlock: { cidr: "10.0.0.1/32" } }]);
  });

  test("Vault's endpoint from its URL", () => {
    expect(vaultEndpoint("http://127.0.0.1:8200")).toEqual({ host: "127.0.0.1", port: 8200, ip: true });
    expect(vaultEndpoint("https://[2001:db8::1]")).toEqual({ host: "2001:db8::1", port: 443, ip: true });
    expect(esoEgressPolicies({ ...base, vaultServer: "https://[2001:db8::1]:8200" })[0].spec!.egress![2].to).toEqual([{ ipBlock: { cidr: "2001:db8::1/128" } }]);
  });
});

describe("PushSecret", () => {
  const manifest = pushSecretManifest(
    { name: "db-pass", secretName: "db-generated", refreshInterval: "1h", updatePolicy: "Replace", deletionPolicy: "Delete", data: [{ secretKey: "password", remoteKey: "db/generated", property: "password" }] },
    { namespace: "team-a", subtree: "acme/dev/apps/team-a", storeName: "vault", labels: { "vault-eso.io/tenant": "team-a" } },
  );

  test("v1alpha1, validated; remote keys under the subtree; only the tenant's own SecretStore", async () => {
    await validateK8sObject(manifest);
    expect(manifest.apiVersion).toBe("external-secrets.io/v1alpha1");
    expect(manifest.spec).toEqual({
      refreshInterval: "1h",
      secretStoreRefs: [{ name: "vault", kind: "SecretStore" }],
      updatePolicy: "Replace",
      deletionPolicy: "Delete",
      selector: { secret: { name: "db-generated" } },
      data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "acme/dev/apps/team-a/db/generated", property: "password" } } }],
    });
  });

  test("the push policy writes the tenant's subtree only; delete only when allowed", async () => {
    const without = await parsePolicyHcl("p", renderPolicyHcl(tenantPushPolicy("tenant-team-a-push", "secret", "acme/dev/apps/team-a", false)));
    expect(without).toEqual({
      "secret/data/acme/dev/apps/team-a/*": [{ capabilities: ["create", "read", "update"] }],
      "secret/metadata/acme/dev/apps/team-a/*": [{ capabilities: ["create", "read", "update", "list"] }],
    });
    const withDelete = await parsePolicyHcl("p", renderPolicyHcl(tenantPushPolicy("x", "secret", "acme/dev/apps/team-a", true)));
    for (const rules of Object.values(withDelete)) expect(rules[0].capabilities).toContain("delete");
  });
});
