/*
 * Our own minimal declarations for @agoric/xsnap (the package ships none for its entry point):
 * only what test/xs/xs-harness.ts uses.
 */
declare module "@agoric/xsnap" {
	export interface XSMeterUsage {
		compute: number | null;
		allocate: number | null;
		currentHeapCount: number | null;
	}
	export interface XSRunResult<T> {
		reply: T;
		meterUsage: XSMeterUsage;
	}
	export interface XSWorkerHandle {
		evaluate(code: string): Promise<XSRunResult<Uint8Array>>;
		issueStringCommand(message: string): Promise<XSRunResult<string>>;
		close(): Promise<void>;
		terminate(): Promise<void>;
	}
	export function xsnap(options: {
		os: string;
		spawn: unknown;
		fs: unknown;
		name?: string;
		meteringLimit?: number;
		stdout?: "ignore" | "inherit" | "pipe";
		stderr?: "ignore" | "inherit" | "pipe";
		handleCommand?: (request: Uint8Array) => Promise<Uint8Array>;
	}): Promise<XSWorkerHandle>;
}
