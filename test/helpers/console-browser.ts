/*
 * console-browser — the web console in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): launch, sign in, screenshots into test-output/screenshots/, and waits on the page.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = resolve(import.meta.dirname, "../../test-output/screenshots");

/** Chromium headless; `--no-sandbox` only when running as root (the sandbox refuses root). */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
	const root = process.getuid?.() === 0;
	// a container's small /dev/shm would crash the renderer: Chromium writes shared memory to /tmp instead
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--disable-dev-shm-usage", ...(root ? ["--no-sandbox"] : [])] });
}

/** A page that fails the test on a script error in the console. */
export async function consolePage(browser: Browser, errors: string[]): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB", timezoneId: "Europe/Paris" });
	const page = await context.newPage();
	page.on("pageerror", (e) => errors.push(e.message));
	page.on("dialog", (d) => void d.accept());
	page.setDefaultTimeout(20_000);
	return page;
}

/** The whole page, or the top `height` pixels of the viewport. */
export async function screenshot(page: Page, name: string, height?: number): Promise<string> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const path = join(SCREENSHOTS, `${name}.png`);
	const size = page.viewportSize();
	await page.screenshot(height && size ? { path, clip: { x: 0, y: 0, width: size.width, height } } : { path, fullPage: true });
	return path;
}

export async function signIn(page: Page, accessKeyId: string, secretAccessKey: string): Promise<void> {
	await page.waitForSelector("#login-form");
	await page.fill("#access-key-id", accessKeyId);
	await page.fill("#secret-access-key", secretAccessKey);
	await page.click("#login-submit");
	await page.waitForSelector("#logout");
}

/** Opens a console route (hash) and waits for the view to mark itself shown. */
export async function open(page: Page, hash: string, view: string): Promise<void> {
	await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
	await page.waitForFunction(`document.body.dataset.view === ${JSON.stringify(view)}`);
}
