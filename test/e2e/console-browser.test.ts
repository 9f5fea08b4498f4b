/*
 * The web console in a real headless Chromium against the real cloud (API server + console), with the
 * walkthrough's story: MyDevice in group allMyDevices under CheckRogueDevices, the host firmware reporting in
 * virtual time, rogue mode raising both seed violations while the violations view is open. Screenshots of
 * each view go to test-output/screenshots/.
 */
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFrontEnd } from "../../cloud/console-build";
import { thingGroupArn } from "../../cloud/index";
import { startDevice, type Device } from "../../hardware/host/device";
import { VirtualClock, type RunOptions } from "../../hardware/host/virtual-clock";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { nextMessage, tempDir } from "../helpers/cloud-setup";
import { consolePage, launchChromium, open, screenshot, signIn } from "../helpers/console-browser";

const THING = "MyDevice";
const GROUP = "allMyDevices";
const PROFILE = resolve(import.meta.dirname, "../../profiles/CheckRogueDevices.json");
/** things of a plant group besides the two that connect (MyDevice, BadDevice) */
const FLEET = 1500;
const BAD = "BadDevice";

let f: ApiFixture;
let device: Device;
let browser: Browser;
let page: Page;
let buildDir = "";
const errors: string[] = [];
// on a five-minute boundary near now, so report intervals and the cloud's windows line up as on AWS
const clock = new VirtualClock(Math.floor(Date.now() / 300_000) * 300_000);

/** virtual time stands still while something is on the wire: a connect, a report awaiting its reply, an echo */
function run(): RunOptions {
	const hold = () => device.status.awaitingReply || device.status.mqttState === "connecting" || device.client.stats.messagesIn < device.client.stats.messagesOut;
	return { step: 1000, realMs: 0, immediate: true, hold, maxHoldMs: 5000 };
}
const active = () => f.cloud.listActiveViolations({ thingName: THING }).map((v) => v.behavior.name).sort();
const consoleUrl = () => `${f.api.url}/console/`;

beforeAll(async () => {
	// a fresh bundle of the sources under test, small enough for a plant network
	buildDir = tempDir("console-build-");
	const bundle = await buildFrontEnd(join(buildDir, "console"));
	const js = bundle.files.filter((b) => b.path.endsWith(".js"));
	expect(js.length).toBe(1);
	expect(js[0].bytes).toBeLessThan(150 * 1024);
	f = await startApiCloud({ clock, allowTopics: ["/rogue/agent"], api: { port: 0, console: { staticRoot: bundle.outDir } } });
	f.cloud.createThingGroup(GROUP);
	f.cloud.addThingToThingGroup(THING, GROUP);
	const { securityProfileName } = f.cloud.createSecurityProfile(JSON.parse(readFileSync(PROFILE, "utf8")));
	f.cloud.attachSecurityProfile(securityProfileName, thingGroupArn(GROUP));
	f.cloud.createThingGroup("plant-b");
	for (let i = 0; i < FLEET; i++) f.cloud.addThingToThingGroup(`sensor-${String(i).padStart(4, "0")}`, "plant-b");
	// a thing whose report is rejected: the fleet shows REJECTED with the error code
	const bad = await f.connect(BAD);
	const rejected = `$aws/things/${BAD}/defender/metrics/json/rejected`;
	await bad.subscribeAsync(rejected, { qos: 1 });
	const reply = nextMessage(bad, rejected);
	bad.publish(`$aws/things/${BAD}/defender/metrics/json`, JSON.stringify({ hed: { rid: 1, v: "1.0" }, met: { bogus: 1 } }));
	await reply;
	const files = f.cloud.issueThingCertificate(THING);
	device = await startDevice({
		thingName: THING, host: "127.0.0.1", port: f.cloud.port,
		ca: readFileSync(files.caPem), cert: readFileSync(files.certPem), key: readFileSync(files.keyPem),
		format: "json-short", intervalSeconds: 300, clock, storePath: join(f.dir, "device.json"),
	});
	browser = await launchChromium();
	page = await consolePage(browser, errors);
}, 120_000);

