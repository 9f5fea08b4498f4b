/*
 * build — bundles the console's front-end (sources owned by the front-end, e.g. cloud/console/web/) into
 * the static root the server serves: esbuild, browser ES2022, content-hashed main-HASH.js/.css, index.html
 * copied with main.js/main.css references rewritten, srcDir/static/ copied as is. No CDN: all is bundled.
 */
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join, relative, resolve } from "node:path";

export interface BuildOptions {
	/** folder holding index.html and the entry script */
	srcDir: string;
	/** the static root to write (emptied first) */
	outDir: string;
	/** entry script inside srcDir (default main.ts) */
	entry?: string;
	minify?: boolean;
}

export interface BuildResult {
	outDir: string;
	files: { path: string; bytes: number }[];
	totalBytes: number;
}

function copyTree(from: string, to: string): void {
	mkdirSync(to, { recursive: true });
	for (const name of readdirSync(from)) {
		const src = join(from, name);
		if (statSync(src).isDirectory()) copyTree(src, join(to, name));
		else copyFileSync(src, join(to, name));
	}
}

function listFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? listFiles(p) : [p];
	});
}

export async function buildConsole(o: BuildOptions): Promise<BuildResult> {
	const srcDir = resolve(o.srcDir);
	const outDir = resolve(o.outDir);
	const entry = join(srcDir, o.entry ?? "main.ts");
	const html = join(srcDir, "index.html");
	if (!existsSync(entry)) throw new Error(`console build: no entry script ${entry}`);
	if (!existsSync(html)) throw new Error(`console build: no ${html}`);
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	const result = await build({
		entryPoints: [entry],
		bundle: true,
		outdir: outDir,
		entryNames: "[name]-[hash]",
		assetNames: "[name]-[hash]",
		format: "esm",
		platform: "browser",
		target: "es2022",
		minify: o.minify ?? true,
		sourcemap: false,
		metafile: true,
		logLevel: "silent",
		loader: { ".svg": "file", ".png": "file", ".woff2": "file" },
	});
	const stem = basename(entry, extname(entry));
	let page = readFileSync(html, "utf8");
	for (const out of Object.keys(result.metafile.outputs)) {
		const name = basename(out);
		const ext = extname(name);
		if (name.startsWith(`${stem}-`)) page = page.split(`${stem}${ext}`).join(name);
	}
	writeFileSync(join(outDir, "index.html"), page);
	if (existsSync(join(srcDir, "static"))) copyTree(join(srcDir, "static"), outDir);
	const files = listFiles(outDir).map((p) => ({ path: relative(outDir, p), bytes: statSync(p).size }));
	return { outDir, files, totalBytes: files.reduce((n, f) => n + f.bytes, 0) };
}
