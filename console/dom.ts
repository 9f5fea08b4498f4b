/*
 * dom — the console's tiny view kit: element building, local times, the raw-JSON toggle.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;

/** Builds an element: `h("a", { href: "#/x", onclick: fn }, "text", child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined || v === false) continue;
		if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
		else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
		else el.setAttribute(k, v === true ? "" : String(v));
	}
	append(el, children);
	return el;
}

export function append(el: Node, children: Child[]): void {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
	}
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
	el.replaceChildren();
	append(el, children);
}

const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A human-readable local time for epoch ms (with the ISO instant as a tooltip), or "—". */
export function time(ms: number | undefined | null): HTMLElement {
	if (ms === undefined || ms === null || !Number.isFinite(ms)) return h("span", { class: "muted" }, "—");
	const d = new Date(ms);
	return h("time", { datetime: d.toISOString(), title: d.toISOString() }, timeFmt.format(d));
}

export function localTime(ms: number): string {
	return timeFmt.format(new Date(ms));
}

let serverOffset = 0;
/** Records the cloud's clock (it may run ahead or behind the browser's, e.g. a virtual clock in a demo). */
export function setServerTime(ms: number): void {
	if (Number.isFinite(ms)) serverOffset = ms - Date.now();
}
/** The cloud's current time as far as the page knows. */
export function serverNow(): number {
	return Date.now() + serverOffset;
}

/** How long ago on the cloud's clock, in words ("3 min ago"). */
export function ago(ms: number | undefined | null, now = serverNow()): string {
	if (ms === undefined || ms === null) return "";
	const s = Math.round((now - ms) / 1000);
	if (Math.abs(s) < 60) return `${s} s ago`;
	if (Math.abs(s) < 3600) return `${Math.round(s / 60)} min ago`;
	if (Math.abs(s) < 86_400) return `${Math.round(s / 3600)} h ago`;
	return `${Math.round(s / 86_400)} d ago`;
}

/** The raw JSON of an item, one click away. */
export function raw(value: unknown, label = "raw JSON"): HTMLElement {
	const pre = h("pre", { class: "raw" });
	const d = h("details", { class: "raw-json" }, h("summary", {}, label), pre);
	d.addEventListener("toggle", () => {
		if (d.open && !pre.textContent) pre.textContent = JSON.stringify(value, null, 2);
	});
	return d;
}

/** A metric value as text: count, cidrs, ports or number. */
export function metricText(v: unknown): string {
	if (v === undefined || v === null) return "—";
	if (typeof v !== "object") return String(v);
	const o = v as Record<string, unknown>;
	for (const k of ["count", "number"]) if (typeof o[k] === "number") return (o[k] as number).toLocaleString();
	for (const k of ["cidrs", "ports", "numbers", "strings"]) if (Array.isArray(o[k])) return (o[k] as unknown[]).join(", ");
	return JSON.stringify(v);
}

export function badge(text: string, kind: string): HTMLElement {
	return h("span", { class: `badge ${kind}` }, text);
}
