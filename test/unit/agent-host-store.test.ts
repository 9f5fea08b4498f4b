import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStore, StoreError } from "../../hardware/host/store";

function dir(): string {
	return mkdtempSync(join(tmpdir(), "agent-store-"));
}

describe("file store", () => {
	it("starts empty, persists values across instances and keeps the previous file as .bak", () => {
		const path = join(dir(), "new", "folder", "device.json");
		const a = new FileStore(path);
		expect(a.get("x")).toBeUndefined();
		a.set("x", "1");
		a.set("y", 2);
		a.set("z", true);
		expect(a.writes).toBe(3);
		const b = new FileStore(path);
		expect([b.get("x"), b.get("y"), b.get("z"), b.get("toString")]).toEqual(["1", 2, true, undefined]);
		expect(JSON.parse(readFileSync(`${path}.bak`, "utf8"))).toEqual({ x: "1", y: 2 });
		expect(existsSync(`${path}.tmp`)).toBe(false);
	});

	it("refuses a corrupt file with a clear error naming the backup, and leaves it untouched", () => {
		const path = join(dir(), "device.json");
		new FileStore(path).set("k", "v1");
		new FileStore(path).set("k", "v2");
		writeFileSync(path, "{ not json");
		expect(() => new FileStore(path)).toThrow(StoreError);
		expect(() => new FileStore(path)).toThrow(/StoreCorrupt: .*device\.json is not valid JSON.*left as is; the previous good copy is .*device\.json\.bak/);
		expect(readFileSync(path, "utf8")).toBe("{ not json");
		expect(JSON.parse(readFileSync(`${path}.bak`, "utf8"))).toEqual({ k: "v1" });
	});

	it("refuses JSON that is not an object", () => {
		const path = join(dir(), "s.json");
		for (const text of ["[1]", "null", "3"]) {
			writeFileSync(path, text);
			try {
				new FileStore(path);
				expect.unreachable();
			} catch (e) {
				expect((e as StoreError).code).toBe("StoreCorrupt");
				expect((e as Error).message).toMatch(/does not hold a JSON object; it was left as is$/);
			}
		}
	});
});
