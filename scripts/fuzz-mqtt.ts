/*
 * fuzz-mqtt — feeds random and mutated frames to the MQTT parser (default 1,000,000) and fails on
 * any uncaught throw or hang. Usage: npx tsx scripts/fuzz-mqtt.ts [count] [seed]
 * (or FUZZ_COUNT / FUZZ_SEED in the environment).
 */
import { fuzzMqtt } from "../test/helpers/mqtt-fuzz";

const count = Number(process.argv[2] ?? process.env.FUZZ_COUNT ?? 1_000_000);
const seed = Number(process.argv[3] ?? process.env.FUZZ_SEED ?? Date.now() % 0xffffffff);
const started = Date.now();
const r = fuzzMqtt(count, seed);
console.log(`fuzz-mqtt: seed ${seed}: ${r.frames} frames, ${r.bytes} bytes, ${r.packets} packets in ${Date.now() - started} ms`);
console.log(`statuses: ${JSON.stringify(r.statuses)}`);
console.log(`throws: ${r.throws}, hangs: ${r.hangs}${r.firstThrow ? ` (first: ${r.firstThrow})` : ""}`);
process.exit(r.throws === 0 && r.hangs === 0 ? 0 : 1);
