/*
 * profile-form — create or edit a security profile: name, description and the behaviors (plus alert
 * targets and retained metrics) as JSON. "Validate" asks ValidateSecurityProfileBehaviors; "Save" creates
 * or updates. The server's messages (its validation errors) are shown as it words them.
 */
import { ApiError, enc, patch, post, q } from "../api";
import { h, mount } from "../dom";
import type { ProfileDetail } from "./profile";

const EXAMPLE = [
	{
		name: "bytesOut",
		metric: "aws:all-bytes-out",
		criteria: { comparisonOperator: "less-than", value: { count: 10000 }, durationSeconds: 300, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 },
	},
];

/** the messages of a failed call: its message and each validation error */
export function messages(err: unknown): string[] {
	if (!(err instanceof ApiError)) return [err instanceof Error ? err.message : String(err)];
	const body = err.body as { validationErrors?: { errorMessage: string }[] } | undefined;
	return [err.message, ...(body?.validationErrors ?? []).map((v) => v.errorMessage)];
}

function parse(text: string, what: string): unknown {
	if (!text.trim()) return undefined;
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new Error(`${what} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
	}
}

export function profileForm(root: HTMLElement, existing: ProfileDetail | undefined): void {
	const name = h("input", { id: "profile-name", value: existing?.securityProfileName ?? "", disabled: existing !== undefined, required: true, size: 40 });
	const description = h("input", { id: "profile-description", value: existing?.securityProfileDescription ?? "", size: 60 });
	const behaviors = h("textarea", { id: "profile-behaviors", class: "json", spellcheck: "false" });
	behaviors.value = JSON.stringify(existing?.behaviors ?? EXAMPLE, null, 2);
	const alertTargets = h("textarea", { id: "profile-alert-targets", class: "json", spellcheck: "false", rows: 4, style: "min-height: 4em" });
	alertTargets.value = existing?.alertTargets ? JSON.stringify(existing.alertTargets, null, 2) : "";
	const out = h("div", { id: "profile-messages", role: "status" });
	const show = (ok: boolean, lines: string[]): void => {
		out.dataset.valid = String(ok);
		mount(out, h("ul", { class: ok ? "ok-list" : "errors" }, ...lines.map((l) => h("li", { class: ok ? undefined : "validation-error" }, l))));
	};
	const body = (): Record<string, unknown> => {
		const b: Record<string, unknown> = { behaviors: parse(behaviors.value, "Behaviors") ?? [] };
		if (description.value.trim()) b.securityProfileDescription = description.value.trim();
		const targets = parse(alertTargets.value, "Alert targets");
		if (targets !== undefined) b.alertTargets = targets;
		return b;
	};
	const validate = (): void => {
		let b: Record<string, unknown>;
		try {
			b = body();
		} catch (e) {
			return show(false, [e instanceof Error ? e.message : String(e)]);
		}
		post<{ valid: boolean; validationErrors: { errorMessage: string }[] }>("/validate-behaviors", { behaviors: b.behaviors }).then(
			(r) => show(r.valid, r.valid ? ["The behaviors are valid."] : r.validationErrors.map((v) => v.errorMessage)),
			(err: unknown) => show(false, messages(err)),
		);
	};
	const save = (): void => {
		let b: Record<string, unknown>;
		try {
			b = body();
		} catch (e) {
			return show(false, [e instanceof Error ? e.message : String(e)]);
		}
		const profileName = name.value.trim();
		const done = existing
			? patch(`/profiles/${enc(profileName)}${q({ expectedVersion: existing.version })}`, b)
			: post("/profiles", { securityProfileName: profileName, ...b });
		done.then(
			() => {
				location.hash = `#/profiles/${enc(profileName)}`;
			},
			(err: unknown) => show(false, messages(err)),
		);
	};
	const form = h(
		"form",
		{ class: "card", id: "profile-form" },
		h("p", {}, h("label", { for: "profile-name" }, "Name "), name),
		h("p", {}, h("label", { for: "profile-description" }, "Description "), description),
		h("p", {}, h("label", { for: "profile-behaviors" }, "Behaviors (JSON, as in CreateSecurityProfile)")),
		behaviors,
		h("p", {}, h("label", { for: "profile-alert-targets" }, "Alert targets (JSON, optional)")),
		alertTargets,
		h("p", {}, h("button", { type: "button", class: "secondary", id: "validate-profile", onclick: validate }, "Validate"), " ", h("button", { type: "submit", id: "save-profile" }, existing ? "Save changes" : "Create")),
		out,
	);
	form.addEventListener("submit", (ev) => {
		ev.preventDefault();
		save();
	});
	const back = existing ? `#/profiles/${enc(existing.securityProfileName)}` : "#/profiles";
	mount(root, h("p", {}, h("a", { href: back }, "‹ Back")), h("h1", {}, existing ? `Edit ${existing.securityProfileName}` : "Create a security profile"), form);
}
