/* instrumentation — our declaration of Moddable's "instrumentation" module (debug/instrumented builds only). */
declare module "instrumentation" {
	const Instrumentation: {
		/** Index of a counter by name, undefined in release builds. */
		map(name: string): number | undefined;
		get(index: number): number | undefined;
		name(index: number): string | undefined;
	};
	export default Instrumentation;
}
