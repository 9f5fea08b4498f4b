/* Cluster nodes' Detect clients (defender-detect.<node>): their own certificate, the Detect role in mosquitto, never taken for a thing. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dynsecConfig } from "../../cloud/broker/mosquitto-dynsec";
import { thingsInPki } from "../../cloud/broker/mosquitto-conf";
import { detectClientName, ensureCa, ensureDetectClientCertificate, issueThingCertificate } from "../../cloud/pki";

describe("Detect clients of cluster nodes", () => {
	it("get a certificate with CN defender-detect.<node>, are not listed as things, and share the Detect role", () => {
		const dir = mkdtempSync(join(tmpdir(), "detect-nodes-"));
		try {
			ensureCa(dir);
			issueThingCertificate(dir, "dev-1");
			const a = ensureDetectClientCertificate(dir, "a");
			expect(new X509Certificate(readFileSync(a.certPem)).subject).toBe("CN=defender-detect.a");
			ensureDetectClientCertificate(dir);
			expect(thingsInPki(dir)).toEqual(["dev-1"]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		const conf = dynsecConfig(["dev-1"], [], [detectClientName("a"), detectClientName("b")]);
		const roleOf = (u: string) => conf.clients.find((c) => c.username === u)?.roles.map((r) => r.rolename);
		expect(roleOf("defender-detect.a")).toEqual(["defender-detect"]);
		expect(roleOf("defender-detect.b")).toEqual(["defender-detect"]);
		expect(roleOf("defender-detect")).toEqual(["defender-detect"]);
		expect(conf.roles.filter((r) => r.rolename === "defender-detect")).toHaveLength(1);
	});
});
