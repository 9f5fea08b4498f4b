/* timer — our declaration of Moddable's "timer" module (one-shot and repeating timers). */
declare module "timer" {
	export type TimerID = object;
	export type TimerCallback = (id: TimerID) => void;
	const Timer: {
		/** One-shot after `ms` (0 / omitted: next turn); with `repeat`, then every `repeat` ms. */
		set(callback: TimerCallback, ms?: number, repeat?: number): TimerID;
		repeat(callback: TimerCallback, ms: number): TimerID;
		/** Accepts undefined/null. */
		clear(id: TimerID | undefined | null): void;
	};
	export default Timer;
}
