/*
 * profile — one security profile: its behaviors with thresholds, its targets (attach / detach), and the
 * editor for creating or changing one (profile-form.ts).
 */
import { enc, get, post } from "../api";
import { h, metricText, mount, raw, time } from "../dom";
import type { Behavior } from "../types";
import { profileForm } from "./profile-form";
import { targetName } from "./profiles";

export interface ProfileDetail {
	securityProfileName: string;
	securityProfileArn?: string;
	securityProfileDescription?: string | null;
	behaviors?: Behavior[];
	alertTargets?: Record<string, unknown>;
	additionalMetricsToRetainV2?: unknown[];
	version: number;
	creationDate?: number | null;
	lastModifiedDate?: number | null;
	targets: string[];
}

interface Targets {
	allThings: string;
	groups: { name: string; arn: string; things: number }[];
}

function behaviorRow(b: Behavior): HTMLElement {
	const c = b.criteria;
	const rule = c ? `${c.comparisonOperator ?? ""} ${metricText(c.value)}${c.durationSeconds ? ` over ${c.durationSeconds} s` : ""}` : "ML / statistical";
	return h("tr", {}, h("td", {}, b.name), h("td", {}, h("code", {}, b.metric ?? "")), h("td", {}, rule), h("td", {}, b.suppressAlerts ? "suppressed" : ""), h("td", {}, raw(b)));
}

function alertTargets(p: ProfileDetail): Node | string {
	const targets = Object.entries(p.alertTargets ?? {});
	if (!targets.length) return h("span", { class: "muted" }, "no alert target (the cloud's own alert sinks only)");
	return targets.map(([kind, t]) => `${kind} → ${(t as { alertTargetArn?: string }).alertTargetArn ?? JSON.stringify(t)}`).join(", ");
}

function targetsCard(p: ProfileDetail, all: Targets, reload: () => void): HTMLElement {
	const message = h("p", { class: "error", id: "target-error" });
	const act = (verb: "attach" | "detach", targetArn: string) => () => {
		mount(message);
		post(`/profiles/${enc(p.securityProfileName)}/${verb}`, { targetArn }).then(reload, (err: unknown) => mount(message, err instanceof Error ? err.message : String(err)));
	};
	const options = [{ arn: all.allThings, label: "all things" }, ...all.groups.map((g) => ({ arn: g.arn, label: `group ${g.name} (${g.things} things)` }))].filter((o) => !p.targets.includes(o.arn));
	const select = h("select", { id: "attach-target" }, ...options.map((o) => h("option", { value: o.arn }, o.label)));
	return h(
		"div",
		{ class: "card", id: "profile-targets" },
		h("h2", {}, "Targets"),
		p.targets.length
			? h("ul", {}, ...p.targets.map((t) => h("li", { "data-target": t }, targetName(t), " ", h("button", { class: "secondary detach", onclick: act("detach", t) }, "Detach"))))
			: h("p", { class: "muted" }, "Not attached: it watches no thing."),
		options.length ? h("p", {}, select, " ", h("button", { id: "attach", onclick: () => act("attach", select.value)() }, "Attach")) : null,
		message,
	);
}

export function profileView(root: HTMLElement, name: string): void {
	const load = (): void => {
		Promise.all([get<ProfileDetail>(`/profiles/${enc(name)}`), get<Targets>("/targets")]).then(
			([p, all]) =>
				mount(
					root,
					h("p", {}, h("a", { href: "#/profiles" }, "‹ Security profiles")),
					h("div", { class: "toolbar" }, h("h1", {}, p.securityProfileName), h("a", { href: `#/profiles/${enc(name)}/edit` }, h("button", { class: "secondary" }, "Edit"))),
					h("p", {}, p.securityProfileDescription ? `${p.securityProfileDescription} · ` : "", h("span", { class: "muted" }, `version ${p.version} · created `), time(p.creationDate), h("span", { class: "muted" }, " · modified "), time(p.lastModifiedDate)),
					h("p", { id: "alert-targets" }, "Alerts go to: ", alertTargets(p)),
					h("div", { class: "card" }, h("h2", {}, "Behaviors"), h("table", { id: "behaviors" }, h("thead", {}, h("tr", {}, ...["Name", "Metric", "Rule", "Alerts", ""].map((c) => h("th", {}, c)))), h("tbody", {}, ...(p.behaviors ?? []).map(behaviorRow)))),
					targetsCard(p, all, load),
					raw(p),
				),
			(err: unknown) => mount(root, h("p", { class: "error" }, `Could not load ${name}: ${err instanceof Error ? err.message : String(err)}`)),
		);
	};
	load();
}

export function profileEditView(root: HTMLElement, name: string): void {
	if (!name) return profileForm(root, undefined);
	get<ProfileDetail>(`/profiles/${enc(name)}`).then(
		(p) => profileForm(root, p),
		(err: unknown) => mount(root, h("p", { class: "error" }, String(err instanceof Error ? err.message : err))),
	);
}
