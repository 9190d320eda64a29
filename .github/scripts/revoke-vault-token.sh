#!/usr/bin/env bash
# Revokes the job's Vault token (VAULT_TOKEN, exported by hashicorp/vault-action) at VAULT_ADDR, trusting
# VAULT_CACERT when set (scripts/ci-vault-env.ts). Runs with `if: always()`: the token dies with the job
# even when a step failed, and with it every child token the Vault provider made from it.
# Vault: POST auth/token/revoke-self (hashicorp/vault vault/token_store.go handleRevokeSelf); the CI roles
# attach docs/ci/policies/revoke-self.hcl for it (their tokens have no `default` policy).
set -euo pipefail
args=()
if [ -n "${VAULT_CACERT:-}" ]; then args=(--cacert "$VAULT_CACERT"); fi
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "X-Vault-Token: ${VAULT_TOKEN}" "${args[@]}" "${VAULT_ADDR%/}/v1/auth/token/revoke-self")
if [ "$code" != 204 ]; then
  echo "revoking the Vault token: HTTP $code (it still expires at its TTL, docs/ci/roles/)" >&2
  exit 1
fi
echo "Vault token revoked"
