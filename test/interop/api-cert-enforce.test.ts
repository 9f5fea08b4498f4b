/*
 * The broker enforces the API's certificates (issue 9): a CreateKeysAndCertificate certificate connects as a
 * thing it is attached to (AttachThingPrincipal), UpdateCertificate INACTIVE / REVOKED cuts its live
 * connection off at once and its CONNECTs are refused after; ACTIVE again lets it back in. @aws-sdk/client-iot
 * against the API, mqtt.js over mutual TLS against the embedded broker.
 */
import { AttachThingPrincipalCommand, CreateKeysAndCertificateCommand, CreateThingCommand, DetachThingPrincipalCommand, UpdateCertificateCommand, type CertificateStatus } from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";

let f: ApiFixture | undefined;
afterEach(async () => {
	await f?.cleanup();
	f = undefined;
});

interface Issued {
	id: string;
	arn: string;
	files: { cert: string; key: string };
}

async function createCertificate(fx: ApiFixture, name: string): Promise<Issued> {
	const created = await fx.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
	const files = { cert: join(fx.dir, `${name}.cert.pem`), key: join(fx.dir, `${name}.key.pem`) };
	writeFileSync(files.cert, created.certificatePem ?? "");
	writeFileSync(files.key, created.keyPair?.PrivateKey ?? "", { mode: 0o600 });
	return { id: created.certificateId ?? "", arn: created.certificateArn ?? "", files };
}

/** The refusal message of a CONNECT that must fail ("connected" when it did not). */
const refusal = (p: Promise<MqttClient>): Promise<string> =>
	p.then(
		(c) => (c.end(true), "connected"),
		(e: Error) => e.message,
	);

/** Sets the status and returns the ms from the call until `device`'s connection closed (bounded wait). */
async function cutOffMs(fx: ApiFixture, device: MqttClient, id: string, status: CertificateStatus): Promise<number> {
	const closed = new Promise<number>((resolve) => device.once("close", () => resolve(performance.now())));
	const start = performance.now();
	await fx.iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: status }));
	const at = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5_000))]);
	return at - start;
}

describe("the broker enforces certificate status and attachment", () => {
	it("connects an attached API certificate as its thing, refuses an unattached one", async () => {
		f = await startApiCloud();
		const cert = await createCertificate(f, "api");
		await f.iot.send(new CreateThingCommand({ thingName: "dev" }));
		expect(await refusal(f.connect("dev", cert.files))).toMatch(/Not authorized/);
		expect(f.logs.some((l) => l.includes(`certificate ${cert.id} is not attached to thing dev`))).toBe(true);
		expect(f.cloud.metrics("dev")["aws:num-authorization-failures"]).toBe(1);

		await f.iot.send(new AttachThingPrincipalCommand({ thingName: "dev", principal: cert.arn }));
		const device = await f.connect("dev", cert.files);
		await report(device, "dev", 1, { tp: { pts: [{ pt: 23 }] } });
		// attached to dev only: another client id is refused
		await f.iot.send(new CreateThingCommand({ thingName: "other" }));
		expect(await refusal(f.connect("other", cert.files))).toMatch(/Not authorized/);
		device.end(true);

		await f.iot.send(new DetachThingPrincipalCommand({ thingName: "dev", principal: cert.arn }));
		expect(await refusal(f.connect("dev", cert.files))).toMatch(/Not authorized/);
		// a CN = thing certificate (`npm run cloud -- cert`) still connects without the registry
		const plain = await f.connect("plain");
		expect(plain.connected).toBe(true);
		plain.end(true);
	});

	it("cuts an INACTIVE or REVOKED certificate off within a second and refuses it until ACTIVE again", async () => {
		f = await startApiCloud();
		const cert = await createCertificate(f, "api");
		await f.iot.send(new CreateThingCommand({ thingName: "dev" }));
		await f.iot.send(new AttachThingPrincipalCommand({ thingName: "dev", principal: cert.arn }));
		const bystander = await f.connect("bystander");

		const device = await f.connect("dev", cert.files);
		await report(device, "dev", 1, { tp: { pts: [{ pt: 23 }] } });
		const inactiveMs = await cutOffMs(f, device, cert.id, "INACTIVE");
		expect(inactiveMs).toBeLessThan(1_000);
		expect(f.logs.some((l) => l.includes(`dev: disconnected: certificate ${cert.id} is INACTIVE`))).toBe(true);
		expect(await refusal(f.connect("dev", cert.files))).toMatch(/Not authorized/);
		expect(f.logs.some((l) => l.includes(`authz: certificate ${cert.id} is INACTIVE`))).toBe(true);
		const failures = f.cloud.metrics("dev")["aws:num-authorization-failures"];
		expect(failures).toBeGreaterThanOrEqual(1);

		await f.iot.send(new UpdateCertificateCommand({ certificateId: cert.id, newStatus: "ACTIVE" }));
		const again = await f.connect("dev", cert.files);
		f.clock.advance(300_000);
		await report(again, "dev", 2, { tp: { pts: [{ pt: 23 }] } });

		const revokedMs = await cutOffMs(f, again, cert.id, "REVOKED");
		expect(revokedMs).toBeLessThan(1_000);
		expect(await refusal(f.connect("dev", cert.files))).toMatch(/Not authorized/);
		expect(f.logs.some((l) => l.includes(`authz: certificate ${cert.id} is REVOKED`))).toBe(true);
		expect(f.cloud.metrics("dev")["aws:num-authorization-failures"]).toBe((failures ?? 0) + 1);
		// another device's connection is untouched
		expect(bystander.connected).toBe(true);
		process.stdout.write(`certificate cut-off (UpdateCertificate call → connection closed): INACTIVE ${inactiveMs.toFixed(1)} ms, REVOKED ${revokedMs.toFixed(1)} ms\n`);
	});
});
