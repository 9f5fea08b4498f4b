/*
 * console-build — the web console's front-end (console/ at the repository root: TypeScript + uPlot) bundled
 * by buildConsole (cloud/console/build.ts) into the static root the cloud serves, build/console/ by default
 * (git-ignored). ensureConsoleBuilt() builds it when it is missing or older than its sources, so
 * `npm start` and `npm run cloud -- start` need no build step first.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { buildConsole, DEFAULT_STATIC_ROOT, type BuildResult, type ConsoleOptions } from "./console/index";

export const CONSOLE_SRC = resolve(import.meta.dirname, "../console");

/** Bundles console/ into `outDir` (emptied first). */
export function buildFrontEnd(outDir = DEFAULT_STATIC_ROOT): Promise<BuildResult> {
	return buildConsole({ srcDir: CONSOLE_SRC, outDir });
}

function newestSource(dir: string): number {
	let newest = 0;
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		const s = statSync(p);
		newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
	}
	return newest;
}

/** True when `outDir` holds a build at least as new as every source file. */
export function consoleUpToDate(outDir = DEFAULT_STATIC_ROOT): boolean {
	const index = join(outDir, "index.html");
	if (!existsSync(index)) return false;
	return !existsSync(CONSOLE_SRC) || statSync(index).mtimeMs >= newestSource(CONSOLE_SRC);
}

const building = new Map<string, Promise<string>>();

/**
 * Builds into a fresh sibling folder and swaps it in by rename, so another process (a parallel test file,
 * a second cloud) never sees a half-written root; when one appeared meanwhile, that one is kept.
 */
async function buildAndSwap(outDir: string): Promise<void> {
	const fresh = `${outDir}.build-${process.pid}-${randomBytes(4).toString("hex")}`;
	try {
		await buildFrontEnd(fresh);
		const old = `${outDir}.old-${process.pid}-${randomBytes(4).toString("hex")}`;
		if (existsSync(outDir) && !consoleUpToDate(outDir)) renameSync(outDir, old);
		try {
			renameSync(fresh, outDir);
		} catch (e) {
			if (!consoleUpToDate(outDir)) throw e;
		}
		rmSync(old, { recursive: true, force: true });
	} finally {
		rmSync(fresh, { recursive: true, force: true });
	}
}

/** Builds the console into `outDir` unless it is up to date; resolves to the folder to serve. */
export function ensureConsoleBuilt(outDir = DEFAULT_STATIC_ROOT): Promise<string> {
	if (consoleUpToDate(outDir)) return Promise.resolve(outDir);
	if (!existsSync(join(CONSOLE_SRC, "main.ts"))) return Promise.reject(new Error(`no console sources in ${CONSOLE_SRC} and no build in ${outDir}`));
	let p = building.get(outDir);
	if (!p) {
		p = buildAndSwap(outDir).then(
			() => (building.delete(outDir), outDir),
			(err: unknown) => {
				building.delete(outDir);
				throw new Error(`building the web console failed: ${err instanceof Error ? err.message : String(err)}`);
			},
		);
		building.set(outDir, p);
	}
	return p;
}

/**
 * What startCloud does before it starts the API: builds the default static root when needed. A staticRoot
 * the caller gives is served as it is; a failed build is logged and the API runs without the console.
 */
export async function prepareConsole(option: ConsoleOptions | false | undefined, log: (s: string) => void): Promise<void> {
	if (option === false || option?.staticRoot) return;
	await ensureConsoleBuilt().catch((e: unknown) => log(`console: ${e instanceof Error ? e.message : String(e)}`));
}

/** "main-ABCD1234.js 74.6 KB (gzip 31.8 KB), main-….css 4.0 KB, index.html 0.5 KB; 79.1 KB in all" */
export function describeBuild(r: BuildResult): string {
	const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
	const files = r.files.map((f) => (f.path.endsWith(".js") ? `${f.path} ${kb(f.bytes)} (gzip ${kb(gzipSync(readFileSync(join(r.outDir, f.path))).length)})` : `${f.path} ${kb(f.bytes)}`));
	return `${files.join(", ")}; ${kb(r.totalBytes)} in all`;
}
