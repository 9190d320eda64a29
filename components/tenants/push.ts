/**
 * Pure builder for a tenant's PushSecrets (`external-secrets.io/v1alpha1`).
 * Remote keys in config are relative to the tenant's subtree, exactly like
 * ExternalSecret keys, and the only store a PushSecret may name is the
 * tenant's own SecretStore (which logs in as the tenant).
 */
import type { IPushSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1alpha1/PushSecret" with { "resolution-mode": "import" };
import { ESO_API } from "../eso/eso";
import type { PushSecretConfig } from "./push-config";

export type PushSecretManifest = IPushSecret & { metadata: { name: string; namespace: string; labels: Record<string, string> } };

export interface PushSecretContext {
  readonly namespace: string;
  readonly subtree: string;
  /** The tenant's own SecretStore. */
  readonly storeName: string;
  readonly labels: Record<string, string>;
}

export function pushSecretManifest(ps: PushSecretConfig, c: PushSecretContext): PushSecretManifest {
  return {
    apiVersion: ESO_API.pushSecret,
    kind: "PushSecret",
    metadata: { name: ps.name, namespace: c.namespace, labels: c.labels },
    spec: {
      refreshInterval: ps.refreshInterval,
      secretStoreRefs: [{ name: c.storeName, kind: "SecretStore" }],
      updatePolicy: ps.updatePolicy,
      deletionPolicy: ps.deletionPolicy,
      selector: { secret: { name: ps.secretName } },
      data: ps.data.map((d) => ({
        match: { secretKey: d.secretKey, remoteRef: { remoteKey: `${c.subtree}/${d.remoteKey}`, ...(d.property ? { property: d.property } : {}) } },
      })),
    },
  };
}
