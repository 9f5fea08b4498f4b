/*
 * store — the host's Store: a small JSON file. Every set writes a temporary file and renames it
 * over the old one (atomic on POSIX), after copying the previous good file to <path>.bak. A file
 * that is not a JSON object is refused with a StoreError naming the file and the backup, never
 * overwritten, so no data is lost silently.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Store } from "../../modules/platform/platform";

type Value = string | number | boolean;

export class StoreError extends Error {
	readonly code = "StoreCorrupt";
	constructor(message: string) {
		super(`StoreCorrupt: ${message}`);
		this.name = "StoreError";
	}
}

export class FileStore implements Store {
	readonly path: string;
	#data: Record<string, Value>;
	/** Writes done, for tests that check flash-wear budgets. */
	writes = 0;

	/** Creates the file's folder if needed; throws StoreError for a corrupt file. */
	constructor(path: string) {
		this.path = path;
		this.#data = load(path);
		mkdirSync(dirname(path), { recursive: true });
	}

	get(key: string): Value | undefined {
		return Object.hasOwn(this.#data, key) ? this.#data[key] : undefined;
	}

	set(key: string, value: Value): void {
		this.#data[key] = value;
		const tmp = `${this.path}.tmp`;
		writeFileSync(tmp, JSON.stringify(this.#data));
		if (existsSync(this.path)) copyFileSync(this.path, `${this.path}.bak`);
		renameSync(tmp, this.path);
		this.writes++;
	}
}

function load(path: string): Record<string, Value> {
	if (!existsSync(path)) return {};
	const text = readFileSync(path, "utf8");
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		throw new StoreError(`${path} is not valid JSON (${(error as Error).message}); it was left as is${backupNote(path)}`);
	}
	if (typeof data !== "object" || data === null || Array.isArray(data)) throw new StoreError(`${path} does not hold a JSON object; it was left as is${backupNote(path)}`);
	return data as Record<string, Value>;
}

function backupNote(path: string): string {
	return existsSync(`${path}.bak`) ? `; the previous good copy is ${path}.bak` : "";
}
