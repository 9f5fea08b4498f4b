/*
 * ESP32 netdriver (hardware/esp32/netdriver.ts) on Node: the XS `native` form is replaced by fakes
 * of the four netmon host functions, so the JS side of the binding (flat arrays -> NetDriver
 * objects, status handling, the read contract) is tested without a device.
 */
/// <reference path="../../hardware/esp32/netmon-native.d.ts" />

import { beforeEach, describe, expect, it } from "vitest";
import { BYTES_IN, BYTES_OUT, COUNTERS, PACKETS_IN, PACKETS_OUT } from "../../modules/netdriver/netdriver";

interface Fake {
	startStatus: string;
	status: string;
	counters: number[];
	generation: number;
	lists: (number | string)[][];
	listed: number[];
}

const fake: Fake = { startStatus: "", status: "", counters: [], generation: 0, lists: [], listed: [] };

const natives: Record<string, (...args: never[]) => unknown> = {
	xs_netmon_start: () => fake.startStatus,
	xs_netmon_status: () => fake.status,
	xs_netmon_read: (out: Float64Array) => {
		fake.counters.forEach((value, i) => (out[i] = value));
		return fake.generation;
	},
	xs_netmon_list: (kind: number) => {
		fake.listed.push(kind);
		return fake.lists[kind];
	},
};

(globalThis as { native?: (name: string) => unknown }).native = (name: string) => {
	const fn = natives[name];
	if (fn === undefined)
		throw new Error(`no fake for ${name}`);
	return fn;
};

const { Esp32NetDriver, NetmonError } = await import("../../hardware/esp32/netdriver");
const { reportPayload } = await import("../../modules/defender/payload");
const { CustomMetrics } = await import("../../modules/defender/metrics");
const { newStatus } = await import("../../modules/defender/status");
const { newNetStats } = await import("../../modules/sampler/sampler");

beforeEach(() => {
	Object.assign(fake, { startStatus: "NETMON_OK", status: "NETMON_OK", counters: [], generation: 0, listed: [] });
	fake.lists = [[0], [0], [0]];
});

describe("esp32 netdriver", () => {
	it("reports 53-bit counters in netdriver's order and the boot generation", () => {
		fake.counters = [2 ** 53 - 1, 1500, 7, 9];
		fake.generation = 123456789;
		const out = new Float64Array(COUNTERS);
		const driver = new Esp32NetDriver();
		expect(driver.counterBits).toBe(53);
		expect(driver.read(out)).toBe(123456789);
		expect([out[BYTES_IN], out[BYTES_OUT], out[PACKETS_IN], out[PACKETS_OUT]]).toEqual([2 ** 53 - 1, 1500, 7, 9]);
	});

	it("rejects an output array too small for the four counters", () => {
		const driver = new Esp32NetDriver();
		expect(() => driver.read(new Float64Array(3))).toThrow(expect.objectContaining({ code: "NETMON_ERR_ARG" }));
	});

	it("maps flat port lists to ListeningPort, interface only when bound to one", () => {
		fake.lists[0] = [2, 8883, "st0", 80, ""];
		fake.lists[1] = [2, 68, "", 5353, "st0"];
		const driver = new Esp32NetDriver();
		expect(driver.listeningTcpPorts()).toEqual([{ port: 8883, interface: "st0" }, { port: 80 }]);
		expect(driver.listeningUdpPorts()).toEqual([{ port: 68 }, { port: 5353, interface: "st0" }]);
		expect(fake.listed).toEqual([0, 1]);
	});

	it("maps flat connection lists to EstablishedConnection", () => {
		fake.lists[2] = [2, 50123, "192.0.2.7:8883", "st0", 50124, "[fe80::1]:443", ""];
		expect(new Esp32NetDriver().establishedConnections()).toEqual([
			{ remoteAddr: "192.0.2.7:8883", localPort: 50123, localInterface: "st0" },
			{ remoteAddr: "[fe80::1]:443", localPort: 50124 },
		]);
		expect(fake.listed).toEqual([2]);
	});

	it("carries the C side's true totals past its 16-entry table into the report", () => {
		const listed = Array.from({ length: 16 }, (_, i) => [9000 + i, "pe1"]).flat();
		fake.lists[0] = [22, ...listed];
		fake.lists[1] = [3, 68, "", 5353, "st0", 5000, "st0"];
		fake.lists[2] = [40, ...Array.from({ length: 16 }, (_, i) => [50000 + i, `192.0.2.2:${8000 + i}`, "st0"]).flat()];
		const driver = new Esp32NetDriver();
		const tcp = driver.listeningTcpPorts();
		const udp = driver.listeningUdpPorts();
		expect([tcp.length, tcp.total, udp.length, udp.total]).toEqual([16, 22, 3, undefined]);
		const status = newStatus();
		const payload = reportPayload({ driver, metrics: new CustomMetrics(50), format: "json", maxListSize: 50, maxReportBytes: 131072, status, log: () => {} }, 1, newNetStats());
		const doc = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString());
		expect(doc.metrics.listening_tcp_ports.ports).toHaveLength(16);
		expect(doc.metrics.listening_tcp_ports.total).toBe(22);
		expect(doc.metrics.listening_udp_ports.total).toBe(3);
		expect(doc.metrics.tcp_connections.established_connections.connections).toHaveLength(16);
		expect(doc.metrics.tcp_connections.established_connections.total).toBe(40);
		expect(status.encodeFailures).toBe(0);
	});

	it("returns empty lists when nothing is open", () => {
		const driver = new Esp32NetDriver();
		expect([driver.listeningTcpPorts(), driver.listeningUdpPorts(), driver.establishedConnections()]).toEqual([[], [], []]);
	});

	it("accepts a pending attach (Wi-Fi not started) and exposes the latest status", () => {
		fake.startStatus = "NETMON_ERR_NOT_READY";
		fake.status = "NETMON_ERR_NOT_READY";
		const driver = new Esp32NetDriver();
		expect(driver.status).toBe("NETMON_ERR_NOT_READY");
		fake.status = "NETMON_OK";
		expect(driver.status).toBe("NETMON_OK");
	});

	it.each(["NETMON_ERR_NO_NETIF", "NETMON_ERR_BUSY", "NETMON_ERR_CALL"])("throws NetmonError %s when it cannot attach", (code) => {
		fake.startStatus = code;
		let caught: unknown;
		try {
			new Esp32NetDriver();
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(NetmonError);
		expect(caught).toMatchObject({ code, name: "NetmonError" });
		expect(String((caught as Error).message)).toContain(code);
	});
});
