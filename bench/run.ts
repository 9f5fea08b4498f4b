/*
 * npm run bench — runs every bench/*.bench.ts in its own process, one after the other, so that each
 * figure is printed beside its peer measured in the same run.
 */
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
	.filter((f) => f.endsWith(".bench.ts"))
	.filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
	.sort();
let failed = 0;
for (const f of files) {
	console.log(`\n=== ${f} ===`);
	const r = spawnSync(process.execPath, ["--import", "tsx", join(here, f)], { stdio: "inherit" });
	if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
