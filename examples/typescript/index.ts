import * as k8s from "@pulumi/kubernetes";
import { ClusterStore, EsoInstall, TenantNamespace, VaultBackend } from "vault-eso";

// Vault runs outside the cluster: it needs the API server's CA. Every namespace has it (kube-root-ca.crt).
const clusterCa = k8s.core.v1.ConfigMap.get("cluster-ca", "kube-public/kube-root-ca.crt").data.apply((d) => d?.["ca.crt"]);
const eso = new EsoInstall("eso", { replicas: 2, systemAuthDelegator: true });
const vaultSide = new VaultBackend("vault", {
  kubernetesHost: "https://api.my-cluster:6443",
  vaultRunsIn: "external", kubernetesCaCert: clusterCa,
  tokenReview: { mode: "clientJwt" },
  eso: {
    namespace: "external-secrets", serviceAccountName: eso.serviceAccountName,
    role: "eso", policy: "eso-read", scope: "platform/shared", audience: "vault",
    tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600,
  },
});
new ClusterStore("store", {
  server: "https://vault.example.com:8200",
  mountPath: vaultSide.kvPath,
  auth: {
    kind: "kubernetes", mountPath: vaultSide.authPath, role: vaultSide.esoRoleName,
    serviceAccount: { name: eso.serviceAccountName, namespace: "external-secrets" },
    // clientJwt: the token also carries the API server's audience (apiAudiences, kind/kubeadm default).
    audience: "vault", tokenReview: vaultSide.tokenReviewMode,
  },
  conditions: { namespaceSelector: { "vault-eso.io/secrets": "enabled" } },
}, { dependsOn: [eso, vaultSide] });
new TenantNamespace("team-a", {
  name: "team-a", subtree: "acme/prod/apps/team-a",
  kvPath: "secret", authPath: vaultSide.authPath, audience: "vault",
  tokenReview: vaultSide.tokenReviewMode,
  vaultServer: "https://vault.example.com:8200",
  policy: { mode: "perTenant" }, store: { mode: "isolated" },
  tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600,
  externalSecrets: [{ name: "db", refreshInterval: "1h", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }],
}, { storeDependsOn: [eso, vaultSide] });

export const esoPolicy = vaultSide.esoPolicyName;
