/**
 * Contract: the Vault path ESO requests for a key.
 * external-secrets v2.9.0 (commit cc5bfbc2234a) providers/v1/vault/client_get.go
 * `buildPath` / `buildMetadataPath`; their cases in client_get_test.go
 * (`TestBuildPath`, `TestBuildMetadataPath`: store "secret/path" v1/v2, and no
 * path) are the first rows; the rest are the cases the program's stores meet
 * (path = the KV mount, version v2; components/eso/eso.ts).
 * Callers: client_get.go readSecret/SecretExists, client_get_all_secrets.go
 * GetAllSecrets/listSecrets (dataFrom find), client_push.go PushSecret/DeleteSecret.
 */
import { esoDataPath, esoMetadataPath, findRequests, pushRequests } from "../../components/tenants/eso-paths";

const v2 = { path: "secret/path", version: "v2" as const };
const v1 = { path: "secret/path", version: "v1" as const };
const v2NoPath = { version: "v2" as const };
const v1NoPath = { version: "v1" as const };
const mount = { path: "secret", version: "v2" as const };

test.each([
  // client_get_test.go TestBuildPath
  ["PathWithoutFormatV2", v2, "secret/path/data/test", "secret/path/data/test"],
  ["PathWithoutFormatV2_NoData", v2, "secret/path/test", "secret/path/data/test"],
  ["PathWithoutFormatV2_NoPath", v2NoPath, "secret/test/big/path", "secret/data/test/big/path"],
  ["PathWithoutFormatV2_NoPathWithData", v2NoPath, "secret/test/data/not/the/first/and/data/twice", "secret/test/data/not/the/first/and/data/twice"],
  ["PathWithoutFormatV1", v1, "secret/path/test", "secret/path/test"],
  ["PathWithoutFormatV1_NoPath", v1NoPath, "secret/test", "secret/test"],
  ["WithoutPathButMountpointV2", v2, "test", "secret/path/data/test"],
  ["WithoutPathButMountpointV1", v1, "test", "secret/path/test"],
  // The program's stores: one leading "<mount>/" (then "data/") is stripped, only once, only at the start.
  ["a key under the subtree", mount, "teams/team-a/db", "secret/data/teams/team-a/db"],
  ["a subtree named like the mount is rewritten", mount, "secret/teams/team-b/db", "secret/data/teams/team-b/db"],
  ["then data/ too", mount, "secret/data/teams/team-b/db", "secret/data/teams/team-b/db"],
  ["data/ alone is not stripped", mount, "data/teams/team-b/db", "secret/data/data/teams/team-b/db"],
  ["only once", mount, "secret/secret/x", "secret/data/secret/x"],
  ["not a prefix of a longer segment", mount, "secrets/x", "secret/data/secrets/x"],
] as const)("buildPath %s", (_name, store, key, want) => {
  expect(esoDataPath(store, key)).toBe(want);
});

test.each([
  // client_get_test.go TestBuildMetadataPath
  ["PathForV1", v1, "data/test", "secret/path/data/test"],
  ["PathForV2", v2, "secret/path/data/test", "secret/path/metadata/secret/path/data/test"],
  ["PathForV2WithData", v2NoPath, "my_data/data/path", "my_data/metadata/path"],
  ["nothing is stripped", mount, "secret/teams/team-b/", "secret/metadata/secret/teams/team-b/"],
] as const)("buildMetadataPath %s", (_name, store, key, want) => {
  expect(esoMetadataPath(store, key)).toBe(want);
});

test("buildMetadataPath without a path and without 'data' is ESO's errPathInvalid", () => {
  expect(esoMetadataPath(v2NoPath, "secret/x")).toBeUndefined();
});

test("find lists through buildMetadataPath but reads each found name through buildPath; a push writes data through buildPath and metadata through buildMetadataPath", () => {
  expect(findRequests(mount, "secret/teams/team-b")).toEqual([
    { op: "list", path: "secret/metadata/secret/teams/team-b/" },
    { op: "read", path: "secret/data/teams/team-b/listed-child" },
  ]);
  expect(pushRequests(mount, "secret/teams/team-b/db")).toEqual([
    { op: "write", path: "secret/data/teams/team-b/db" },
    { op: "write", path: "secret/metadata/secret/teams/team-b/db" },
  ]);
});
