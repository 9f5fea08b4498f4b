/*
 * platform — the small interfaces through which firmware modules reach the platform.
 * modules/ never imports a platform module; main.ts (Moddable) and hardware/host (Node) pass these in.
 */

export type TimerHandle = unknown;

export interface Clock {
	/** Wall-clock time, epoch milliseconds (may be unset/1970 on a device before SNTP). */
	now(): number;
	/** Monotonic milliseconds; only differences matter. */
	ticks(): number;
	/** One-shot timer. */
	set(callback: () => void, ms: number): TimerHandle;
	clear(handle: TimerHandle | undefined): void;
}

/** Small persistent key/value store (Moddable Preference on the device, a file on the host). */
export interface Store {
	get(key: string): string | number | boolean | undefined;
	set(key: string, value: string | number | boolean): void;
}

export interface Log {
	(message: string): void;
}
