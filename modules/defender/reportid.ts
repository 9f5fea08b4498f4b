/*
 * reportid — strictly increasing report ids that survive reboots and clocks that are unset or
 * stepped back: id = max(wall-clock ms, last id + 1). The last id is read from the Store at boot
 * and written (once) before each report is published. It is stored as a decimal string because
 * Moddable's Preference keeps numbers as 32-bit integers and epoch milliseconds do not fit.
 */
import type { Log, Store } from "../platform/platform";
import { describe } from "./errors";

export const REPORT_ID_KEY = "lastReportId";

export class ReportIds {
	/** Store writes that threw. */
	failures = 0;
	#store: Store;
	#log: Log;
	#last: number;

	constructor(store: Store, log: Log) {
		this.#store = store;
		this.#log = log;
		this.#last = readLast(store, log);
	}

	/**
	 * The next id for a report made at wall-clock `now` (ms); persisted before it is returned. A
	 * store that throws (flash full or worn) is logged and the id is still used: reporting goes on,
	 * and ids stay increasing in this boot.
	 */
	next(now: number): number {
		const wall = Number.isFinite(now) ? Math.floor(now) : 0;
		const id = Math.max(wall, this.#last + 1);
		this.#last = id;
		try {
			this.#store.set(REPORT_ID_KEY, String(id));
		} catch (error) {
			this.failures++;
			this.#log(`defender: could not store report id ${id}: ${describe(error)}`);
		}
		return id;
	}
}

function readLast(store: Store, log: Log): number {
	const raw = store.get(REPORT_ID_KEY);
	if (raw === undefined) return 0;
	const value = typeof raw === "string" && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : raw;
	if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
	log(`defender: stored ${REPORT_ID_KEY} ${JSON.stringify(raw)} is not an id (an integer 0..2^53 - 1); report ids restart from the clock`);
	return 0;
}
