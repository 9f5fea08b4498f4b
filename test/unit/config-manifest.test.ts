/*
 * config-manifest — the Moddable manifests stay in step with the tree (no SDK needed): every
 * firmware module file is mapped and preloaded under a specifier that mirrors its folder (so
 * relative imports resolve on XS), the top manifest includes every module folder and the
 * hardware glue, and its config defaults parse once the per-device settings are given.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../modules/config/config";

const root = join(__dirname, "../..");
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));
const sources = (dir: string) =>
	readdirSync(join(root, dir))
		.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
		.map((f) => f.slice(0, -3))
		.sort();
const moduleDirs = readdirSync(join(root, "modules")).filter((d) => statSync(join(root, "modules", d)).isDirectory()).sort();
const top = json("manifest.json");
/**
 * Folders that may not be preloaded (none: every module makes its writers and buffers on first
 * use, since XS freezes what a preloaded module made at load into flash).
 */
const NOT_PRELOADED: string[] = [];

describe("module manifests", () => {
	it.each(moduleDirs)("modules/%s/manifest.json maps and preloads every .ts file of its folder", (dir) => {
		const manifest = json(`modules/${dir}/manifest.json`);
		const expected = Object.fromEntries(sources(`modules/${dir}`).map((f) => [`modules/${dir}/${f}`, `./${f}`]));
		expect(manifest.modules).toEqual(expected);
		expect([...(manifest.preload ?? [])].sort()).toEqual(NOT_PRELOADED.includes(dir) ? [] : Object.keys(expected).sort());
	});

	it("the top manifest includes every module folder", () => {
		const included = top.include.filter((p: string) => p.startsWith("./modules/"));
		expect(included.sort()).toEqual(moduleDirs.map((d) => `./modules/${d}/manifest.json`));
	});

	it("the top manifest maps and preloads every file of hardware/moddable", () => {
		for (const f of sources("hardware/moddable")) {
			expect(top.modules[`hardware/moddable/${f}`]).toBe(`./hardware/moddable/${f}`);
			expect(top.preload).toContain(`hardware/moddable/${f}`);
		}
	});

	it.each([["lin", "sim"], ["mac", "sim"], ["win", "sim"], ["esp32", "esp32"]])("on %s the specifiers hardware/platform/netdriver and /health are hardware/%s/…, preloaded", (platform, dir) => {
		const entry = top.platforms[platform];
		expect(entry.modules).toEqual({ "hardware/platform/netdriver": `./hardware/${dir}/netdriver`, "hardware/platform/health": `./hardware/${dir}/health` });
		expect(entry.preload).toEqual(["hardware/platform/netdriver", "hardware/platform/health"]);
		expect(top.modules["hardware/platform/netdriver"]).toBeUndefined();
		expect(top.modules["hardware/platform/health"]).toBeUndefined();
	});

	it("the esp32 build includes the netmon fragment, which leaves the driver's specifier to the top manifest", () => {
		expect(top.platforms.esp32.include).toContain("./hardware/esp32/manifest.json");
		expect(json("hardware/esp32/manifest.json").modules).toEqual({ "*": ["./netmon", "./netmon_sockets", "./netmon_esp", "./health_esp"] });
	});
});

describe("top manifest config", () => {
	it("keeps client certificates working (DHE_RSA off) and uses strict TypeScript", () => {
		expect(top.config.tls.DHE_RSA).toBe(false);
		expect(top.typescript.tsconfig.compilerOptions.strict).toBe(true);
	});

	it("needs the per-device settings and parses once they are given as command-line strings", () => {
		expect(() => parseConfig(top.config)).toThrow(ConfigError);
		const c = parseConfig({ ...top.config, thingName: "MyThing", endpoint: "example-ats.iot.us-east-1.amazonaws.com", interval: "600" });
		expect(c).toMatchObject({ thingName: "MyThing", port: 8883, intervalSeconds: 600, format: "json-short", rogue: false });
	});

	it("the ESP32-heap variant fixes the XS heaps at a plain -p esp32 build's defaults", () => {
		const variant = json("manifest_esp32heap.json");
		expect(variant.include).toBe("./manifest.json");
		expect(variant.creation).toEqual({ chunk: { initial: 32768, incremental: 0 }, heap: { initial: 2048, incremental: 0 }, stack: 384 });
	});
});
