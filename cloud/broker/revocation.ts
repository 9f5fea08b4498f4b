/*
 * revocation — the cloud's side of certificate revocation for the mosquitto plugin: a text file the
 * plugin reloads when it changes (cloud/broker/plugin/revoked.h), one entry a line: a thing name (all of
 * its certificates) or `serial:<hex>` (one certificate). A revoked thing is disconnected at once and its
 * CONNECTs are refused.
 */
import { appendFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { checkThingName } from "../thing-name";

export type Revocation = { thing: string } | { serial: string };

function line(r: Revocation): string {
	if ("thing" in r) {
		const problem = checkThingName(r.thing);
		if (problem) throw new Error(problem);
		return r.thing;
	}
	if (!/^[0-9a-fA-F]{1,64}$/.test(r.serial)) throw new Error(`certificate serial must be 1..64 hex digits, got "${r.serial}"`);
	return `serial:${r.serial}`;
}

/** Appends one revocation to `file` (created if missing). */
export function revokeCertificate(file: string, r: Revocation): void {
	const entry = line(r);
	mkdirSync(dirname(file), { recursive: true });
	appendFileSync(file, `${entry}\n`);
}

/** The entries of `file` (none when it does not exist). */
export function revokedEntries(file: string): string[] {
	if (!existsSync(file)) return [];
	return readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}
