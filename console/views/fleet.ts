/*
 * fleet — every thing: connection, last report (time + format), last reply (ACCEPTED / REJECTED with the
 * error code), groups, active violations. Searchable, sortable, paged; refreshed by the live stream.
 */
import { get } from "../api";
import { ago, badge, h, mount, raw, time } from "../dom";
import { subscribe, throttle } from "../live";
import { table, type Column } from "../table";
import type { ThingRow } from "../types";
import { loadThings } from "./things-data";

function reply(t: ThingRow): Node | string {
	const r = t.lastReply;
	if (!r) return h("span", { class: "muted" }, "—");
	if (r.status === "ACCEPTED") return badge("ACCEPTED", "ok");
	return h("span", { title: r.errorMessage ?? "" }, badge("REJECTED", "bad"), " ", h("code", { class: "error-code" }, r.errorCode ?? "?"), r.errorMessage ? h("div", { class: "muted" }, r.errorMessage) : null);
}

const COLUMNS: Column<ThingRow>[] = [
	{ key: "thingName", label: "Thing", sort: (t) => t.thingName, cell: (t) => h("a", { href: `#/thing/${encodeURIComponent(t.thingName)}`, class: "thing-link" }, t.thingName) },
	{ key: "connected", label: "Connection", sort: (t) => (t.connected ? 0 : 1), cell: (t) => (t.connected ? badge("connected", "ok") : badge("disconnected", "")) },
	{
		key: "lastReport",
		label: "Last report",
		sort: (t) => -(t.lastReportTime ?? 0),
		cell: (t) => h("span", {}, time(t.lastReportTime), t.lastReportTime ? h("div", { class: "muted" }, `${ago(t.lastReportTime)} · ${t.lastReportFormat ?? ""}`) : null),
	},
	{ key: "lastReply", label: "Last reply", sort: (t) => t.lastReply?.status ?? "", cell: reply },
	{ key: "groups", label: "Groups", sort: (t) => t.groups.join(","), cell: (t) => t.groups.join(", ") },
	{
		key: "violations",
		label: "Active violations",
		sort: (t) => -t.activeViolations,
		cell: (t) => (t.activeViolations ? badge(String(t.activeViolations), "bad") : h("span", { class: "muted" }, "0")),
	},
	{ key: "raw", label: "", cell: (t) => raw(t) },
];

export function fleetView(root: HTMLElement): () => void {
	const status = h("p", { class: "muted", id: "fleet-status" }, "Loading…");
	const t = table<ThingRow>({
		id: "fleet",
		columns: COLUMNS,
		rowKey: (r) => r.thingName,
		text: (r) => `${r.thingName} ${r.groups.join(" ")} ${r.lastReply?.errorCode ?? ""}`,
		initialSort: { key: "thingName", dir: 1 },
		empty: "No things yet: a thing appears when it connects or is registered.",
	});
	mount(root, h("h1", {}, "Fleet"), status, t.element);
	let previous = new Map<string, string>();
	let stopped = false;
	const load = (): void => {
		loadThings(get).then(
			(rows) => {
				if (stopped) return;
				const changed = new Set(rows.filter((r) => previous.has(r.thingName) && previous.get(r.thingName) !== JSON.stringify(r)).map((r) => r.thingName));
				previous = new Map(rows.map((r) => [r.thingName, JSON.stringify(r)]));
				t.setRows(rows);
				if (changed.size) t.refresh(changed);
				mount(status, `${rows.length} things, ${rows.filter((r) => r.connected).length} connected, updated `, time(Date.now()));
			},
			(err: unknown) => mount(status, h("span", { class: "error" }, `Could not load the fleet: ${err instanceof Error ? err.message : String(err)}`)),
		);
	};
	load();
	const unsubscribe = subscribe(throttle(load, 500));
	return () => {
		stopped = true;
		unsubscribe();
	};
}
