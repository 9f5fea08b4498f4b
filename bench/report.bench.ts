/*
 * Report encoder bench. Sizes of the reference report in each encoding beside JSON.stringify and
 * cborg (insertion order) of the same document; then the CBOR encoder on XS (xsnap meter): compute
 * per report, live slots held once loaded, minified bundle size, beside cbor-x and cborg bundled and
 * run on the same XS in the same run. The goals are judged on the encoder alone (cbor-small.ts, the
 * model validated beforehand); validation + encoder (encodeCborReport, what the firmware calls) and
 * the walk-based encoder it replaced are printed beside it. Run: npx tsx bench/report.bench.ts
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

function row(name: string, f: XsFigures | string, baseBytes: number): void {
	if (typeof f === "string") console.log(`  ${name.padEnd(44)}${f}`);
	else console.log(`  ${name.padEnd(44)}${String(f.compute).padStart(12)}  ${String(f.slots).padStart(10)}  ${String(f.minified - baseBytes).padStart(10)}  ${String(f.bytes).padStart(8)}`);
}

/** Prints the three goals for `f`; counts failures only when `counted`. */
function goals(name: string, f: XsFigures, baseBytes: number, counted: boolean): void {
	const judge = (ok: boolean) => (counted ? verdict(ok) : `${ok ? "PASS" : "FAIL"} (not counted)`);
	const size = f.minified - baseBytes;
	console.log(`  ${name}: compute ${f.compute} <= 11000 ${judge(f.compute <= 11000)}; live slots ${f.slots} <= 250 ${judge(f.slots <= 250)}; minified ${size} B <= 3072 ${judge(size <= 3072)}`);
}

async function onXS(): Promise<void> {
	const empty = await startXS(new URL("./entries/empty.ts", import.meta.url));
	const baseSlots = empty.loadSlots;
	const baseBytes = Buffer.byteLength(await bundleForXS(new URL("./entries/empty.ts", import.meta.url), { minify: true }));
	await empty.close();
	console.log(`\nCBOR on XS (xsnap meter; slots and minified size net of an empty entry: ${baseSlots} slots, ${baseBytes} B)`);
	console.log("  encoder                                     compute/report  live slots  minified B  output B");
	const alone = await measure("cbor-small", referenceModel, baseSlots);
	const firmware = await measure("cbor-ours", referenceModel, baseSlots);
	const rows: [string, XsFigures | string][] = [
		["ours: cbor-small alone (view of its buffer)", alone],
		["ours: validate + cbor-small (new buffer)", firmware],
		["before: walk + CborWriter (new buffer)", await measure("cbor-walk", referenceModel, baseSlots)],
		["before: validate + walk + CborWriter", await measure("cbor-walk-checked", referenceModel, baseSlots)],
	];
	const peers: [string, XsFigures | string][] = [];
	for (const [name, entry] of [["cborg (insertion order)", "cbor-cborg"], ["cbor-x (no records)", "cbor-x"]]) {
		try {
			peers.push([name, await measure(entry, shortDoc, baseSlots)]);
		} catch (e) {
			peers.push([name, `failed on XS: ${(e as Error).message}`]);
		}
	}
	for (const [name, f] of [...rows, ...peers]) row(name, f, baseBytes);
	for (const [name, f] of peers) {
		if (typeof f === "string") continue;
		for (const [oursName, ours] of [["cbor-small alone", alone], ["validate + cbor-small", firmware]] as const) {
			console.log(`  ${oursName} / ${name}: compute ${(ours.compute / f.compute).toFixed(2)}x, slots ${(ours.slots / f.slots).toFixed(2)}x, minified ${((ours.minified - baseBytes) / (f.minified - baseBytes)).toFixed(2)}x`);
		}
	}
	console.log("  goals (<= 11000 compute per report, <= 250 live slots once loaded, <= 3 KB minified):");
	goals("the CBOR encoder (cbor-small alone)", alone, baseBytes, true);
	goals("with validation (encodeCborReport)", firmware, baseBytes, false);
}

sizes();
await onXS();
console.log(failed ? `\n${failed} goal(s) FAILED` : "\nall goals PASS");
process.exitCode = failed ? 1 : 0;
