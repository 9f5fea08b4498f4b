/*
 * live — the server-sent-events stream of the cloud (reports, replies, connections, violations): one
 * EventSource for the page, views subscribe while they are shown.
 */
import { BASE } from "./api";
import { setServerTime } from "./dom";

export interface LiveEvent {
	type: string;
	data: unknown;
}
type Listener = (e: LiveEvent) => void;

/** event names the stream sends (docs/console.md); unnamed events arrive as "message" */
export const EVENT_TYPES = ["report", "violation", "alarm", "connection", "dropped"];
/** events that only carry the cloud's time */
const CLOCK_EVENTS = ["hello", "heartbeat"];

const listeners = new Set<Listener>();
let source: EventSource | undefined;
let received = 0;

export function subscribe(cb: Listener): () => void {
	listeners.add(cb);
	return () => {
		listeners.delete(cb);
	};
}

function indicator(on: boolean): void {
	const el = document.getElementById("live");
	if (!el) return;
	el.className = `live ${on ? "on" : "off"}`;
	el.dataset.events = String(received);
}

export function startLive(): void {
	if (source) return;
	source = new EventSource(`${BASE}/events`, { withCredentials: true });
	source.onopen = () => indicator(true);
	const mine = source;
	source.onerror = () => {
		indicator(false);
		// a refused or ended stream (cloud restarted, session gone) is not retried by the browser: retry here
		if (mine.readyState === EventSource.CLOSED) setTimeout(() => {
			if (source !== mine) return;
			source = undefined;
			startLive();
		}, 5000);
	};
	for (const type of CLOCK_EVENTS) {
		source.addEventListener(type, (ev) => {
			indicator(true);
			try {
				setServerTime((JSON.parse((ev as MessageEvent<string>).data) as { time: number }).time);
			} catch {
				/* a clock event without a time: nothing to learn */
			}
		});
	}
	for (const type of EVENT_TYPES) {
		source.addEventListener(type, (ev) => {
			received++;
			indicator(true);
			let data: unknown;
			try {
				data = JSON.parse((ev as MessageEvent<string>).data);
			} catch {
				data = (ev as MessageEvent<string>).data;
			}
			for (const l of listeners) l({ type, data });
		});
	}
}

export function stopLive(): void {
	source?.close();
	source = undefined;
	indicator(false);
}

/** Calls `fn` at most once per `ms` (trailing), for views that refetch on bursts of events. */
export function throttle(fn: () => void, ms: number): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	return () => {
		if (timer) return;
		timer = setTimeout(() => {
			timer = undefined;
			fn();
		}, ms);
	};
}
