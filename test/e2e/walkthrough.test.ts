/*
 * npm start: the seed walkthrough, end to end in virtual time — cloud, device, rogue traffic, alarm, and the
 * SNS e-mails (confirmation by link, violation mails) through a loopback SMTP server.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("walkthrough (npm start)", () => {
	it("raises both seed violations with alerts and e-mails once rogue mode is on, clears them after, and exits 0", () => {
		const data = mkdtempSync(join(tmpdir(), "walkthrough-test-"));
		const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/walkthrough.ts", "--data", data, "--format", "cbor"], {
			encoding: "utf8",
			timeout: 150_000,
		});
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
		const out = r.stdout;
		expect(out).toMatch(/2 reports accepted, no violation/);
		expect(out).toMatch(/violations raised: (msgReceive, bytesOut|bytesOut, msgReceive)/);
		expect(out).toMatch(/cleared: /);
		// the e-mail side: the subscription confirmed by the link in its mail, both violations mailed to the subscriber
		expect(out).toMatch(/mail +Subject: AWS Notification - Subscription Confirmation\n/);
		expect(out).toMatch(/confirming "AWS Notification - Subscription Confirmation" by its link http:\/\/127\.0\.0\.1:\d+\/\?Action=ConfirmSubscription&\S*Token=[0-9a-f]+\n/);
		expect(out).toMatch(/subscription confirmed: arn:aws:sns:[^:]+:\d{12}:MisbehavingDevices:[0-9a-f-]{36}\n/);
		expect(out).toMatch(/alertTargets\.SNS → arn:aws:sns:[^:]+:\d{12}:MisbehavingDevices\n/);
		for (const behavior of ["msgReceive", "bytesOut"]) {
			const mail = new RegExp(
				`mail +From: defender@example\\.net  To: oncall@example\\.com\\n.*mail +Subject: Device Defender: MyDevice in-alarm ${behavior} \\(CheckRogueDevices\\)\\n` +
					`(.*mail +\\| .*\\n)*.*mail +\\| violationEventType: "in-alarm"\\n`,
			);
			expect(out).toMatch(mail);
		}
		expect(out).toMatch(/mail +\| metricValue: \{"count":\d{5,}\}\n/); // bytesOut's 10,000+ bytes, in its mail
		expect(out).toMatch(/the violations of MyDevice were mailed to the topic's subscriber \(5 mails received in all\)/);
		const alerts = readFileSync(join(data, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
		const kinds = alerts.map((a) => `${a.behavior.name}:${a.violationEventType}`).sort();
		expect(kinds).toEqual(["bytesOut:alarm-cleared", "bytesOut:in-alarm", "msgReceive:alarm-cleared", "msgReceive:in-alarm"]);
		for (const a of alerts) {
			expect(a).toMatchObject({ thingName: "MyDevice", securityProfileName: "CheckRogueDevices" });
			expect(typeof a.violationEventTime).toBe("number");
			expect(typeof a.violationId).toBe("string");
		}
		const bytesOut = alerts.find((a) => a.behavior.name === "bytesOut" && a.violationEventType === "in-alarm");
		expect(bytesOut.metricValue.count).toBeGreaterThanOrEqual(10_000);
	});
});
