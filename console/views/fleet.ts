/*
 * fleet — every thing: connection, last report (time + format), last reply (ACCEPTED / REJECTED with the
 * error code), groups, active violations. Searchable, sortable, paged; refreshed by the live stream.
 */
import { get, overview, q, type Overview, type Page } from "../api";
import { ago, badge, h, mount, raw, serverNow, time } from "../dom";
import { subscribe, throttle } from "../live";
import { table, type Column } from "../table";
import type { ThingRow } from "../types";

function reply(t: ThingRow): Node | string {
	const r = t.lastReply;
	if (!r) return h("span", { class: "muted" }, "—");
	if (r.status === "ACCEPTED") return badge("ACCEPTED", "ok");
	return h("span", { title: r.errorMessage ?? "" }, badge("REJECTED", "bad"), " ", h("code", { class: "error-code" }, r.errorCode ?? "?"), r.errorMessage ? h("div", { class: "muted" }, r.errorMessage) : null);
}

function connection(t: ThingRow): Node {
	if (t.connected) return h("span", { title: t.sourceIp ?? "" }, badge("connected", "ok"));
	if (t.lastConnectTime === null) return h("span", { class: "muted" }, "never connected");
	return h("span", {}, badge("disconnected", ""), h("div", { class: "muted" }, ago(t.lastDisconnectTime ?? t.lastConnectTime)));
}

const COLUMNS: Column<ThingRow>[] = [
	{ key: "thingName", label: "Thing", sort: "thingName", cell: (t) => h("a", { href: `#/thing/${encodeURIComponent(t.thingName)}`, class: "thing-link" }, t.thingName) },
	{ key: "connected", label: "Connection", sort: "connected", cell: connection },
	{
		key: "lastReport",
		label: "Last report",
		sort: "lastReportTime",
		cell: (t) => h("span", {}, time(t.lastReportTime), t.lastReportTime ? h("div", { class: "muted" }, `${ago(t.lastReportTime)} · ${t.lastReportFormat ?? ""}`) : null),
	},
	{ key: "lastReply", label: "Last reply", sort: "lastReplyStatus", cell: reply },
	{ key: "reports", label: "Accepted / rejected", cell: (t) => `${t.reportsAccepted} / ${t.reportsRejected}` },
	{ key: "groups", label: "Groups", cell: (t) => t.groups.join(", ") },
	{
		key: "violations",
		label: "Active violations",
		sort: "activeViolations",
		cell: (t) => (t.activeViolations ? badge(String(t.activeViolations), "bad") : h("span", { class: "muted" }, "0")),
	},
	{ key: "raw", label: "", cell: (t) => raw(t) },
];

function filter(id: string, label: string, options: [string, string][]): HTMLSelectElement {
	return h("select", { id, "aria-label": label }, ...options.map(([value, text]) => h("option", { value }, text)));
}

export function fleetView(root: HTMLElement): () => void {
	const status = h("p", { class: "muted", id: "fleet-status" }, "Loading…");
	const connected = filter("fleet-connected", "connection", [["", "any connection"], ["true", "connected"], ["false", "not connected"]]);
	let counts: Overview | undefined;
	const reply = filter("fleet-status-filter", "last reply", [["", "any last reply"], ["ACCEPTED", "ACCEPTED"], ["REJECTED", "REJECTED"]]);
	const t = table<ThingRow>({
		id: "fleet",
		columns: COLUMNS,
		rowKey: (r) => r.thingName,
		load: async (query) => {
			counts = await overview();
			return get<Page<ThingRow>>(`/fleet${q({ ...query, connected: connected.value, status: reply.value })}`);
		},
		initialSort: { sort: "thingName", order: "asc" },
		empty: "No things yet: a thing appears when it connects or is registered.",
		onLoad: () =>
			mount(
				status,
				counts ? `${counts.things} things, ${counts.connected} connected · last minute: ${counts.reportsAcceptedLastMinute} reports accepted, ${counts.reportsRejectedLastMinute} rejected · ${counts.activeViolations} active violations · ` : "",
				"updated ",
				time(serverNow()),
				" (cloud time)",
			),
		onError: (err) => mount(status, h("span", { class: "error" }, `Could not load the fleet: ${err instanceof Error ? err.message : String(err)}`)),
	});
	t.toolbar.append(connected, reply);
	for (const s of [connected, reply]) s.addEventListener("change", () => t.reload(true));
	mount(root, h("h1", {}, "Fleet"), status, t.element);
	return subscribe(throttle(t.reload, 500));
}
