/* simdriver-counting — the simulator's socket-level driver: exact bytes, estimated packets, its connection list. */
import { describe, expect, it } from "vitest";
import { BYTES_IN, BYTES_OUT, COUNTERS, PACKETS_IN, PACKETS_OUT } from "../../modules/netdriver/netdriver";
import { MSS, SimNetDriver } from "../../hardware/sim/netdriver";

function counters(driver: SimNetDriver): number[] {
	const out = new Float64Array(COUNTERS);
	driver.read(out);
	return [out[BYTES_IN], out[BYTES_OUT], out[PACKETS_IN], out[PACKETS_OUT]];
}

describe("SimNetDriver", () => {
	it("starts at zero, never wraps and reports its generation", () => {
		const driver = new SimNetDriver(7);
		expect(driver.counterBits).toBe(53);
		expect(driver.read(new Float64Array(COUNTERS))).toBe(7);
		expect(counters(driver)).toEqual([0, 0, 0, 0]);
		expect(new SimNetDriver().read(new Float64Array(COUNTERS))).toBe(1);
	});

	it("counts bytes exactly and a segment per MSS, with an ACK for every second segment", () => {
		const driver = new SimNetDriver();
		driver.sent(100);
		expect(counters(driver)).toEqual([0, 100, 0, 1]);
		driver.sent(MSS + 1);
		expect(counters(driver)).toEqual([0, 101 + MSS, 1, 3]);
		driver.received(10);
		driver.received(10);
		expect(counters(driver)).toEqual([20, 101 + MSS, 3, 4]);
	});

	it("ignores empty and nonsense reads and writes", () => {
		const driver = new SimNetDriver();
		driver.received(0);
		driver.sent(0);
		driver.received(Number.NaN);
		driver.sent(-5);
		expect(counters(driver)).toEqual([0, 0, 0, 0]);
	});

	it("lists established connections and counts their handshakes and closes", () => {
		const driver = new SimNetDriver();
		const a = driver.opened("127.0.0.1:8883");
		const b = driver.opened("10.0.0.2:443");
		expect(a).not.toBe(b);
		expect(driver.establishedConnections()).toEqual([{ remoteAddr: "127.0.0.1:8883" }, { remoteAddr: "10.0.0.2:443" }]);
		expect(counters(driver)).toEqual([0, 0, 2, 4]);
		driver.closed(a);
		driver.closed(a);
		driver.closed(999);
		expect(driver.establishedConnections()).toEqual([{ remoteAddr: "10.0.0.2:443" }]);
		expect(counters(driver)).toEqual([0, 0, 4, 6]);
		expect(driver.listeningTcpPorts()).toEqual([]);
		expect(driver.listeningUdpPorts()).toEqual([]);
	});
});
