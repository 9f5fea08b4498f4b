/*
 * plot — one metric's history as a uPlot chart, with each targeting behavior's threshold drawn as a dashed
 * line and the periods the thing was in violation shaded. The container exposes what it draws for tests
 * and assistive tech: data-metric, data-points, data-threshold (comma-separated), data-violation-count.
 */
import uPlot from "uplot";
import { h, localTime, metricText } from "./dom";
import type { MetricSeries, MetricValue } from "./types";

/** a datapoint's plotted number: count/number, or the size of a list value (cidrs, ports, …) */
export function plotValue(v: MetricValue | null | undefined): number | null {
	if (!v) return null;
	if (typeof v.count === "number") return v.count;
	if (typeof v.number === "number") return v.number;
	for (const list of [v.cidrs, v.ports, v.numbers, v.strings]) if (Array.isArray(list)) return list.length;
	return null;
}

const SHADE = "rgba(192, 57, 43, 0.16)";
const THRESHOLD = "#c0392b";

/** the x range in seconds: the asked range, or fitted around the data and violations (`fit`) */
function xRange(series: MetricSeries, fit: boolean): [number, number] {
	const end = series.end / 1000;
	const starts = [...series.datapoints.map((d) => d.time), ...series.violations.map((v) => v.start)];
	if (!fit || !starts.length) return [series.start / 1000, end];
	const first = Math.max(series.start, Math.min(...starts)) / 1000;
	const pad = Math.max(60, (end - first) * 0.05);
	return [first - pad, end];
}

/** A plot of one metric; a metric without datapoints, threshold or violation gets a one-line card. */
export function metricPlot(series: MetricSeries, width: number, fit = false): { element: HTMLElement; destroy: () => void } {
	const xs = series.datapoints.map((d) => d.time / 1000);
	const ys = series.datapoints.map((d) => plotValue(d.value));
	const thresholds = series.thresholds.map((t) => ({ t, y: plotValue(t.value) })).filter((x): x is { t: typeof x.t; y: number } => x.y !== null);
	const endS = series.end / 1000;
	const periods = series.violations.map((v) => ({ v, x0: v.start / 1000, x1: (v.end ?? series.end) / 1000 }));
	const values = [...ys.filter((y): y is number => y !== null), ...thresholds.map((t) => t.y)];
	const yMax = values.length ? Math.max(...values) * 1.15 || 1 : 1;
	const id = `plot-${series.metric.replace(/[^a-z0-9]+/gi, "-")}`;
	const box = h("div", {
		class: "plot card",
		id,
		"data-metric": series.metric,
		"data-side": series.side,
		"data-points": xs.length,
		"data-threshold": thresholds.map((t) => t.y).join(","),
		"data-violation-count": periods.length,
	});
	const title = h("h3", {}, series.metric, h("span", { class: "muted" }, ` · ${series.side} side · ${xs.length} datapoints${series.truncated ? " (oldest kept)" : ""}`));
	const caption = h(
		"ul",
		{ class: "plot-notes muted" },
		...thresholds.map(({ t, y }) => h("li", { class: "threshold-note" }, `threshold ${t.securityProfileName}/${t.behaviorName}: ${t.comparisonOperator ?? ""} ${y.toLocaleString()}`)),
		...series.thresholds.filter((t) => t.statistic).map((t) => h("li", {}, `${t.securityProfileName}/${t.behaviorName}: statistical (${t.statistic})`)),
		...periods.map(({ v }) =>
			h("li", { class: "violation-note", "data-violation-id": v.violationId }, `in violation (${v.behaviorName}) from ${localTime(v.start)} ${v.end === null ? "— still active" : `to ${localTime(v.end)} (${v.endType ?? "ended"})`}`),
		),
	);
	box.append(title);
	if (!xs.length && !thresholds.length && !periods.length) {
		box.classList.add("empty");
		box.append(h("p", { class: "muted" }, "No datapoint in this range."));
		return { element: box, destroy: () => undefined };
	}
	const [x0, x1] = xRange(series, fit);
	const target = h("div", { class: "plot-canvas" });
	box.append(target, caption);
	const draw = (u: uPlot): void => {
		const { ctx } = u;
		const { left, top, width: w, height: hgt } = u.bbox;
		ctx.save();
		ctx.beginPath();
		ctx.rect(left, top, w, hgt);
		ctx.clip();
		ctx.fillStyle = SHADE;
		for (const p of periods) {
			const a = u.valToPos(p.x0, "x", true);
			const b = u.valToPos(Math.min(p.x1, endS), "x", true);
			ctx.fillRect(a, top, Math.max(2, b - a), hgt);
		}
		ctx.strokeStyle = THRESHOLD;
		ctx.lineWidth = 2 * devicePixelRatio;
		ctx.setLineDash([8 * devicePixelRatio, 6 * devicePixelRatio]);
		for (const { y } of thresholds) {
			const py = u.valToPos(y, "y", true);
			ctx.beginPath();
			ctx.moveTo(left, py);
			ctx.lineTo(left + w, py);
			ctx.stroke();
		}
		ctx.restore();
	};
	const plot = new uPlot(
		{
			width,
			height: 220,
			scales: { x: { time: true, range: () => [x0, x1] }, y: { range: () => [0, yMax] } },
			series: [{ value: (_u, v) => (v === null ? "—" : localTime(v * 1000)) }, { label: series.metric, stroke: "#1f5fbf", width: 2, points: { size: 6 }, value: (_u, v) => (v === null ? "—" : metricText({ number: v })) }],
			axes: [{}, { size: 60 }],
			hooks: { draw: [draw] },
		},
		[xs, ys],
		target,
	);
	return { element: box, destroy: () => plot.destroy() };
}
