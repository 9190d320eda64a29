# vault-eso CI: lets a CI token revoke itself at the end of its job (.github/scripts/revoke-vault-token.sh).
# The CI roles set token_no_default_policy, so Vault's `default` policy (which has this rule) is not attached.
# Write it once per Vault: vault policy write vault-eso-ci-revoke-self docs/ci/policies/revoke-self.hcl
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
