/*
 * report-log — a thing's last reports: time, format, size, id, verdict with error code, metrics, payload.
 */
import { badge, h, metricText, raw, time } from "../dom";
import type { ReportEntry } from "../types";

function metrics(r: ReportEntry): Node | string {
	if (!r.metrics) return h("span", { class: "muted" }, "—");
	const entries = Object.entries(r.metrics);
	return entries.length ? entries.map(([k, v]) => `${k.replace(/^aws:/, "")} ${metricText(v)}`).join(" · ") : "none";
}

export function reportLog(reports: ReportEntry[]): HTMLElement {
	const rows = reports.map((r) =>
		h(
			"tr",
			{ "data-status": r.status },
			h("td", {}, time(r.time)),
			h("td", {}, r.format),
			h("td", {}, `${r.size} B`),
			h("td", {}, r.reportId === null ? "—" : String(r.reportId)),
			h("td", {}, r.status === "ACCEPTED" ? badge("ACCEPTED", "ok") : h("span", {}, badge("REJECTED", "bad"), " ", h("code", {}, r.errorCode ?? "?"), r.errorMessage ? h("div", { class: "muted" }, r.errorMessage) : null)),
			h("td", {}, metrics(r)),
			h("td", {}, raw(r, r.payload.truncated ? "raw (payload cut)" : "raw")),
		),
	);
	if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No report since the cloud started.")));
	return h("table", { id: "reports" }, h("thead", {}, h("tr", {}, ...["Received", "Format", "Size", "Report id", "Reply", "Metrics", ""].map((c) => h("th", {}, c)))), h("tbody", {}, ...rows));
}
