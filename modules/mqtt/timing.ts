/*
 * timing — the client's two time rules as pure functions of (virtual) time.
 *
 * Keep-alive (MQTT 3.1.1 §3.1.2.10): send PINGREQ once 3/4 of the keep-alive has passed with no
 * write or no read (so a publish-only link still proves the broker is there); declare the link
 * dead when nothing was read for 1.5 × keep-alive.
 * Reconnect back-off: exponential from minMs, capped at maxMs, with "equal jitter": the delay is
 * uniform in [d/2, d] so a fleet that lost the broker at once does not come back at once.
 */

export const KEEP = 0;
export const PING = 1;
export const DEAD = 2;

/** What keep-alive must do at `now` (KEEP, PING or DEAD). */
export function keepAliveAction(now: number, lastWrite: number, lastRead: number, pingOut: boolean, keepAliveMs: number): number {
	if (now - lastRead >= keepAliveMs * 1.5) return DEAD;
	if (pingOut) return KEEP;
	const ping = keepAliveMs * 0.75;
	return now - lastWrite >= ping || now - lastRead >= ping ? PING : KEEP;
}

/** Milliseconds from `now` until keepAliveAction may change its answer. */
export function keepAliveDelay(now: number, lastWrite: number, lastRead: number, pingOut: boolean, keepAliveMs: number): number {
	let due = lastRead + keepAliveMs * 1.5;
	if (!pingOut) due = Math.min(due, Math.min(lastWrite, lastRead) + keepAliveMs * 0.75);
	return Math.max(0, Math.ceil(due - now));
}

/** Delay before reconnect attempt number `failures` (0 = first retry). random() is in [0, 1). */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number): number {
	const d = Math.min(maxMs, minMs * 2 ** Math.min(failures, 30));
	return Math.round(d / 2 + random() * (d / 2));
}
