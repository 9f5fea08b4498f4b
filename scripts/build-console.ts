/*
 * build-console — `npx tsx scripts/build-console.ts [--out DIR]`: bundles the web console (console/) and
 * prints the size of each file. The cloud also builds it by itself when it is missing (cloud/console-build.ts).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildFrontEnd, describeBuild } from "../cloud/console-build";
import { DEFAULT_STATIC_ROOT } from "../cloud/console/index";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = values.out ? resolve(values.out) : DEFAULT_STATIC_ROOT;
buildFrontEnd(out).then(
	(r) => console.log(`console built in ${r.outDir}: ${describeBuild(r)}`),
	(err: unknown) => {
		console.error(`build-console: ${err instanceof Error ? err.message : String(err)}`);
		process.exit(1);
	},
);
