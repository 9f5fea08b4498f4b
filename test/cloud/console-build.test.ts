/*
 * The console's bundle: built by ensureConsoleBuilt when missing or older than console/, kept otherwise,
 * small, and loading nothing from outside its folder.
 */
import { readFileSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { consoleUpToDate, describeBuild, ensureConsoleBuilt, buildFrontEnd } from "../../cloud/console-build";
import { tempDir } from "../helpers/cloud-setup";

const dirs: string[] = [];
const scratch = (): string => {
	const d = tempDir("console-build-");
	dirs.push(d);
	return join(d, "console");
};
afterAll(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("console bundle", () => {
	it("is built when missing, kept while up to date, rebuilt when older than its sources", async () => {
		const out = scratch();
		expect(consoleUpToDate(out)).toBe(false);
		expect(await ensureConsoleBuilt(out)).toBe(out);
		expect(consoleUpToDate(out)).toBe(true);
		const index = join(out, "index.html");
		const built = statSync(index).mtimeMs;
		await ensureConsoleBuilt(out);
		expect(statSync(index).mtimeMs).toBe(built);
		utimesSync(index, new Date(0), new Date(0));
		expect(consoleUpToDate(out)).toBe(false);
		await ensureConsoleBuilt(out);
		expect(consoleUpToDate(out)).toBe(true);
		// nothing of a half-built folder is left beside it
		expect(readdirSync(join(out, "..")).sort()).toEqual(["console"]);
	});

	it("is one small script and one style sheet, referenced by index.html, with no outside URL", async () => {
		const r = await buildFrontEnd(scratch());
		const js = r.files.filter((f) => f.path.endsWith(".js"));
		const css = r.files.filter((f) => f.path.endsWith(".css"));
		expect(js).toHaveLength(1);
		expect(css).toHaveLength(1);
		expect(js[0].bytes).toBeLessThan(150 * 1024);
		const html = readFileSync(join(r.outDir, "index.html"), "utf8");
		expect(html).toContain(`src="${js[0].path}"`);
		expect(html).toContain(`href="${css[0].path}"`);
		expect(html).not.toMatch(/https?:\/\//);
		expect(readFileSync(join(r.outDir, js[0].path), "utf8")).not.toMatch(/(src|href)=["']https?:/);
		expect(describeBuild(r)).toMatch(/main-[A-Z0-9]{8}\.js \d+\.\d KB \(gzip \d+\.\d KB\)/);
	});
});
