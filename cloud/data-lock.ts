/*
 * data-lock — a running cloud marks its data dir with cloud.lock ({pid, api}) so that the CLI does not write
 * the database behind its back: configuration commands then go through the API (--endpoint). A lock whose
 * process is gone is stale and ignored.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DataLock {
	pid: number;
	/** the API's URL when the cloud serves it */
	api?: string;
}

const lockFile = (dataDir: string): string => join(dataDir, "cloud.lock");

/** Writes the lock; the returned function removes it (only if it is still ours). */
export function holdDataLock(dataDir: string, api: string | undefined): () => void {
	const file = lockFile(dataDir);
	writeFileSync(file, JSON.stringify({ pid: process.pid, api } satisfies DataLock) + "\n");
	return () => {
		if (runningCloud(dataDir)?.pid === process.pid) rmSync(file, { force: true });
	};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === "EPERM";
	}
}

/** The cloud running on `dataDir`, or undefined when none is (no lock, unreadable or stale). */
export function runningCloud(dataDir: string): DataLock | undefined {
	const file = lockFile(dataDir);
	if (!existsSync(file)) return undefined;
	try {
		const lock = JSON.parse(readFileSync(file, "utf8")) as DataLock;
		return Number.isInteger(lock.pid) && alive(lock.pid) ? lock : undefined;
	} catch {
		return undefined;
	}
}
