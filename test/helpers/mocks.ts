/** The mock engine lives in scripts/lib/mocks.ts (shared with `npm run render` and `npm run bench`). */
export * from "../../scripts/lib/mocks";
