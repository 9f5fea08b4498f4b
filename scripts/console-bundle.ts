/*
 * console-bundle — builds the web console (console/*.ts + uPlot) with esbuild into build/console/:
 * index.html, main.js (minified, one file) and main.css. No CDN: everything the page loads is in that folder.
 * ensureConsoleBuilt() builds it once when it is missing, so the cloud can serve it with nothing run first.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const CONSOLE_SRC = resolve(import.meta.dirname, "../console");
export const CONSOLE_BUILD = resolve(import.meta.dirname, "../build/console");
const FILES = ["index.html", "main.js", "main.css"] as const;

export interface BundleSizes {
	/** bytes of each written file */
	files: Record<string, number>;
	/** bytes of main.js gzipped (what a browser downloads from a server that compresses) */
	jsGzip: number;
}

/** Builds the console into `outDir` (default build/console) and returns the file sizes. */
export async function buildConsole(outDir = CONSOLE_BUILD): Promise<BundleSizes> {
	const esbuild = await import("esbuild");
	mkdirSync(outDir, { recursive: true });
	const out = await esbuild.build({
		entryPoints: [join(CONSOLE_SRC, "main.ts")],
		bundle: true,
		minify: true,
		format: "iife",
		target: "es2020",
		platform: "browser",
		outdir: outDir,
		entryNames: "[name]",
		legalComments: "none",
		logLevel: "silent",
	});
	if (out.errors.length) throw new Error(out.errors.map((e) => e.text).join("; "));
	writeFileSync(join(outDir, "index.html"), readFileSync(join(CONSOLE_SRC, "index.html")));
	const jsText = readFileSync(join(outDir, "main.js"));
	const { gzipSync } = await import("node:zlib");
	const files: Record<string, number> = {};
	for (const f of FILES) files[f] = statSync(join(outDir, f)).size;
	return { files, jsGzip: gzipSync(jsText).length };
}

/** True when every file of the bundle is in `dir`. */
export function consoleBuilt(dir = CONSOLE_BUILD): boolean {
	return FILES.every((f) => existsSync(join(dir, f)));
}

let building: Promise<string> | undefined;

/** Builds the console when build/console is incomplete; resolves to the folder to serve. */
export function ensureConsoleBuilt(dir = CONSOLE_BUILD): Promise<string> {
	if (consoleBuilt(dir)) return Promise.resolve(dir);
	building ??= buildConsole(dir).then(
		() => dir,
		(err: unknown) => {
			building = undefined;
			throw new Error(`building the web console failed: ${err instanceof Error ? err.message : String(err)}`);
		},
	);
	return building;
}

/** "main.js 61.2 KB (gzip 22.0 KB), main.css 5.1 KB, index.html 0.4 KB" */
export function describeSizes(s: BundleSizes): string {
	const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
	return Object.entries(s.files)
		.map(([f, n]) => (f === "main.js" ? `${f} ${kb(n)} (gzip ${kb(s.jsGzip)})` : `${f} ${kb(n)}`))
		.join(", ");
}
