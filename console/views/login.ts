/*
 * login — sign in with one of the cloud's API access keys; the server answers with a session cookie.
 */
import { ApiError, get, post, setCsrf } from "../api";
import { h, mount } from "../dom";

type Change = (signedIn: boolean) => void;
let changed: Change = () => {};
let afterLogin = "#/fleet";

export const session = {
	onChange(cb: Change): void {
		changed = cb;
	},
	async check(): Promise<boolean> {
		try {
			const s = await get<{ csrfToken: string }>("/session");
			setCsrf(s.csrfToken);
			return true;
		} catch {
			return false;
		}
	},
	async login(accessKeyId: string, secretAccessKey: string): Promise<void> {
		const s = await post<{ csrfToken: string }>("/login", { accessKeyId, secretAccessKey });
		setCsrf(s.csrfToken);
		changed(true);
	},
	async logout(): Promise<void> {
		await post("/logout").catch(() => undefined);
		setCsrf("");
		changed(false);
	},
	/** a call was refused (401): back to the login view, then to where the user was */
	lost(): void {
		if (!location.hash.startsWith("#/login")) afterLogin = location.hash || "#/fleet";
		changed(false);
	},
};

export function loginView(root: HTMLElement): void {
	const key = h("input", { id: "access-key-id", name: "accessKeyId", autocomplete: "username", required: true });
	const secret = h("input", { id: "secret-access-key", name: "secretAccessKey", type: "password", autocomplete: "current-password", required: true });
	const message = h("p", { id: "login-error", class: "error", role: "alert" });
	const submit = h("button", { type: "submit", id: "login-submit" }, "Sign in");
	const form = h(
		"form",
		{ class: "card login", id: "login-form" },
		h("h1", {}, "Sign in"),
		h("p", { class: "muted" }, "Use an API access key of this cloud (printed by ", h("code", {}, "npm run cloud -- start"), ")."),
		h("label", { for: "access-key-id" }, "Access key ID"),
		key,
		h("label", { for: "secret-access-key" }, "Secret access key"),
		secret,
		h("p", {}, submit),
		message,
	);
	form.addEventListener("submit", (ev) => {
		ev.preventDefault();
		submit.disabled = true;
		mount(message);
		session.login(key.value.trim(), secret.value).then(
			() => {
				location.hash = afterLogin === "#/login" ? "#/fleet" : afterLogin;
			},
			(err: unknown) => {
				submit.disabled = false;
				mount(message, err instanceof ApiError && err.status === 401 ? "Those credentials were not accepted." : String(err instanceof Error ? err.message : err));
			},
		);
	});
	mount(root, form);
	key.focus();
}
