/*
 * e2e-day bench — 24 hours of device time with the rogue scenario, end to end, in ≤ 10 s of wall
 * time: the self-hosted cloud and MyDevice over mutual-TLS MQTT on 127.0.0.1, CheckRogueDevices on
 * allMyDevices, rogue mode on all day (86,400 publishes echoed back, 288 reports). Real sockets,
 * broker and agent; only time is virtual (test/helpers/e2e-day.ts). Peer, from the same run and the
 * same PKI: a bare aedes broker and an mqtt.js client echoing the same 114-byte message over the
 * same TLS loopback, in the same batches as one virtual step moves. Exit 1 on FAIL.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { runDay, type DayResult } from "../test/helpers/e2e-day";

const GOAL_MS = 10_000;
const HOURS = 24;
const STEP_MS = 20_000;
const PEER_MESSAGES = 20_000;

interface Peer {
	messages: number;
	wallMs: number;
}

/** Bare aedes + mqtt.js: `total` publishes of `payload` to a topic the client subscribes to, `batch` at a time, each batch awaited. */
async function peer(pki: string, total: number, batch: number, payload: string): Promise<Peer> {
	const aedes = await Aedes.createBroker();
	const server = createServer(
		{ key: readFileSync(join(pki, "server.key.pem")), cert: readFileSync(join(pki, "server.cert.pem")), ca: readFileSync(join(pki, "ca.cert.pem")), requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" },
		(socket) => aedes.handle(socket),
	);
	server.on("connection", (raw: Socket) => raw.setNoDelay(true));
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`, {
		clientId: "MyDevice",
		ca: readFileSync(join(pki, "ca.cert.pem")),
		cert: readFileSync(join(pki, "MyDevice.cert.pem")),
		key: readFileSync(join(pki, "MyDevice.key.pem")),
		rejectUnauthorized: true,
	});
	try {
		await client.subscribeAsync("/rogue/agent", { qos: 0 });
		let received = 0;
		client.on("message", () => received++);
		const start = performance.now();
		for (let sent = 0; sent < total; ) {
			for (let i = 0; i < batch; i++, sent++) client.publish("/rogue/agent", payload, { qos: 0 });
			while (received < sent) await new Promise((r) => setImmediate(r));
		}
		return { messages: total, wallMs: performance.now() - start };
	} finally {
		await client.endAsync(true);
		await new Promise<void>((resolve) => server.close(() => aedes.close(() => resolve())));
	}
}

function report(day: DayResult, bare: Peer): boolean {
	const { device: d, cloud: c } = day;
	const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
	const usPerMessage = (day.wallMs * 1000) / d.rogue.sent;
	const usPeer = (bare.wallMs * 1000) / bare.messages;
	const complete = d.sent === HOURS * 12 && d.accepted === d.sent && d.rogue.sent === HOURS * 3600 && d.rogue.received === d.rogue.sent;
	const pass = day.wallMs <= GOAL_MS && complete && day.active.length === 2;
	console.log(`rogue day: ${HOURS} h of device time, ${STEP_MS / 1000} s virtual steps (${day.steps})`);
	console.log(`  wall time             ${s(day.wallMs)}   (goal ≤ ${s(GOAL_MS)}); CPU time ${s(day.cpuMs)}; from device start (TLS connect) to the last reply`);
	console.log(`  speed-up              ${Math.round(day.deviceMs / day.wallMs)}× device time / wall time`);
	console.log(`  rogue messages        ${d.rogue.sent} sent, ${d.rogue.received} echoed back, ${d.rogue.skipped} skipped; cloud: ${c["aws:num-messages-sent"]} from the device, ${c["aws:num-messages-received"]} to it`);
	console.log(`  reports               ${d.sent} sent, ${d.accepted} accepted, ${d.rejected} rejected, ${d.timedOut} timed out; cloud accepted ${c.reportsAccepted}`);
	console.log(`  MQTT                  ${d.mqtt.messagesOut} PUBLISH out, ${d.mqtt.messagesIn} in, ${(d.mqtt.bytesOut / 1e6).toFixed(1)} MB out, ${(d.mqtt.bytesIn / 1e6).toFixed(1)} MB in`);
	console.log(`  violations active     ${day.active.join(", ") || "none"}; alerts ${day.alerts.length}`);
	console.log(`  per rogue message     ${usPerMessage.toFixed(1)} µs end to end (cloud + device + reports, all in)`);
	console.log(`  peer: bare aedes + mqtt.js echo over the same TLS loopback, batches of ${STEP_MS / 1000}: ${usPeer.toFixed(1)} µs per message (${bare.messages} messages)`);
	console.log(`  ratio                 ${(usPerMessage / usPeer).toFixed(2)}× the bare round trip`);
	console.log(`${pass ? "PASS" : "FAIL"}: 24 h of rogue device time in ${s(day.wallMs)} (goal ≤ ${s(GOAL_MS)}), every report accepted, both violations raised`);
	return pass;
}

async function main(): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), "e2e-day-bench-"));
	try {
		const day = await runDay({ hours: HOURS, stepMs: STEP_MS, dir });
		const message = `{"message":"${"A".repeat(100)}"}`;
		const bare = await peer(join(dir, "pki"), PEER_MESSAGES, STEP_MS / 1000, message);
		return report(day, bare) ? 0 : 1;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(1);
	},
);