afterAll(async () => {
	await device?.stop();
	await browser?.close();
	await f?.cleanup();
	if (buildDir) rmSync(buildDir, { recursive: true, force: true });
	expect(errors).toEqual([]);
});

describe("web console in Chromium", () => {
	it("refuses access without a session: the API answers 401 and the page shows the login", async () => {
		const res = await fetch(`${f.api.url}/console/api/fleet`);
		expect(res.status).toBe(401);
		const events = await fetch(`${f.api.url}/console/api/events`);
		expect(events.status).toBe(401);
		await page.goto(`${consoleUrl()}#/fleet`);
		await page.waitForSelector("#login-form");
		expect(await page.evaluate("document.body.dataset.view")).toBe("login");
		const paint = await page.evaluate('performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1');
		console.log(`console: first contentful paint of the login page after ${Math.round(Number(paint))} ms`);
		expect(await page.locator("#fleet").count()).toBe(0);
		await page.fill("#access-key-id", f.api.accessKey.accessKeyId);
		await page.fill("#secret-access-key", "not-the-secret");
		await page.click("#login-submit");
		await expect.poll(() => page.textContent("#login-error")).toMatch(/not accepted/);
		await screenshot(page, "login");
	});

	it("signs in and lists the walkthrough's device with its accepted reports", async () => {
		await signIn(page, f.api.accessKey.accessKeyId, f.api.accessKey.secretAccessKey);
		await page.locator("#fleet tr[data-key]").first().waitFor();
		expect(await page.locator(`#fleet tr[data-key="${THING}"] td[data-col="reports"]`).textContent()).toBe("0 / 0");
		await page.evaluate("window.notReloaded = true");
		await clock.runUntil(() => device.status.accepted >= 2, 900_000, run());
		await expect.poll(() => page.locator("#fleet").getAttribute("data-total")).toBe(String(FLEET + 2));
		const row = page.locator(`#fleet tr[data-key="${THING}"]`);
		await expect.poll(() => row.locator('td[data-col="lastReply"]').textContent(), { timeout: 20_000 }).toContain("ACCEPTED");
		expect(await row.locator('td[data-col="connected"]').textContent()).toBe("connected");
		expect(await row.locator('td[data-col="groups"]').textContent()).toBe(GROUP);
		expect(await row.locator('td[data-col="lastReport"]').textContent()).toMatch(/· json$/);
		// the reports arrived over the event stream, into the page as it was
		expect(await row.locator('td[data-col="reports"]').textContent()).toMatch(/^[23] \/ 0$/);
		expect(await page.evaluate("window.notReloaded")).toBe(true);
		// local, human-readable time (the context runs in Europe/Paris, en-GB), the raw JSON one click away
		const reported = await row.locator("time").first().getAttribute("datetime");
		expect(await row.locator("time").first().textContent()).toBe(new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "Europe/Paris" }).format(new Date(reported ?? "")));
		await row.locator("details.raw-json summary").click();
		// the JSON is written on the details' toggle event, which the browser fires after the click
		await expect.poll(() => row.locator("pre.raw").textContent()).not.toBe("");
		expect(JSON.parse((await row.locator("pre.raw").textContent()) ?? "")).toMatchObject({ thingName: THING, groups: [GROUP], lastReportFormat: "json" });
		const bad = page.locator(`#fleet tr[data-key="${BAD}"] td[data-col="lastReply"]`);
		expect(await bad.textContent()).toMatch(/^REJECTED [A-Za-z]+/);
		await screenshot(page, "fleet");
	});

	it("pages, searches and sorts a fleet of thousands on the server", async () => {
		expect(await page.locator("#fleet tbody tr").count()).toBe(50);
		await page.getByRole("button", { name: "Next ›" }).click();
		await expect.poll(() => page.locator("#fleet").getAttribute("data-page")).toBe("1");
		await page.fill("#fleet-search", "sensor-0042");
		await expect.poll(() => page.locator("#fleet tbody tr[data-key]").allTextContents()).toHaveLength(1);
		expect(await page.locator("#fleet tbody tr[data-key]").getAttribute("data-key")).toBe("sensor-0042");
		await page.fill("#fleet-search", "");
		// "why was my report rejected": only the things whose last reply was REJECTED
		await page.selectOption("#fleet-status-filter", "REJECTED");
		await expect.poll(() => page.locator("#fleet tbody tr[data-key]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")))).toEqual([BAD]);
		await page.selectOption("#fleet-status-filter", "");
		await expect.poll(() => page.locator("#fleet").getAttribute("data-total")).toBe(String(FLEET + 2));
		await page.click('#fleet th[data-key="lastReply"]');
		await expect.poll(() => page.locator("#fleet tbody tr[data-key]").first().getAttribute("data-key")).toMatch(/^(MyDevice|BadDevice)$/);
		await page.click('#fleet th[data-key="thingName"]');
	});

	it("shows both seed violations live, without reload, while rogue mode runs", async () => {
		await open(page, "#/violations", "violations");
		await page.waitForSelector("#active-violations");
		expect(await page.locator("#active-violations tr[data-key]").count()).toBe(0);
		await page.evaluate("window.notReloaded = true");
		device.setRogue(true);
		await clock.runUntil(() => active().length === 2, 1_200_000, run());
		device.setRogue(false);
		expect(active()).toEqual(["bytesOut", "msgReceive"]);
		const behaviors = () => page.locator("#active-violations td[data-col=behavior]").allTextContents();
		await expect.poll(async () => (await behaviors()).map((b) => b.replace(/aws:.*/, "")).sort(), { timeout: 20_000 }).toEqual(["bytesOut", "msgReceive"]);
		await expect.poll(() => page.locator('#violation-history tr[data-type="in-alarm"]').count()).toBe(2);
		expect(await page.evaluate("window.notReloaded")).toBe(true);
		await screenshot(page, "violations");
		await open(page, "#/fleet", "fleet");
		await expect.poll(() => page.locator(`#fleet tr[data-key="${THING}"] td[data-col="violations"]`).textContent()).toBe("2");
		expect(await page.textContent("#fleet-status")).toMatch(/^1502 things, 2 connected · .* · 2 active violations · updated /);
		await screenshot(page, "fleet-in-alarm", 318);
	});

	it("plots bytesOut with the behavior's threshold and the violation shaded", async () => {
		await open(page, `#/thing/${THING}`, "thing");
		const plot = page.locator('.plot[data-metric="aws:all-bytes-out"]');
		await plot.waitFor();
		expect(await plot.getAttribute("data-threshold")).toBe("10000");
		expect(Number(await plot.getAttribute("data-violation-count"))).toBeGreaterThanOrEqual(1);
		expect(Number(await plot.getAttribute("data-points"))).toBeGreaterThanOrEqual(3);
		expect(await plot.locator("canvas").count()).toBeGreaterThan(0);
		expect(await plot.locator(".violation-note").first().textContent()).toMatch(/in violation \(bytesOut\) from .* still active/);
		expect(await page.locator("#reports tbody tr").count()).toBeGreaterThanOrEqual(3);
		expect(await page.textContent("#thing-summary")).toMatch(/connected/);
		// another range: the same threshold, drawn again
		const loaded = await page.locator("#plots").getAttribute("data-loaded");
		await page.selectOption("#range", String(3_600_000));
		await expect.poll(() => page.locator("#plots").getAttribute("data-loaded")).not.toBe(loaded);
		expect(await plot.getAttribute("data-threshold")).toBe("10000");
		await screenshot(page, "thing");
	});

	it("creates a profile with a mistake and shows the server's validation message", async () => {
		await open(page, "#/profiles", "profiles");
		await page.locator('#profiles tr[data-key="CheckRogueDevices"]').waitFor();
		await screenshot(page, "profiles");
		await page.click("#new-profile");
		await page.waitForSelector("#profile-form");
		const behaviors = [{ name: "bytesOut", metric: "aws:all-bytes-outt", criteria: { comparisonOperator: "less-than", value: { count: 10 }, durationSeconds: 300 } }];
		const expected = f.cloud.validateSecurityProfileBehaviors(behaviors).validationErrors.map((e) => e.errorMessage);
		expect(expected.length).toBeGreaterThan(0);
		await page.fill("#profile-name", "TooQuiet");
		await page.fill("#profile-behaviors", JSON.stringify(behaviors));
		await page.click("#validate-profile");
		await expect.poll(() => page.locator(".validation-error").allTextContents()).toEqual(expected);
		await page.click("#save-profile");
		await expect.poll(() => page.locator(".validation-error").allTextContents()).toContain(expected[0]);
		await screenshot(page, "profile-form");
		expect(f.cloud.describeSecurityProfile("TooQuiet")).toBeUndefined();
		// fixed, it is created, then attached to the group
		behaviors[0].metric = "aws:all-bytes-out";
		await page.fill("#profile-behaviors", JSON.stringify(behaviors));
		await page.click("#save-profile");
		await page.waitForSelector("#profile-targets");
		await page.selectOption("#attach-target", thingGroupArn(GROUP));
		await page.click("#attach");
		await page.locator(`#profile-targets li[data-target="${thingGroupArn(GROUP)}"]`).waitFor();
		expect(f.cloud.listSecurityProfiles().find((p) => p.securityProfileName === "TooQuiet")?.targets).toEqual([thingGroupArn(GROUP)]);
		await screenshot(page, "profile");
		// edited (version 1 → 2), then detached
		await open(page, "#/profiles/TooQuiet/edit", "profiles");
		await page.fill("#profile-description", "bytes out of a sensor that should say little");
		await page.click("#save-profile");
		await expect.poll(() => f.cloud.describeSecurityProfile("TooQuiet")?.securityProfileDescription).toBe("bytes out of a sensor that should say little");
		await page.locator("#profile-targets .detach").click();
		await expect.poll(() => f.cloud.listSecurityProfiles().find((p) => p.securityProfileName === "TooQuiet")?.targets).toEqual([]);
		await page.getByText("Not attached: it watches no thing.").waitFor();
	});

	it("clears an alarm from the violations view", async () => {
		await open(page, "#/violations", "violations");
		const id = f.cloud.listActiveViolations({ thingName: THING }).find((v) => v.behavior.name === "bytesOut")?.violationId;
		if (!id) throw new Error("bytesOut is not active");
		await page.click(`.clear-alarm[data-violation-id="${id}"]`);
		await expect.poll(() => page.locator(`.clear-alarm[data-violation-id="${id}"]`).count()).toBe(0);
		expect(active()).toEqual(["msgReceive"]);
		await expect.poll(() => page.locator('#violation-history tr[data-type="alarm-cleared"][data-behavior="bytesOut"]').textContent()).toMatch(/by operator/);
		// the remaining one is marked a true positive
		await page.locator("#active-violations select.verification").selectOption("TRUE_POSITIVE");
		await expect.poll(() => page.locator('#violation-history tr[data-type="in-alarm"][data-behavior="msgReceive"]').textContent()).toMatch(/TRUE_POSITIVE/);
		await screenshot(page, "violations-cleared");
	});

	it("signs out: the page shows the login and the API refuses the old session", async () => {
		await page.click("#logout");
		await page.waitForSelector("#login-form");
		const status = await page.evaluate('fetch("/console/api/fleet").then((r) => r.status)');
		expect(status).toBe(401);
	});
});
