/*
 * webhook — one delivery to an HTTP(S) webhook: POST of the alert JSON with the delivery id in the
 * `x-alert-id` header (a subscriber drops repeats by it), bounded by a timeout that covers the whole
 * exchange. A 2xx reply is a delivery; anything else is a failure with a reason for the log.
 */
import type { DeliveryResult, Sender } from "./outbox";

export function webhookSender(url: string, timeoutMs: number): Sender {
	return async (row, stop): Promise<DeliveryResult> => {
		try {
			const res = await fetch(url, {
				method: "POST",
				headers: { "content-type": "application/json", "x-alert-id": row.id },
				body: row.payload,
				signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
			});
			await res.arrayBuffer();
			return res.ok ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
		} catch (e) {
			const err = e as Error & { cause?: { code?: string } };
			if (err.name === "TimeoutError") return { ok: false, reason: `no reply within ${timeoutMs} ms` };
			if (stop.aborted) return { ok: false, reason: "stopped" };
			return { ok: false, reason: err.cause?.code ?? err.message };
		}
	};
}
