/*
 * agent-e2e — shared steps for the host end-to-end tests: how virtual time runs around a device
 * (it stands still while a TLS handshake or a reply is on its way), waiting in real time, and the
 * conservation check of one device lifetime.
 */
import { expect } from "vitest";
import type { Device } from "../../hardware/host/device";
import { pause } from "../../hardware/host/virtual-clock";
import type { RunOptions } from "../../hardware/host/virtual-clock";

/**
 * Run options for a device: virtual time stands still during a TLS handshake, and for up to one
 * three real seconds per report while its reply is on its way (a lost reply then times out in virtual time).
 */
export function running(device: Device, realMs = 1): RunOptions {
	let report = 0;
	let since = 0;
	const waitingForReply = () => {
		const s = device.status;
		if (!s.awaitingReply) return false;
		if (s.lastReportId !== report) {
			report = s.lastReportId;
			since = Date.now();
		}
		return Date.now() - since < 3000;
	};
	return { step: 1000, realMs, hold: () => device.client.state === "connecting" || waitingForReply(), maxHoldMs: 2000 };
}

/** Waits in real time (virtual time stands still) until `done()`, failing after `ms`. */
export async function realUntil(done: () => boolean, ms: number, what: string): Promise<void> {
	const deadline = Date.now() + ms;
	while (!done()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await pause(5);
	}
}

/**
 * Nothing is lost: bytes_out of the reports the agent saw accepted, plus what the sampler still
 * holds, equal the driver's count (read right after a poll). Returns the accepted sum.
 */
export function expectConserved(device: Device, acceptedBytesOut: number, ticks: number): number {
	device.sampler.poll(ticks);
	const totals = new Float64Array(4);
	device.driver.read(totals);
	const pending = device.sampler.pending({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });
	expect(acceptedBytesOut + pending.bytesOut).toBe(totals[1]);
	return acceptedBytesOut;
}
