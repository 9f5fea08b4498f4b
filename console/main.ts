/*
 * main — the console's router: #/fleet, #/thing/NAME, #/profiles[/NAME|/new], #/violations, #/login.
 * Every view is a function that fills the main element and returns its cleanup.
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { whenUnauthorized } from "./api";
import { h, mount } from "./dom";
import { startLive, stopLive } from "./live";
import { fleetView } from "./views/fleet";
import { loginView, session } from "./views/login";
import { profileEditView, profileView } from "./views/profile";
import { profilesView } from "./views/profiles";
import { thingView } from "./views/thing";
import { violationsView } from "./views/violations";

export type Cleanup = () => void;
export type View = (root: HTMLElement, ...params: string[]) => Cleanup | void;

const NAV: [string, string][] = [
	["#/fleet", "Fleet"],
	["#/violations", "Violations"],
	["#/profiles", "Security profiles"],
];

function decode(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

/** the view, its parameters, the nav link it belongs to */
function route(hash: string): [View, string[], string] {
	const parts = hash.replace(/^#\/?/, "").split("/").map(decode);
	switch (parts[0]) {
		case "login": return [loginView, [], "login"];
		case "thing": return [thingView, [parts[1] ?? ""], "#/fleet"];
		case "violations": return [violationsView, [], "#/violations"];
		case "profiles":
			if (parts[1] === "new") return [profileEditView, [""], "#/profiles"];
			if (parts[1] && parts[2] === "edit") return [profileEditView, [parts[1]], "#/profiles"];
			if (parts[1]) return [profileView, [parts[1]], "#/profiles"];
			return [profilesView, [], "#/profiles"];
		default: return [fleetView, [], "#/fleet"];
	}
}

let cleanup: Cleanup | void;
let signedIn = false;

function renderNav(current: string): void {
	const nav = document.getElementById("nav");
	if (!nav) return;
	if (!signedIn) return mount(nav);
	const links = NAV.map(([href, label]) => h("a", { href, class: href === current ? "current" : undefined }, label));
	const out = h("a", { href: "#/login", id: "logout" }, "Sign out");
	out.addEventListener("click", (ev) => {
		ev.preventDefault();
		void session.logout().then(() => {
			location.hash = "#/login";
		});
	});
	mount(nav, ...links, out);
}

function show(): void {
	const app = document.getElementById("app");
	if (!app) return;
	if (cleanup) cleanup();
	cleanup = undefined;
	const [view, params, current] = route(location.hash);
	if (view === loginView && signedIn) {
		location.hash = "#/fleet";
		return;
	}
	const toLogin = view !== loginView && !signedIn;
	const v = toLogin ? loginView : view;
	document.body.dataset.view = toLogin ? "login" : (location.hash.replace(/^#\/?/, "").split("/")[0] || "fleet");
	renderNav(current);
	mount(app);
	cleanup = v(app, ...params);
}

async function start(): Promise<void> {
	session.onChange((on) => {
		signedIn = on;
		if (on) startLive();
		else stopLive();
		show();
	});
	whenUnauthorized(() => session.lost());
	window.addEventListener("hashchange", show);
	signedIn = await session.check();
	if (signedIn) startLive();
	show();
}

void start();
