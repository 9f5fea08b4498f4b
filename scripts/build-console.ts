/*
 * build-console — `npx tsx scripts/build-console.ts [--out DIR]`: bundles the web console and prints its sizes.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildConsole, CONSOLE_BUILD, describeSizes } from "./console-bundle";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = values.out ? resolve(values.out) : CONSOLE_BUILD;
buildConsole(out).then(
	(sizes) => console.log(`console built in ${out}: ${describeSizes(sizes)}`),
	(err: unknown) => {
		console.error(`build-console: ${err instanceof Error ? err.message : String(err)}`);
		process.exit(1);
	},
);
