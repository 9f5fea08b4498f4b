/* The broker certificate names this machine and each --san, is re-issued when that set changes, and a broker bound to 0.0.0.0 serves loopback devices. */
import { X509Certificate } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureCa, ensureServerCertificate } from "../../cloud/pki";
import { checkSan, serverSans } from "../../cloud/server-sans";
import { startTestCloud, tempDir, type CloudFixture } from "../helpers/cloud-setup";

let fx: CloudFixture | undefined;
const dirs: string[] = [];
afterEach(async () => {
	await fx?.cleanup();
	fx = undefined;
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sansOf = (file: string): string => new X509Certificate(readFileSync(file)).subjectAltName ?? "";

describe("broker certificate SANs", () => {
	it("carries --san names and addresses plus the machine's, and is re-issued when they change", () => {
		const dir = tempDir("sans-");
		dirs.push(dir);
		ensureCa(dir);
		const files = ensureServerCertificate(dir, serverSans(["192.0.2.10", "device-gw.local"]));
		const first = sansOf(files.certPem);
		for (const s of ["IP Address:192.0.2.10", "DNS:device-gw.local", "DNS:localhost", "IP Address:127.0.0.1"]) expect(first).toContain(s);
		if (checkSan(hostname()) === undefined) expect(first).toContain(`DNS:${hostname()}`);
		const pem = readFileSync(files.certPem, "utf8");
		ensureServerCertificate(dir, serverSans(["device-gw.local", "192.0.2.10"]));
		expect(readFileSync(files.certPem, "utf8")).toBe(pem);
		ensureServerCertificate(dir, serverSans(["192.0.2.11"]));
		const second = sansOf(files.certPem);
		expect(second).toContain("IP Address:192.0.2.11");
		expect(second).not.toContain("192.0.2.10");
		expect(new X509Certificate(readFileSync(files.certPem)).verify(new X509Certificate(readFileSync(files.caPem)).publicKey)).toBe(true);
		// without a SAN set (the API's HTTPS) the broker's certificate is kept as it is
		ensureServerCertificate(dir);
		expect(sansOf(files.certPem)).toBe(second);
	});

	it("refuses a SAN that is neither a DNS name nor an IP address", () => {
		expect(checkSan("bad name")).toMatch(/neither a DNS name nor an IP address/);
		expect(checkSan("fe80::1")).toBeUndefined();
		expect(() => serverSans(["a..b"])).toThrow(/--san/);
	});

	it("a broker bound to 0.0.0.0 accepts a device connecting to 127.0.0.1", async () => {
		const dir = tempDir("host-");
		fx = await startTestCloud({ host: "0.0.0.0", sans: ["device-gw.local"] }, dir);
		const c = await fx.connect("dev-any");
		expect(c.connected).toBe(true);
		expect(sansOf(join(dir, "pki", "server.cert.pem"))).toContain("DNS:device-gw.local");
	}, 120_000);
});
