/*
 * webhook — one delivery to an HTTP(S) webhook: POST of the alert JSON with the delivery id in the
 * `x-alert-id` header (a subscriber drops repeats by it), bounded by a timeout that covers the whole
 * exchange (post-delivery.ts).
 */
import type { Sender } from "./outbox";
import { postDelivery } from "./post-delivery";

export function webhookSender(url: string, timeoutMs: number): Sender {
	return (row, stop) => postDelivery({ url, headers: { "content-type": "application/json", "x-alert-id": row.id }, body: row.payload }, timeoutMs, stop);
}
