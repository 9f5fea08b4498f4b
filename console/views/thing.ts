/*
 * thing — one thing: connection, groups, certificate state, the behaviors that target it, its active
 * violations, a plot per device-side and cloud-side metric over a chosen range, and its report log.
 */
import { cloudTime, enc, get, q } from "../api";
import { badge, h, metricText, mount, raw, time } from "../dom";
import { subscribe, throttle } from "../live";
import { metricPlot } from "../plot";
import type { MetricSeries, ThingDetail } from "../types";
import { reportLog } from "./report-log";

/** 0: from the first datapoint or violation in the last 7 days to now */
const RANGES: [string, number][] = [
	["fit to data (7 days)", 0],
	["last hour", 3_600_000],
	["last 6 hours", 6 * 3_600_000],
	["last 24 hours", 24 * 3_600_000],
	["last 7 days", 7 * 24 * 3_600_000],
];

function summary(t: ThingDetail): HTMLElement {
	const c = t.connection;
	const certs = t.certificates.length
		? h("ul", { id: "certificates" }, ...t.certificates.map((x) => h("li", {}, h("code", {}, x.certificateId.slice(0, 16)), " ", badge(x.status, x.status === "ACTIVE" ? "ok" : "bad"), " since ", time(x.modified ?? x.created))))
		: h("span", { id: "certificates", class: "muted" }, t.certificateNote ?? "no certificate in the registry");
	return h(
		"div",
		{ class: "card", id: "thing-summary" },
		h("p", {}, c.connected ? badge("connected", "ok") : badge("disconnected", ""), c.sourceIp ? ` from ${c.sourceIp}` : "", " · last connect ", time(c.lastConnectTime), " · last disconnect ", time(c.lastDisconnectTime), " · last seen ", time(t.lastSeenTime)),
		h("p", {}, "Groups: ", t.groups.length ? t.groups.join(", ") : h("span", { class: "muted" }, "none"), t.registered ? "" : h("span", { class: "muted" }, " (not in the registry)")),
		h("div", {}, "Certificates: ", certs),
		h(
			"div",
			{},
			"Behaviors targeting it: ",
			t.behaviors.length ? h("ul", {}, ...t.behaviors.map((b) => h("li", {}, `${b.securityProfileName} / ${b.behavior.name} (${b.behavior.metric ?? "?"})`))) : h("span", { class: "muted" }, "none"),
		),
		h(
			"div",
			{ id: "thing-violations" },
			"Active violations: ",
			t.activeViolations.length
				? h("ul", {}, ...t.activeViolations.map((v) => h("li", {}, badge(v.behavior.name, "bad"), ` ${v.securityProfileName}, value ${metricText(v.lastViolationValue)}, since `, time(v.violationStartTime))))
				: h("span", { class: "muted" }, "none"),
		),
		raw(t),
	);
}

export function thingView(root: HTMLElement, name: string): () => void {
	let range = 0;
	let destroyers: (() => void)[] = [];
	let stopped = false;
	const select = h("select", { id: "range" }, ...RANGES.map(([label, ms]) => h("option", { value: ms, selected: ms === range }, label)));
	const head = h("div", { id: "thing-head" }, h("p", { class: "muted" }, "Loading…"));
	const plots = h("div", { class: "plots", id: "plots" });
	const log = h("div", { id: "report-log" });
	mount(root, h("p", {}, h("a", { href: "#/fleet" }, "‹ Fleet")), h("h1", {}, name), head, h("div", { class: "toolbar" }, h("h2", {}, "Metrics"), select), plots, h("h2", {}, "Report log (last 10)"), log);

	const load = async (): Promise<void> => {
		const t = await get<ThingDetail>(`/things/${enc(name)}`);
		const now = await cloudTime();
		if (stopped) return;
		mount(head, summary(t));
		mount(log, reportLog(t.reports));
		const start = now - (range || 7 * 24 * 3_600_000);
		const end = now + 60_000;
		const series = await Promise.all(t.metrics.map((m) => get<MetricSeries>(`/things/${enc(name)}/metrics/${enc(m.name)}${q({ start, end })}`)));
		if (stopped) return;
		for (const d of destroyers) d();
		const width = Math.max(320, Math.min(620, plots.clientWidth - 40));
		// the metrics a behavior watches first, then those with data, then the empty ones
		const rank = (s: MetricSeries) => (s.thresholds.length || s.violations.length ? 0 : s.datapoints.length ? 1 : 2);
		const ordered = series.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i).map((x) => x.s);
		const made = ordered.map((s) => metricPlot(s, width, range === 0));
		destroyers = made.map((m) => m.destroy);
		mount(plots, ...made.map((m) => m.element));
		plots.dataset.loaded = String(Date.now());
	};
	const reload = (): void => {
		load().catch((err: unknown) => mount(head, h("p", { class: "error" }, `Could not load ${name}: ${err instanceof Error ? err.message : String(err)}`)));
	};
	select.addEventListener("change", () => {
		range = Number(select.value);
		reload();
	});
	reload();
	const unsubscribe = subscribe(
		((r) => (e) => {
			const d = e.data as { thingName?: string } | null;
			if (e.type === "dropped" || d?.thingName === name) r();
		})(throttle(reload, 1000)),
	);
	return () => {
		stopped = true;
		unsubscribe();
		for (const d of destroyers) d();
	};
}
