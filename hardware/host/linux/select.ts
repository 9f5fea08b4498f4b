/*
 * select — which NetDriver `npm run device` reports from: `--driver linux` (the kernel's counters
 * and socket tables, the default on Linux) or `--driver socket` (socket-level counting of the
 * device's own traffic, the default elsewhere and what the tests use).
 */
import { ArgsError } from "../args";
import type { DriverKind } from "../args";
import { LinuxNetDriver } from "./linux-driver";
import type { LinuxDriverOptions } from "./linux-driver";

/** The driver kind for `kind` (undefined: the platform's default). */
export function driverKind(kind: DriverKind | undefined, platform: string = process.platform): DriverKind {
	const chosen = kind ?? (platform === "linux" ? "linux" : "socket");
	if (chosen === "linux" && platform !== "linux") throw new ArgsError(`--driver linux reads /proc/net and needs Linux (this is ${platform}); use --driver socket`);
	return chosen;
}

/** A LinuxNetDriver for the linux kind, undefined for socket (the device's own counting driver). */
export function selectDriver(kind: DriverKind | undefined, interfaces: string[] | undefined, options: Omit<LinuxDriverOptions, "interfaces"> = {}, platform?: string): LinuxNetDriver | undefined {
	if (driverKind(kind, platform) === "socket") return undefined;
	return new LinuxNetDriver({ ...options, interfaces });
}
