/**
 * Resource options that carry safety guarantees. Mocks do not show resource
 * options, so they are computed here, where tests can read them directly.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * For resources that hold users' data (the KV mount): `protect` makes
 * `pulumi destroy` and a replacing diff fail instead of deleting it;
 * `retainOnDelete` keeps it in Vault even when it leaves the program (a
 * refactor, `pulumi state delete`, an unprotect-then-destroy).
 */
export const USER_DATA_OPTIONS: Readonly<Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete">> = Object.freeze({
  protect: true,
  retainOnDelete: true,
});

/** Label put on every Kubernetes object this project creates. */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "vault-eso",
});

/** Pod Security Admission labels enforcing the "restricted" profile on a namespace. */
export const RESTRICTED_POD_SECURITY: Readonly<Record<string, string>> = Object.freeze({
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
});
