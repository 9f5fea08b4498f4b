/*
 * mosquitto-owner — making the generated files readable by the user mosquitto runs as. mosquitto 2.0
 * started as root switches to its `user` (default "mosquitto") right after reading mosquitto.conf, before
 * it opens the certificate, the key or the plugin file; so when the config is written by root, the out
 * dir and its files are handed to that user (key 0600), and every directory above must let it pass.
 */
import { chownSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";

export interface SystemUser {
	name: string;
	uid: number;
	gid: number;
}

/** The passwd entry of `name`, or undefined (read from /etc/passwd; no native getpwnam in Node). */
export function systemUser(name: string, passwd = "/etc/passwd"): SystemUser | undefined {
	for (const line of readFileSync(passwd, "utf8").split("\n")) {
		const [user, , uid, gid] = line.split(":");
		if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
	}
	return undefined;
}

function canEnter(dir: string, u: SystemUser): boolean {
	const s = statSync(dir);
	if (s.uid === u.uid) return (s.mode & 0o100) !== 0;
	if (s.gid === u.gid) return (s.mode & 0o010) !== 0;
	return (s.mode & 0o001) !== 0;
}

/** Throws a clear error when `u` cannot enter some directory above `dir` (mosquitto would fail to open its files). */
export function checkReachable(dir: string, u: SystemUser): void {
	for (let d = dirname(dir); ; d = dirname(d)) {
		if (!canEnter(d, u)) {
			const mode = (statSync(d).mode & 0o777).toString(8).padStart(4, "0");
			throw new Error(`mosquitto runs as "${u.name}" and cannot enter ${d} (mode ${mode}): choose --out under a directory it can enter (e.g. /etc/mosquitto/defender), or give --user root`);
		}
		if (dirname(d) === d) return;
	}
}

/** Hands `paths` to `u` (needs root). */
export function chownAll(paths: string[], u: SystemUser): void {
	for (const p of paths) chownSync(p, u.uid, u.gid);
}

/** The user to hand the files to: only when this process is root and mosquitto will drop to someone else. */
export function ownerFor(user: string): SystemUser | undefined {
	if (process.getuid?.() !== 0 || user === "root") return undefined;
	const u = systemUser(user);
	if (!u) throw new Error(`mosquitto would run as "${user}", but there is no such system user (give --user with an existing one)`);
	return u;
}
