import { describe, expect, it } from "vitest";
import { ArgsError, parseArgs } from "../../hardware/host/args";
import { LinuxNetDriver } from "../../hardware/host/linux/linux-driver";
import { driverKind, selectDriver } from "../../hardware/host/linux/select";

const base = ["--thing", "GW", "--host", "h", "--port", "8883", "--ca", "a", "--cert", "c", "--key", "k"];

describe("npm run device: --driver and --interface", () => {
	it("takes --interface repeatedly and --driver linux|socket", () => {
		const a = parseArgs([...base, "--driver", "linux", "--interface", "eth0", "--interface", "wlan0"]);
		expect(a.driver).toBe("linux");
		expect(a.interfaces).toEqual(["eth0", "wlan0"]);
		const b = parseArgs(base);
		expect(b.driver).toBeUndefined();
		expect(b.interfaces).toBeUndefined();
	});

	it("refuses an unknown driver, --driver twice, and --interface with the socket driver", () => {
		expect(() => parseArgs([...base, "--driver", "pcap"])).toThrow(/--driver must be one of linux, socket, got pcap/);
		expect(() => parseArgs([...base, "--driver", "linux", "--driver", "socket"])).toThrow(/--driver given twice/);
		expect(() => parseArgs([...base, "--driver", "socket", "--interface", "eth0"])).toThrow(ArgsError);
		expect(() => parseArgs([...base, "--interface"])).toThrow(/--interface needs a value/);
	});

	it("defaults to the linux driver on Linux and the socket driver elsewhere", () => {
		expect(driverKind(undefined, "linux")).toBe("linux");
		expect(driverKind(undefined, "darwin")).toBe("socket");
		expect(driverKind("socket", "linux")).toBe("socket");
		expect(() => driverKind("linux", "darwin")).toThrow(/needs Linux/);
	});

	it("builds the kernel-counter driver for linux, none for socket", () => {
		expect(selectDriver("socket", undefined, {}, "linux")).toBeUndefined();
		const d = selectDriver(undefined, ["lo"], {}, "linux");
		expect(d).toBeInstanceOf(LinuxNetDriver);
		expect(d?.interfaces).toEqual(["lo"]);
		expect(() => selectDriver("linux", ["no-such-if0"], {}, "linux")).toThrow(/interface no-such-if0 not found/);
	});
});
