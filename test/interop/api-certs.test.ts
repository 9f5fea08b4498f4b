/* Certificates through @aws-sdk/client-iot: keys and certificate signed by the cloud's CA, status, principals, deletion rules. */
import {
	AttachThingPrincipalCommand,
	CreateKeysAndCertificateCommand,
	CreateThingCommand,
	DeleteCertificateCommand,
	DescribeCertificateCommand,
	DetachThingPrincipalCommand,
	ListCertificatesCommand,
	ListPrincipalThingsCommand,
	ListThingPrincipalsCommand,
	UpdateCertificateCommand,
} from "@aws-sdk/client-iot";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sdkFailure as failure, startApiCloud, type ApiFixture } from "../helpers/api-setup";

let fixtures: ApiFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

describe("certificates through @aws-sdk/client-iot", () => {
	it("creates keys and a CA-signed certificate, updates status, attaches to a thing and refuses unsafe deletes", async () => {
		const f = await startApiCloud();
		fixtures.push(f);
		const { iot } = f;
		const created = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
		const pem = created.certificatePem ?? "";
		const x509 = new X509Certificate(pem);
		expect(x509.verify(new X509Certificate(readFileSync(join(f.dir, "pki", "ca.cert.pem"))).publicKey)).toBe(true);
		expect(x509.checkPrivateKey(createPrivateKey(created.keyPair?.PrivateKey ?? ""))).toBe(true);
		expect(created.certificateId).toBe(x509.fingerprint256.replace(/:/g, "").toLowerCase());
		expect(created.certificateArn).toBe(`arn:aws:iot:local:000000000000:cert/${created.certificateId}`);
		const id = created.certificateId ?? "";
		// not bound to a thing: the broker refuses it (its CN is no valid thing name)
		writeFileSync(join(f.dir, "api.cert.pem"), pem);
		writeFileSync(join(f.dir, "api.key.pem"), created.keyPair?.PrivateKey ?? "", { mode: 0o600 });
		const refused = await f.connect("AWS IoT Certificate", { cert: join(f.dir, "api.cert.pem"), key: join(f.dir, "api.key.pem") }).then(
			(c) => (c.end(true), "connected"),
			(e: Error) => e.message,
		);
		expect(refused).toMatch(/Not authorized/);

		const d = (await iot.send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription;
		expect([d?.status, d?.certificatePem, d?.validity?.notAfter instanceof Date]).toEqual(["ACTIVE", pem, true]);
		expect(JSON.stringify(d)).not.toContain("PRIVATE KEY");
		const second = await iot.send(new CreateKeysAndCertificateCommand({}));
		const listed = await iot.send(new ListCertificatesCommand({ pageSize: 1 }));
		expect(listed.certificates?.map((c) => [c.certificateId, c.status])).toEqual([[id, "ACTIVE"]]);
		const next = await iot.send(new ListCertificatesCommand({ pageSize: 1, marker: listed.nextMarker }));
		expect([next.certificates?.map((c) => [c.certificateId, c.status]), next.nextMarker]).toEqual([[[second.certificateId, "INACTIVE"]], undefined]);

		await iot.send(new CreateThingCommand({ thingName: "dev" }));
		await iot.send(new AttachThingPrincipalCommand({ thingName: "dev", principal: created.certificateArn }));
		expect(await failure(iot.send(new AttachThingPrincipalCommand({ thingName: "ghost", principal: created.certificateArn })))).toEqual(["ResourceNotFoundException", 404]);
		expect(await failure(iot.send(new AttachThingPrincipalCommand({ thingName: "dev", principal: "not-an-arn" })))).toEqual(["InvalidRequestException", 400]);
		expect(await failure(iot.send(new DeleteCertificateCommand({ certificateId: id })))).toEqual(["CertificateStateException", 406]);
		await iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: "INACTIVE" }));
		expect((await iot.send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription?.status).toBe("INACTIVE");
		expect(await failure(iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: "BROKEN" as never })))).toEqual(["InvalidRequestException", 400]);
		expect(await failure(iot.send(new DeleteCertificateCommand({ certificateId: id })))).toEqual(["DeleteConflictException", 409]);
		expect((await iot.send(new ListThingPrincipalsCommand({ thingName: "dev" }))).principals).toEqual([created.certificateArn]);
		expect((await iot.send(new ListPrincipalThingsCommand({ principal: created.certificateArn }))).things).toEqual(["dev"]);
		await iot.send(new DetachThingPrincipalCommand({ thingName: "dev", principal: created.certificateArn }));
		expect((await iot.send(new ListThingPrincipalsCommand({ thingName: "dev" }))).principals).toEqual([]);
		expect(await failure(iot.send(new DetachThingPrincipalCommand({ thingName: "dev", principal: created.certificateArn })))).toEqual(["ResourceNotFoundException", 404]);
		await iot.send(new DeleteCertificateCommand({ certificateId: id }));
		await iot.send(new DeleteCertificateCommand({ certificateId: second.certificateId }));
		expect(await failure(iot.send(new DescribeCertificateCommand({ certificateId: second.certificateId })))).toEqual(["ResourceNotFoundException", 404]);
	});
});
