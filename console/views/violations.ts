/*
 * violations — active violations (clear an alarm, set its verification state) and the event history,
 * both refreshed by the live stream.
 */
import { cloudTime, enc, get, post, q, type Page } from "../api";
import { badge, h, metricText, mount, raw, time } from "../dom";
import { subscribe, throttle } from "../live";
import { table, type Column } from "../table";
import type { ActiveViolation, ViolationEvent } from "../types";

const STATES = ["UNKNOWN", "TRUE_POSITIVE", "BENIGN_POSITIVE", "FALSE_POSITIVE"];

function verification(v: ActiveViolation, done: () => void): HTMLElement {
	const select = h("select", { class: "verification", "aria-label": "verification state" }, h("option", { value: "" }, "—"), ...STATES.map((s) => h("option", { value: s, selected: v.verificationState === s }, s)));
	select.addEventListener("change", () => {
		if (!select.value) return;
		post(`/violations/${enc(v.violationId)}/verification`, { verificationState: select.value }).then(done, (err: unknown) => alert(String(err)));
	});
	return h("span", {}, select, v.verificationStateDescription ? h("div", { class: "muted" }, v.verificationStateDescription) : null);
}

function clearButton(v: ActiveViolation, done: () => void): HTMLElement {
	const b = h("button", { class: "clear-alarm", "data-violation-id": v.violationId }, "Clear alarm");
	b.addEventListener("click", () => {
		if (!confirm(`Clear the alarm ${v.behavior.name} of ${v.thingName}?`)) return;
		b.disabled = true;
		post(`/violations/${enc(v.violationId)}/clear`).then(done, (err: unknown) => {
			b.disabled = false;
			alert(err instanceof Error ? err.message : String(err));
		});
	});
	return b;
}

function activeColumns(done: () => void): Column<ActiveViolation>[] {
	return [
		{ key: "thing", label: "Thing", sort: "thingName", cell: (v) => h("a", { href: `#/thing/${enc(v.thingName)}` }, v.thingName) },
		{ key: "profile", label: "Profile", sort: "securityProfileName", cell: (v) => h("a", { href: `#/profiles/${enc(v.securityProfileName)}` }, v.securityProfileName) },
		{ key: "behavior", label: "Behavior", sort: "behaviorName", cell: (v) => h("span", { class: "behavior" }, `${v.behavior.name}`, h("div", { class: "muted" }, v.behavior.metric ?? "")) },
		{ key: "value", label: "Last value", cell: (v) => h("span", {}, metricText(v.lastViolationValue), h("div", { class: "muted" }, time(v.lastViolationTime))) },
		{ key: "start", label: "Started", sort: "violationStartTime", cell: (v) => time(v.violationStartTime) },
		{ key: "verification", label: "Verification", cell: (v) => verification(v, done) },
		{ key: "actions", label: "", cell: (v) => h("span", {}, clearButton(v, done), raw(v)) },
	];
}

function eventKind(e: ViolationEvent): HTMLElement {
	const kind = e.violationEventType === "in-alarm" ? "bad" : e.violationEventType === "alarm-cleared" ? "ok" : "warn";
	return h("span", {}, badge(e.violationEventType, kind), e.clearedBy ? h("span", { class: "muted" }, ` by ${e.clearedBy}`) : null);
}

function historyTable(items: ViolationEvent[]): HTMLElement {
	const rows = items
		.slice()
		.reverse()
		.map((e) =>
			h(
				"tr",
				{ "data-type": e.violationEventType, "data-behavior": e.behavior.name },
				h("td", {}, time(e.violationEventTime)),
				h("td", {}, h("a", { href: `#/thing/${enc(e.thingName)}` }, e.thingName)),
				h("td", {}, e.securityProfileName),
				h("td", {}, e.behavior.name),
				h("td", {}, eventKind(e)),
				h("td", {}, metricText(e.metricValue)),
				h("td", {}, e.verificationState ?? "—"),
				h("td", {}, raw(e)),
			),
		);
	if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No violation events in the last 24 hours.")));
	const head = ["Time", "Thing", "Profile", "Behavior", "Event", "Metric value", "Verification", ""].map((c) => h("th", {}, c));
	return h("table", { id: "violation-history", "data-count": items.length }, h("thead", {}, h("tr", {}, ...head)), h("tbody", {}, ...rows));
}

/** at most this many pages of 1000 events are read for the history */
const HISTORY_PAGES = 5;

/** The last 24 h of events on the cloud's clock, following nextToken (oldest first) up to HISTORY_PAGES. */
async function history24h(): Promise<{ items: ViolationEvent[]; more: boolean }> {
	const now = await cloudTime();
	const items: ViolationEvent[] = [];
	let nextToken: string | undefined;
	for (let page = 0; page < HISTORY_PAGES; page++) {
		const r = await get<{ items: ViolationEvent[]; nextToken: string | null }>(`/violations/history${q({ start: now - 24 * 3_600_000, end: now + 60_000, limit: 1000, nextToken })}`);
		items.push(...r.items);
		nextToken = r.nextToken ?? undefined;
		if (!nextToken) return { items, more: false };
	}
	return { items, more: true };
}

export function violationsView(root: HTMLElement): () => void {
	const history = h("div", {}, h("p", { class: "muted" }, "Loading…"));
	let stopped = false;
	const loadHistory = (): void => {
		history24h().then(
			(r) => stopped || mount(history, r.more ? h("p", { class: "muted" }, `Showing the oldest ${r.items.length} events of the last 24 hours.`) : null, historyTable(r.items)),
			(err: unknown) => mount(history, h("p", { class: "error" }, String(err instanceof Error ? err.message : err))),
		);
	};
	const reloadAll = (): void => {
		active.reload();
		loadHistory();
	};
	const active = table<ActiveViolation>({
		id: "active-violations",
		columns: activeColumns(reloadAll),
		rowKey: (v) => v.violationId,
		load: (query) => get<Page<ActiveViolation>>(`/violations/active${q({ ...query })}`),
		initialSort: { sort: "violationStartTime", order: "desc" },
		empty: "No active violation.",
	});
	mount(root, h("h1", {}, "Violations"), h("h2", {}, "Active"), active.element, h("h2", {}, "History (last 24 hours, newest first)"), history);
	loadHistory();
	const unsubscribe = subscribe(
		((r) => (e) => {
			if (e.type !== "report") r();
		})(throttle(reloadAll, 500)),
	);
	return () => {
		stopped = true;
		unsubscribe();
	};
}
