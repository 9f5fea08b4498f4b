/*
 * profiles — the security profiles: name, description, behavior count, targets, version, last change.
 */
import { enc, get, q, type Page } from "../api";
import { h, mount, raw, time } from "../dom";
import { table, type Column } from "../table";
import type { ProfileSummary } from "../types";

export function targetName(arn: string): string {
	const m = /:thinggroup\/(.+)$/.exec(arn);
	if (m) return `group ${m[1]}`;
	return /all\/(registered-)?things$/.test(arn) ? "all things" : arn;
}

const COLUMNS: Column<ProfileSummary>[] = [
	{ key: "name", label: "Profile", sort: "securityProfileName", cell: (p) => h("a", { href: `#/profiles/${enc(p.securityProfileName)}`, class: "profile-link" }, p.securityProfileName) },
	{ key: "description", label: "Description", cell: (p) => p.securityProfileDescription ?? "" },
	{ key: "behaviors", label: "Behaviors", cell: (p) => String(p.behaviors) },
	{ key: "targets", label: "Targets", cell: (p) => (p.targets.length ? p.targets.map(targetName).join(", ") : h("span", { class: "muted" }, "none")) },
	{ key: "version", label: "Version", cell: (p) => String(p.version) },
	{ key: "modified", label: "Last modified", cell: (p) => time(p.lastModifiedDate) },
	{ key: "raw", label: "", cell: (p) => raw(p) },
];

export function profilesView(root: HTMLElement): void {
	const t = table<ProfileSummary>({
		id: "profiles",
		columns: COLUMNS,
		rowKey: (p) => p.securityProfileName,
		load: (query) => get<Page<ProfileSummary>>(`/profiles${q({ search: query.search, offset: query.offset, limit: query.limit })}`),
		empty: "No security profile yet.",
	});
	mount(root, h("div", { class: "toolbar" }, h("h1", {}, "Security profiles"), h("a", { href: "#/profiles/new", id: "new-profile" }, h("button", {}, "Create profile"))), t.element);
}
