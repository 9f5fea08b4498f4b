/* time — our declaration of Moddable's "time" module (monotonic ticks, setting the wall clock). */
declare module "time" {
	const Time: {
		/** Sets the wall clock, seconds since 1970 (a no-op in the Linux simulator). */
		set(seconds: number): void;
		/** Monotonic milliseconds (wraps at 32 bits on microcontrollers). */
		readonly ticks: number;
		/** end - start, wrap-safe. */
		delta(start: number, end?: number): number;
	};
	export default Time;
}
