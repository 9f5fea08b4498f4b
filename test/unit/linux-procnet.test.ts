import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatIPv6, parseHexAddress, parseNetDev, parseSocketTable, ProcNetError, remoteAddr, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN } from "../../hardware/host/linux/procnet";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/procnet/${name}`, import.meta.url), "utf8");

describe("procnet: /proc/net/dev", () => {
	it("reads rx/tx bytes and packets per interface as exact 64-bit values", () => {
		const dev = parseNetDev(fixture("dev.txt"));
		expect(dev.map((d) => d.name)).toEqual(["lo", "eth0", "wlan0"]);
		expect(dev[1]).toEqual({ name: "eth0", rxBytes: 18446744073709551000n, rxPackets: 123456789n, txBytes: 9007199254740993n, txPackets: 98765n });
		expect(dev[2]).toEqual({ name: "wlan0", rxBytes: 1000n, rxPackets: 10n, txBytes: 2000n, txPackets: 20n });
	});

	it("accepts a wide first counter glued to the colon (old kernels)", () => {
		const text = "Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n  eth0:123456789 5 0 0 0 0 0 0 77 6 0 0 0 0 0 0\n";
		expect(parseNetDev(text)[0]).toMatchObject({ name: "eth0", rxBytes: 123456789n, rxPackets: 5n, txBytes: 77n, txPackets: 6n });
	});

	it("refuses text that is not /proc/net/dev with a clear error", () => {
		expect(() => parseNetDev("hello\n")).toThrow(/header/);
		const head = "a|b\nc|d\n";
		expect(() => parseNetDev(`${head}eth0 1 2 3\n`)).toThrow(/no "name:"/);
		expect(() => parseNetDev(`${head}eth0: 1 2 3\n`)).toThrow(/expected 16 counters, got 3/);
		expect(() => parseNetDev(`${head}eth0: 1 2 3 4 5 6 7 8 x 10 11 12 13 14 15 16\n`)).toThrow(ProcNetError);
	});
});

describe("procnet: socket addresses", () => {
	it("decodes little-endian IPv4 and IPv6 words", () => {
		expect(parseHexAddress("0100007F")).toBe("127.0.0.1");
		expect(parseHexAddress("0202000A")).toBe("10.0.2.2");
		expect(parseHexAddress("00000000000000000000000001000000")).toBe("::1");
		expect(parseHexAddress("00000000000000000000000000000000")).toBe("::");
		expect(parseHexAddress("B80D0120000000000000000001000000")).toBe("2001:db8::1");
		expect(parseHexAddress("0000000000000000FFFF00000202000A")).toBe("::ffff:10.0.2.2");
		expect(parseHexAddress("000080FE000000000D1C0BFF4D9E12FE")).toBe("fe80::ff0b:1c0d:fe12:9e4d");
	});

	it("decodes big-endian machines' words too", () => {
		expect(parseHexAddress("7F000001", false)).toBe("127.0.0.1");
		expect(parseHexAddress("20010DB8000000000000000000000001", false)).toBe("2001:db8::1");
	});

	it("writes IPv6 text with the longest zero run compressed", () => {
		const b = (...g: number[]) => g.flatMap((x) => [x >> 8, x & 0xff]);
		expect(formatIPv6(b(1, 0, 0, 2, 0, 0, 0, 3))).toBe("1:0:0:2::3");
		expect(formatIPv6(b(1, 2, 3, 4, 5, 6, 7, 8))).toBe("1:2:3:4:5:6:7:8");
		expect(formatIPv6(b(1, 0, 3, 4, 5, 6, 7, 8))).toBe("1:0:3:4:5:6:7:8");
		expect(formatIPv6(b(0, 0, 0, 0, 0, 0, 0, 0))).toBe("::");
	});

	it("writes remote addresses as ip:port, [v6]:port, IPv4-mapped as IPv4", () => {
		expect(remoteAddr("192.168.1.34", 8883)).toBe("192.168.1.34:8883");
		expect(remoteAddr("2001:db8::2", 443)).toBe("[2001:db8::2]:443");
		expect(remoteAddr("::ffff:10.0.2.2", 80)).toBe("10.0.2.2:80");
	});

	it("refuses malformed addresses", () => {
		expect(() => parseHexAddress("0100007")).toThrow(/8 or 32 hex digits/);
		expect(() => parseHexAddress("0100007G")).toThrow(ProcNetError);
	});
});

describe("procnet: socket tables", () => {
	it("parses tcp: LISTEN (0A), ESTABLISHED (01) and other states with their endpoints", () => {
		const tcp = parseSocketTable(fixture("tcp.txt"));
		expect(tcp).toEqual([
			{ localAddress: "0.0.0.0", localPort: 22, remoteAddress: "0.0.0.0", remotePort: 0, state: TCP_LISTEN },
			{ localAddress: "127.0.0.1", localPort: 3306, remoteAddress: "0.0.0.0", remotePort: 0, state: TCP_LISTEN },
			{ localAddress: "10.0.2.2", localPort: 54321, remoteAddress: "192.168.1.34", remotePort: 8883, state: TCP_ESTABLISHED },
			{ localAddress: "10.0.2.2", localPort: 54322, remoteAddress: "192.168.1.34", remotePort: 80, state: 6 },
		]);
	});

	it("parses tcp6 (remote_address header, v6 and IPv4-mapped endpoints)", () => {
		const tcp6 = parseSocketTable(fixture("tcp6.txt"));
		expect(tcp6.map((s) => [s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state])).toEqual([
			["::", 22, "::", 0, TCP_LISTEN],
			["::1", 8080, "::1", 50000, TCP_ESTABLISHED],
			["::ffff:10.0.2.2", 8883, "::ffff:192.168.1.10", 57840, TCP_ESTABLISHED],
			["2001:db8::1", 443, "2001:db8::2", 40000, TCP_ESTABLISHED],
		]);
	});

	it("parses udp and udp6 (07 = unconnected)", () => {
		const udp = parseSocketTable(fixture("udp.txt"));
		expect(udp.map((s) => [s.localAddress, s.localPort, s.remotePort, s.state])).toEqual([
			["127.0.0.53", 53, 0, TCP_CLOSE],
			["0.0.0.0", 68, 0, TCP_CLOSE],
			["10.0.2.2", 40961, 53, TCP_ESTABLISHED],
		]);
		expect(parseSocketTable(fixture("udp6.txt"))).toEqual([{ localAddress: "::", localPort: 5353, remoteAddress: "::", remotePort: 0, state: TCP_CLOSE }]);
	});

	it("refuses a table without its header or with a bad line", () => {
		expect(() => parseSocketTable("")).toThrow(/header/);
		const head = "  sl  local_address rem_address   st tx_queue\n";
		expect(parseSocketTable(head)).toEqual([]);
		expect(() => parseSocketTable(`${head}   0: 0100007F 00000000:0000 0A\n`)).toThrow(/ADDRESS:PORT/);
		expect(() => parseSocketTable(`${head}   0: 0100007F:0016 00000000:0000 A\n`)).toThrow(/state must be 2 hex digits/);
		expect(() => parseSocketTable(`${head}   x 0100007F:0016 00000000:0000 0A\n`)).toThrow(/sl: local rem st/);
	});
});
