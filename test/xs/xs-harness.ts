/*
 * xs-harness — runs a TypeScript entry module on the real XS engine (@agoric/xsnap) from Node.
 *
 * Usage (in a test file that imports nothing else that minds SES lockdown):
 *
 *   import { startXS } from "../xs/xs-harness";
 *   const xs = await startXS(new URL("./entries/core-entry.ts", import.meta.url));
 *   const { result, compute, heapCount } = await xs.call("encode", model, "cbor");
 *   await xs.close();
 *
 * The entry is bundled with esbuild (IIFE, target es2022, ES2022-only runtime) and evaluated in a
 * fresh worker. Every named export of the entry that is a function can be called with `call(name,
 * ...args)`. Arguments and results cross as JSON; Uint8Array values are carried both ways (tagged
 * hex), `undefined` results come back as undefined. An exception inside XS is caught there and
 * rethrown in Node as XSError with the same name, message and `code` (so `ReportError` codes can be
 * asserted on XS too); the worker stays usable.
 *
 * Meter figures per call: `compute` is XS's deterministic work count for the whole command (the
 * JSON dispatch included: subtract a call of a no-op export for a net figure) and `heapCount` the
 * live slots at its end. `heapCount()` runs gc() first and returns the reachable slot count;
 * `loadSlots` is that count after loading the bundle minus before. Importing this module runs
 * `@endo/init` (SES lockdown of the Node process), which xsnap requires.
 */
import "@endo/init";
import { xsnap } from "@agoric/xsnap";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface XSCall<T> {
	result: T;
	compute: number;
	heapCount: number;
}

export interface XSWorker {
	/** Calls the entry's exported function `name` with JSON-able arguments. */
	call<T = unknown>(name: string, ...args: unknown[]): Promise<XSCall<T>>;
	/** Live slots after gc(). */
	heapCount(): Promise<number>;
	/** Live slots (after gc) that loading the bundle added. */
	readonly loadSlots: number;
	/** Size of the evaluated bundle in bytes. */
	readonly bundleBytes: number;
	close(): Promise<void>;
}

export interface StartOptions {
	/** esbuild minify (default false). */
	minify?: boolean;
	/** XS work limit per command (default 1e9). */
	meteringLimit?: number;
	/** Let XS `print` reach this process's stdout. */
	print?: boolean;
}

export class XSError extends Error {
	readonly code: string | undefined;
	constructor(name: string, message: string, code: string | undefined) {
		super(message);
		this.name = name;
		this.code = code;
	}
}

const GLOBAL = "__xsEntry";

/** Bundles `entry` as an IIFE assigning its exports to a global; returns the script text. */
export async function bundleForXS(entry: string | URL, options: { minify?: boolean; globalName?: string } = {}): Promise<string> {
	const out = await build({
		entryPoints: [typeof entry === "string" ? entry : fileURLToPath(entry)],
		bundle: true,
		format: "iife",
		globalName: options.globalName ?? GLOBAL,
		target: "es2022",
		platform: "neutral",
		mainFields: ["module", "main"],
		minify: options.minify ?? false,
		write: false,
		logLevel: "silent",
	});
	return out.outputFiles[0].text;
}

/** The dispatcher evaluated in XS before the bundle: handleCommand(ArrayBuffer) → ArrayBuffer. */
const DISPATCH = `(() => {
	const toHex = (b) => { let s = ""; for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16); return s; };
	const fromHex = (h) => { const b = new Uint8Array(h.length / 2); for (let i = 0; i < b.length; i++) b[i] = parseInt(h.substr(i * 2, 2), 16); return b; };
	const reviver = (k, v) => (v && typeof v === "object" && typeof v.$u8 === "string" ? fromHex(v.$u8) : v);
	const replacer = (k, v) => (v instanceof Uint8Array ? { $u8: toHex(v) } : v);
	const reply = (o) => new TextEncoder().encode(JSON.stringify(o, replacer)).buffer;
	globalThis.handleCommand = (buffer) => {
		try {
			const { name, args } = JSON.parse(new TextDecoder().decode(buffer), reviver);
			if (name === "__gc") { gc(); return reply({}); }
			const fn = globalThis.${GLOBAL} && globalThis.${GLOBAL}[name];
			if (typeof fn !== "function") throw new Error("no exported function " + name);
			const result = fn(...args);
			return reply(result === undefined ? {} : { result });
		} catch (e) {
			return reply({ error: { name: (e && e.name) || "Error", message: String(e && e.message), code: e && e.code } });
		}
	};
})();`;

function replacer(_key: string, v: unknown): unknown {
	return v instanceof Uint8Array ? { $u8: Buffer.from(v).toString("hex") } : v;
}

function reviver(_key: string, v: unknown): unknown {
	if (v !== null && typeof v === "object" && typeof (v as { $u8?: unknown }).$u8 === "string") return new Uint8Array(Buffer.from((v as { $u8: string }).$u8, "hex"));
	return v;
}

/** Starts a worker, loads the bundled `entry` into it and returns the handle. */
export async function startXS(entry: string | URL, options: StartOptions = {}): Promise<XSWorker> {
	const script = await bundleForXS(entry, { minify: options.minify });
	const worker = await xsnap({
		os: os.type(),
		spawn,
		fs: { ...fs, ...fs.promises },
		name: "xs-harness",
		meteringLimit: options.meteringLimit ?? 1e9,
		stdout: options.print ? "inherit" : "ignore",
		stderr: "inherit",
	});
	const command = async (name: string, args: unknown[]) => {
		const r = await worker.issueStringCommand(JSON.stringify({ name, args }, replacer));
		const body = JSON.parse(r.reply, reviver) as { result?: unknown; error?: { name: string; message: string; code?: string } };
		if (body.error) throw new XSError(body.error.name, body.error.message, body.error.code);
		return { result: body.result, compute: r.meterUsage.compute ?? NaN, heapCount: r.meterUsage.currentHeapCount ?? NaN };
	};
	const heapCount = async () => (await command("__gc", [])).heapCount;
	await worker.evaluate(DISPATCH);
	const before = await heapCount();
	await worker.evaluate(`${script}\nglobalThis.${GLOBAL} = ${GLOBAL};`);
	const loadSlots = (await heapCount()) - before;
	return {
		call: (name, ...args) => command(name, args) as Promise<XSCall<never>>,
		heapCount,
		loadSlots,
		bundleBytes: Buffer.byteLength(script),
		close: () => worker.close(),
	};
}
