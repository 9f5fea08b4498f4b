/* The store contract (store-contract.ts) against the embedded SQLite store, in a data dir (reopened from the file). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe } from "vitest";
import { CloudStore } from "../../cloud/store";
import { SqliteBackend } from "../../cloud/store/sqlite-backend";
import { storeContract } from "./store-contract";

const root = mkdtempSync(join(tmpdir(), "store-sqlite-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("store contract: SQLite", () => {
	storeContract(async () => {
		const dir = join(root, `data-${++n}`);
		return { store: new SqliteBackend(new CloudStore(dir)), reopen: async () => new SqliteBackend(new CloudStore(dir)) };
	});
});
