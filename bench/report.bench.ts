/*
 * Report encoder bench. Sizes of the reference report in each encoding beside JSON.stringify and
 * cborg (insertion order) of the same document; then the CBOR encoder on XS (xsnap meter): compute
 * per report, live slots held once loaded, minified bundle size, beside cbor-x and cborg bundled and
 * run on the same XS in the same run. Run: npx tsx bench/report.bench.ts
 */
import { bundleForXS, startXS } from "../test/xs/xs-harness";
import { encode as cborgEncode } from "cborg";
import { encodeReport } from "../modules/report/report";
import { referenceModel, reportFixtures } from "../test/fixtures/reports";

const reference = reportFixtures.find((f) => f.model === referenceModel);
if (!reference) throw new Error("reference fixture missing");
const longDoc = JSON.parse(reference.jsonLong);
const shortDoc = JSON.parse(reference.jsonShort);
let failed = 0;

function verdict(ok: boolean): string {
	if (!ok) failed++;
	return ok ? "PASS" : "FAIL";
}

function sizes(): void {
	console.log("reference report size (bytes): ours | peer | ratio");
	const rows: [string, number, number, string][] = [
		["JSON long ", encodeReport(referenceModel, "json").length, Buffer.byteLength(JSON.stringify(longDoc)), "JSON.stringify"],
		["JSON short", encodeReport(referenceModel, "json-short").length, Buffer.byteLength(JSON.stringify(shortDoc)), "JSON.stringify"],
		["CBOR short", encodeReport(referenceModel, "cbor").length, cborgEncode(shortDoc, { mapSorter: undefined } as unknown as Parameters<typeof cborgEncode>[1]).length, "cborg"],
	];
	for (const [name, ours, peer, peerName] of rows) {
		console.log(`  ${name}: ${ours} | ${peer} (${peerName}) | ${(ours / peer).toFixed(3)}  goal = floor: ${verdict(ours === peer)}`);
	}
}

interface XsFigures {
	compute: number;
	slots: number;
	minified: number;
	bytes: number;
}

async function measure(entry: string, input: unknown, baseSlots: number): Promise<XsFigures> {
	const url = new URL(`./entries/${entry}.ts`, import.meta.url);
	const xs = await startXS(url);
	try {
		const zero = await xs.call("encodeN", input, 0);
		const ten = await xs.call("encodeN", input, 10);
		const once = await xs.call<Uint8Array>("encodeOnce", input);
		const minified = Buffer.byteLength(await bundleForXS(url, { minify: true }));
		return { compute: (ten.compute - zero.compute) / 10, slots: xs.loadSlots - baseSlots, minified, bytes: once.result.length };
	} finally {
		await xs.close();
	}
}

async function onXS(): Promise<void> {
	const empty = await startXS(new URL("./entries/empty.ts", import.meta.url));
	const baseSlots = empty.loadSlots;
	const baseBytes = Buffer.byteLength(await bundleForXS(new URL("./entries/empty.ts", import.meta.url), { minify: true }));
	await empty.close();
	console.log(`\nCBOR on XS (xsnap meter; slots and minified size net of an empty entry: ${baseSlots} slots, ${baseBytes} B)`);
	console.log("  encoder                         compute/report  live slots  minified B  output B");
	const ours = await measure("cbor-ours", referenceModel, baseSlots);
	const walk = await measure("cbor-walk", referenceModel, baseSlots);
	const rows: [string, XsFigures | string][] = [
		["ours (validate + walk + write)", ours],
		["ours (walk + write, no validation)", walk],
	];
	for (const [name, entry] of [["cborg (insertion order)", "cbor-cborg"], ["cbor-x (no records)", "cbor-x"]]) {
		try {
			rows.push([name, await measure(entry, shortDoc, baseSlots)]);
		} catch (e) {
			rows.push([name, `failed on XS: ${(e as Error).message}`]);
		}
	}
	for (const [name, f] of rows) {
		if (typeof f === "string") console.log(`  ${name.padEnd(34)}${f}`);
		else console.log(`  ${name.padEnd(34)}${String(f.compute).padStart(12)}  ${String(f.slots).padStart(10)}  ${String(f.minified - baseBytes).padStart(10)}  ${String(f.bytes).padStart(8)}`);
	}
	for (const [name, f] of rows.slice(2)) {
		if (typeof f !== "string") console.log(`  ours / ${name}: compute ${(ours.compute / f.compute).toFixed(2)}x, slots ${(ours.slots / f.slots).toFixed(2)}x, minified ${((ours.minified - baseBytes) / (f.minified - baseBytes)).toFixed(2)}x`);
	}
	console.log(`  goal compute <= 11000 per report: ${ours.compute} ${verdict(ours.compute <= 11000)} (without validation ${walk.compute})`);
	console.log(`  goal <= 250 live slots once loaded: ${ours.slots} ${verdict(ours.slots <= 250)} (without validation ${walk.slots})`);
	console.log(`  goal <= 3 KB minified: ${ours.minified - baseBytes} B ${verdict(ours.minified - baseBytes <= 3072)} (without validation ${walk.minified - baseBytes} B)`);
}

sizes();
await onXS();
console.log(failed ? `\n${failed} goal(s) FAILED` : "\nall goals PASS");
process.exitCode = failed ? 1 : 0;
