/*
 * post-delivery — one outbox delivery over HTTP(S) (the alert webhook, SNS http/https subscriptions): a POST
 * bounded by a timeout that covers the whole exchange, stopped by the outbox's signal. A 2xx reply is a
 * delivery; anything else a failure with a reason for the log.
 *
 * The timeout is our own timer aborting our own controller, not
 * `AbortSignal.any([stop, AbortSignal.timeout(ms)])`: on Node 20 a composite signal can lose a
 * garbage-collected `AbortSignal.timeout` source, which then never fires (nodejs/node#57736), and a
 * hanging POST was never given up (seen in CI, under the memory pressure of 1,200 queued alerts).
 */
import type { DeliveryResult } from "./outbox";

export interface Post {
	url: string;
	headers: Record<string, string>;
	body: string;
	redirect?: "follow" | "manual";
}

export async function postDelivery(p: Post, timeoutMs: number, stop: AbortSignal): Promise<DeliveryResult> {
	const request = new AbortController();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		request.abort();
	}, timeoutMs);
	const onStop = (): void => request.abort();
	stop.addEventListener("abort", onStop, { once: true });
	if (stop.aborted) request.abort();
	try {
		const res = await fetch(p.url, { method: "POST", headers: p.headers, body: p.body, redirect: p.redirect ?? "follow", signal: request.signal });
		await res.arrayBuffer();
		return res.ok ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
	} catch (e) {
		if (timedOut) return { ok: false, reason: `no reply within ${timeoutMs} ms` };
		if (stop.aborted) return { ok: false, reason: "stopped" };
		const err = e as Error & { cause?: { code?: string } };
		return { ok: false, reason: err.cause?.code ?? err.message };
	} finally {
		clearTimeout(timer);
		stop.removeEventListener("abort", onStop);
	}
}
