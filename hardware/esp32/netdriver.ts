/*
 * esp32 netdriver — NetDriver on the ESP32, backed by the netmon native module (netmon*.c).
 *
 * Counters are 64-bit accumulators in C, handed to JS as numbers: exact up to 2^53, so
 * counterBits is 53 (they never wrap in practice). They start at 0 at boot and are never reset,
 * not even when Wi-Fi restarts, so the generation is one random number drawn per boot.
 * Construct the driver after Wi-Fi is initialised (the station netif must exist); it attaches at
 * once if the interface is up, otherwise as soon as lwIP adds it.
 * On esp32 the top manifest maps "hardware/platform/netdriver" here; main.ts uses DeviceNetDriver.
 * lwIP counts every socket itself, so the reports of the counting socket (SocketMeter) are ignored.
 */

import type { EstablishedConnection, Listed, ListeningPort, NetDriver } from "../../modules/netdriver/netdriver";
import type { SocketMeter } from "../moddable/meter";

const start = native("xs_netmon_start") as () => string;
const status = native("xs_netmon_status") as () => string;
const readCounters = native("xs_netmon_read") as (out: Float64Array) => number;
/** [total, entries…]: total is how many exist, the entries at most the C table's 16. */
const list = native("xs_netmon_list") as (kind: number) => (number | string)[];

const LIST_TCP = 0;
const LIST_UDP = 1;
const LIST_ESTABLISHED = 2;
/** netdriver's COUNTERS, kept local: this module imports nothing at run time. */
const COUNTERS = 4;
const ATTACHED = "NETMON_OK";
const PENDING = "NETMON_ERR_NOT_READY";

/** A failure of the native module; `code` is the C status name, e.g. "NETMON_ERR_NO_NETIF". */
export class NetmonError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "NetmonError";
	readonly code: string;
	constructor(code: string, message: string) {
		super(message);
		this.code = code;
	}
}

/** flat[0] is the true count (the C table keeps NETMON_MAX entries), then the entries. */
function ports(flat: (number | string)[]): Listed<ListeningPort> {
	const result: Listed<ListeningPort> = [];
	for (let i = 1; i < flat.length; i += 2) {
		const port: ListeningPort = { port: flat[i] as number };
		if (flat[i + 1] !== "")
			port.interface = flat[i + 1] as string;
		result.push(port);
	}
	return withTotal(result, flat[0] as number);
}

function connections(flat: (number | string)[]): Listed<EstablishedConnection> {
	const result: Listed<EstablishedConnection> = [];
	for (let i = 1; i < flat.length; i += 3) {
		const connection: EstablishedConnection = { remoteAddr: flat[i + 1] as string, localPort: flat[i] as number };
		if (flat[i + 2] !== "")
			connection.localInterface = flat[i + 2] as string;
		result.push(connection);
	}
	return withTotal(result, flat[0] as number);
}

/** Marks a list the C table cut short with the true count. */
function withTotal<T>(list: Listed<T>, total: number): Listed<T> {
	if (total > list.length)
		list.total = total;
	return list;
}

export class Esp32NetDriver implements NetDriver, SocketMeter {
	readonly counterBits = 53;

	constructor() {
		const code = start();
		if (code !== ATTACHED && code !== PENDING)
			throw new NetmonError(code, `netmon: cannot watch the Wi-Fi station interface (${code})`);
	}

	/** Status of the latest attach: "NETMON_OK", or "NETMON_ERR_NOT_READY" while Wi-Fi is not started. */
	get status(): string {
		return status();
	}

	read(out: Float64Array): number {
		if (out.length < COUNTERS)
			throw new NetmonError("NETMON_ERR_ARG", `netmon: read needs ${COUNTERS} slots, got ${out.length}`);
		return readCounters(out);
	}

	listeningTcpPorts(): Listed<ListeningPort> {
		return ports(list(LIST_TCP));
	}

	listeningUdpPorts(): Listed<ListeningPort> {
		return ports(list(LIST_UDP));
	}

	establishedConnections(): Listed<EstablishedConnection> {
		return connections(list(LIST_ESTABLISHED));
	}
	/** SocketMeter: ignored, lwIP already counted these bytes. */
	received(_bytes: number): void {}

	sent(_bytes: number): void {}

	opened(_remoteAddr: string): number {
		return 1;
	}

	closed(_id: number): void {}
}

/** The name each platform's "hardware/platform/netdriver" exports (see hardware/sim/netdriver.ts). */
export { Esp32NetDriver as DeviceNetDriver };
