/*
 * stack-entry — the one composition (modules/stack) on XS: composed under the device's limits over
 * a scripted transport, connected (CONNACK), its SUBSCRIBEs answered (one refused), a report run.
 */
import { VirtualClock } from "../../../hardware/host/virtual-clock";
import type { TransportHandlers } from "../../../modules/mqtt/transport";
import { composeStack } from "../../../modules/stack/stack";
import { FakeDriver, MemoryStore } from "../../helpers/agent-fakes";

/** Packet ids of the SUBSCRIBEs written (first byte 0x82, id after the remaining length). */
function subscribeIds(bytes: number[]): number[] {
	const ids: number[] = [];
	let i = 0;
	while (i < bytes.length) {
		const type = bytes[i];
		let length = 0;
		let shift = 0;
		let k = i + 1;
		for (;;) {
			const b = bytes[k++];
			length += (b & 0x7f) << shift;
			shift += 7;
			if (b < 0x80) break;
		}
		if (type === 0x82) ids.push((bytes[k] << 8) | bytes[k + 1]);
		i = k + length;
	}
	return ids;
}

export function run(): { limits: unknown; maxReportBytes: number; refused: number; last: string; published: number; reportBytes: number } {
	const clock = new VirtualClock(1_800_000_000_000);
	const written: number[] = [];
	let handlers: TransportHandlers | undefined;
	const driver = new FakeDriver();
	driver.connections = [];
	for (let i = 0; i < 60; i++) driver.connections.push({ remoteAddr: `[2001:db8::${i}]:8883`, localPort: 40000 + i, localInterface: "st0" });
	const stack = composeStack({
		thingName: "XsThing",
		clock,
		openTransport: (h) => {
			handlers = h;
			return { write: (b) => (written.push(...b), b.length), close: () => {} };
		},
		driver,
		store: new MemoryStore(),
		random: () => 0.5,
	});
	stack.start(true);
	const h = handlers as TransportHandlers;
	h.onOpen();
	h.onData(Uint8Array.of(0x20, 2, 0, 0));
	clock.advance(0);
	const ids = subscribeIds(written);
	ids.forEach((id, n) => h.onData(Uint8Array.of(0x90, 3, id >> 8, id & 0xff, n === 0 ? 0x80 : 1)));
	const before = written.length;
	stack.agent.reportNow();
	const status = stack.status;
	return { limits: stack.limits, maxReportBytes: stack.agent.settings.maxReportBytes, refused: status.subscribeRefused, last: status.lastRefusedSubscription, published: status.sent, reportBytes: written.length - before };
}
