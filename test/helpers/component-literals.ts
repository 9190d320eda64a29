/** Literal args for every component of the plugin entry: what the construct tests (in-process and over gRPC) feed it. */
export const CA = "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n";

export const COMPONENT_LITERALS: Record<string, Record<string, unknown>> = {
  EsoInstall: { replicas: 2, systemAuthDelegator: true },
  VaultBackend: {
    kubernetesHost: "https://api.my-cluster:6443", kubernetesCaCert: CA, apiAudiences: ["https://kubernetes.default.svc.cluster.local"],
    tokenReview: { mode: "reviewerServiceAccount", namespace: "vault-auth" },
    eso: { namespace: "external-secrets", serviceAccountName: "external-secrets", role: "eso", policy: "eso-read", scope: "platform/shared", audience: "vault", tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600 },
  },
  TenantNamespace: {
    name: "team-a", subtree: "acme/prod/apps/team-a", kvPath: "secret", authPath: "kubernetes", audience: "vault", tokenReview: "clientJwt",
    vaultServer: "https://vault.example.com:8200", policy: { mode: "perTenant" }, store: { mode: "isolated" }, tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600,
    developers: { groups: ["team-a-devs"] }, developerClusterRole: "namespace-developer", ca: { kind: "bundle", pem: CA },
    externalSecrets: [{ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }],
    push: { secrets: [{ name: "gen", secretName: "generated", data: [{ secretKey: "token", remoteKey: "generated" }] }] },
    writers: { alias: { mountAccessor: "auth_oidc_1a2b3c4d", name: "team-a-writers" } },
  },
  DeveloperClusterRole: { name: "namespace-developer" },
  VaultEsoPlatform: {
    environment: "dev", vault: { address: "http://127.0.0.1:8200" }, kubernetesAuth: { host: "https://127.0.0.1:6443", caCertFile: "test/fixtures/cluster-ca.pem" },
    store: { namespaces: ["team-a"] }, tenants: [{ name: "team-a", developers: { groups: ["team-a-devs"] } }, { name: "team-b" }], vaultToken: "s.test-token",
  },
  ReloaderInstall: { watchNamespaces: ["team-a"], resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } } },
  VaultAudit: { devices: [{ type: "file", filePath: "stdout" }, { type: "syslog", path: "syslog-audit", tag: "vault-prod" }] },
  EsoNetworkPolicies: { namespace: "external-secrets", release: "external-secrets", vaultServer: "https://vault.example.com:8200", apiServerCidrs: ["10.0.0.1/32"] },
  VaultTrust: {
    install: false, certManagerNamespace: "cert-manager", caName: "vault-ca", caDuration: "87600h",
    server: { namespace: "vault", secretName: "vault-server-tls", dnsNames: ["vault.vault.svc"], ipAddresses: [], duration: "2160h", renewBefore: "360h" },
  },
  Observability: {
    vaultMetrics: { authPath: "kubernetes", policy: "vault-metrics", role: "prometheus", namespace: "monitoring", serviceAccountName: "prometheus", audience: "https://kubernetes.default.svc.cluster.local", tokenTtlSeconds: 900, tokenReview: "clientJwt", scrape: { server: "https://vault.example.com:8200" }, dashboardNamespace: "monitoring" },
    alerts: { namespace: "external-secrets", labels: { release: "kube-prometheus-stack" }, maxLoginsPerMinute: 30 },
  },
  TokenRenewer: { readPolicies: ["eso-read"], vaultAddress: "https://vault.example.com:8200", resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } } },
  ClusterStore: {
    server: "https://vault.example.com:8200", mountPath: "secret",
    auth: { kind: "kubernetes", mountPath: "kubernetes", role: "eso", serviceAccount: { name: "external-secrets", namespace: "external-secrets" }, audience: "vault", tokenReview: "clientJwt" },
  },
};

