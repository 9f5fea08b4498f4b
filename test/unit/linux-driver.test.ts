import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LinuxDriverError, LinuxNetDriver } from "../../hardware/host/linux/linux-driver";

const ADDRESSES = new Map([
	["127.0.0.1", "lo"],
	["::1", "lo"],
	["10.0.2.2", "eth0"],
	["2001:db8::1", "eth0"],
]);

let dir: string;
const HEAD = "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n";

/** Writes dev with [name, rxBytes, rxPackets, txBytes, txPackets] rows. */
function dev(rows: [string, bigint, bigint, bigint, bigint][]): void {
	writeFileSync(join(dir, "dev"), HEAD + rows.map(([n, rb, rp, tb, tp]) => `  ${n}: ${rb} ${rp} 0 0 0 0 0 0 ${tb} ${tp} 0 0 0 0 0 0\n`).join(""));
}

function read(driver: LinuxNetDriver): number[] {
	const out = new Float64Array(4);
	driver.read(out);
	return [...out];
}

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), "procnet-"));
	cpSync(new URL("../fixtures/procnet/", import.meta.url), dir, { recursive: true });
	for (const f of ["dev", "tcp", "tcp6", "udp", "udp6"]) cpSync(join(dir, `${f}.txt`), join(dir, f));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const driver = (interfaces?: string[]) => new LinuxNetDriver({ procNet: dir, interfaces, addressInterfaces: () => ADDRESSES, generation: 7 });

describe("LinuxNetDriver counters", () => {
	it("starts at 0 and counts what the kernel's 64-bit counters grew by, exactly, lo left out by default", () => {
		const d = driver();
		expect(d.counterBits).toBe(53);
		expect(d.interfaces).toEqual(["eth0", "wlan0"]);
		expect(read(d)).toEqual([0, 0, 0, 0]);
		dev([
			["lo", 99999n, 999n, 99999n, 999n],
			["eth0", 18446744073709551500n, 123456790n, 9007199254741003n, 98766n],
			["wlan0", 1001n, 11n, 2000n, 20n],
		]);
		const out = new Float64Array(4);
		expect(d.read(out)).toBe(7);
		// bytes in, bytes out, packets in, packets out
		expect([...out]).toEqual([500 + 1, 10, 1 + 1, 1]);
	});

	it("takes a counter that went down as an interface restarted from 0; a new interface counts from its value", () => {
		const d = driver();
		dev([["eth0", 100n, 2n, 50n, 1n], ["wlan0", 1000n, 10n, 2000n, 20n], ["usb0", 7n, 1n, 0n, 0n]]);
		expect(read(d)).toEqual([107, 50, 3, 1]);
		dev([["wlan0", 1010n, 11n, 2000n, 20n]]);
		expect(read(d)).toEqual([117, 50, 4, 1]);
	});

	it("counts only the chosen interfaces, and refuses one that does not exist", () => {
		expect(() => driver(["eth9"])).toThrow(LinuxDriverError);
		expect(() => driver(["eth9"])).toThrow(/interface eth9 not found .*present: lo, eth0, wlan0/);
		const d = driver(["lo"]);
		dev([["lo", 52351n, 411n, 52361n, 412n], ["eth0", 1n, 1n, 1n, 1n]]);
		expect(read(d)).toEqual([10, 20, 1, 2]);
	});

	it("keeps its counters through a failed read and picks the growth up on the next good one", () => {
		const d = driver();
		const good = readFileSync(join(dir, "dev"), "utf8");
		unlinkSync(join(dir, "dev"));
		expect(read(d)).toEqual([0, 0, 0, 0]);
		expect(d.lastError?.message).toMatch(/ENOENT/);
		writeFileSync(join(dir, "dev"), good.replace("  1000      10", "  1500      15"));
		expect(read(d)).toEqual([500, 0, 5, 0]);
		expect(d.lastError).toBeUndefined();
	});
});

describe("LinuxNetDriver sockets", () => {
	it("lists listening TCP ports of v4 and v6 once per (port, interface), wildcards without interface", () => {
		expect(driver().listeningTcpPorts()).toEqual([{ port: 22 }, { port: 3306, interface: "lo" }]);
	});

	it("lists unconnected bound UDP sockets as listening ports", () => {
		expect(driver().listeningUdpPorts()).toEqual([{ port: 53 }, { port: 68 }, { port: 5353 }]);
	});

	it("lists established TCP connections with remote ip:port, local port and interface", () => {
		expect(driver().establishedConnections()).toEqual([
			{ remoteAddr: "192.168.1.34:8883", localPort: 54321, localInterface: "eth0" },
			{ remoteAddr: "[::1]:50000", localPort: 8080, localInterface: "lo" },
			{ remoteAddr: "192.168.1.10:57840", localPort: 8883, localInterface: "eth0" },
			{ remoteAddr: "[2001:db8::2]:40000", localPort: 443, localInterface: "eth0" },
		]);
	});

	it("reads a machine without IPv6 tables as IPv4 only", () => {
		unlinkSync(join(dir, "tcp6"));
		unlinkSync(join(dir, "udp6"));
		expect(driver().listeningTcpPorts()).toEqual([{ port: 22 }, { port: 3306, interface: "lo" }]);
		expect(driver().listeningUdpPorts()).toEqual([{ port: 53 }, { port: 68 }]);
	});
});
