/* The cloud broker over real mutual TLS on 127.0.0.1 with the `mqtt` client: identity, authorization, reserved topics. */
import { decode as cborDecode, encode as cborEncode } from "cbor-x";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueThingCertificate } from "../../cloud/pki";
import { nextMessage, startTestCloud, tempDir, until, type CloudFixture } from "../helpers/cloud-setup";

let f: CloudFixture;
const report = (rid: number): string => JSON.stringify({ hed: { rid, v: "1.0" }, met: { ns: { bi: 1, bo: 2, pi: 3, po: 4 } } });

beforeAll(async () => {
	f = await startTestCloud({ allowTopics: ["/rogue/agent", "shared/${iot:ClientId}/#"], minReportIntervalSeconds: 300 });
});
afterAll(async () => f.cleanup());

function refusal(options: mqtt.IClientOptions): Promise<Error> {
	const client = mqtt.connect({ host: "127.0.0.1", port: f.cloud.port, protocol: "mqtts", reconnectPeriod: 0, connectTimeout: 5000, ...options });
	return new Promise((resolve, reject) => {
		client.once("connect", () => reject(new Error("connected although it should not")));
		const done = (e: Error): void => {
			client.end(true);
			resolve(e);
		};
		client.once("error", done);
		client.once("close", () => done(new Error("socket closed by the server")));
	});
}

describe("cloud broker over mutual TLS", () => {
	it("accepts a JSON report, then throttles the next one", async () => {
		const c = await f.connect("dev-json");
		await c.subscribeAsync("$aws/things/dev-json/defender/metrics/json/+", { qos: 1 });
		const ok = nextMessage(c, "$aws/things/dev-json/defender/metrics/json/accepted");
		c.publish("$aws/things/dev-json/defender/metrics/json", report(1), { qos: 1 });
		expect(JSON.parse((await ok).toString())).toMatchObject({ thingName: "dev-json", reportId: 1, status: "ACCEPTED" });
		const no = nextMessage(c, "$aws/things/dev-json/defender/metrics/json/rejected");
		c.publish("$aws/things/dev-json/defender/metrics/json", report(2), { qos: 1 });
		expect(JSON.parse((await no).toString())).toMatchObject({ reportId: 2, statusDetails: { ErrorCode: "Throttled" } });
		expect(f.cloud.metrics("dev-json")).toMatchObject({ reportsAccepted: 1, reportsRejected: 1, lastReport: { "aws:all-bytes-out": { count: 2 } } });
	});

	it("answers a CBOR report in CBOR", async () => {
		const c = await f.connect("dev-cbor");
		await c.subscribeAsync("$aws/things/dev-cbor/defender/metrics/cbor/accepted", { qos: 1 });
		const ok = nextMessage(c, "$aws/things/dev-cbor/defender/metrics/cbor/accepted");
		c.publish("$aws/things/dev-cbor/defender/metrics/cbor", Buffer.from(cborEncode({ hed: { rid: 42, v: "1.0" }, met: {} })), { qos: 1 });
		expect(cborDecode(await ok)).toMatchObject({ thingName: "dev-cbor", reportId: 42, status: "ACCEPTED" });
	});

	it("refuses a subscription to the reserved publish topic with SUBACK 0x80 and counts it", async () => {
		const c = await f.connect("dev-sub");
		const granted = await c.subscribeAsync("$aws/things/dev-sub/defender/metrics/json", { qos: 1 }).catch((e: { packet: { granted: number[] } }) => e.packet.granted);
		expect(granted).toEqual([128]);
		const other = await c.subscribeAsync("$aws/things/dev-json/#", { qos: 0 }).catch((e: { packet: { granted: number[] } }) => e.packet.granted);
		expect(other).toEqual([128]);
		expect(f.cloud.metrics("dev-sub")["aws:num-authorization-failures"]).toBe(2);
		expect(c.connected).toBe(true);
	});

	it("drops a publish to another thing's topic, closes the connection and counts the failure", async () => {
		const watcher = await f.connect("dev-watch");
		await watcher.subscribeAsync("$aws/things/dev-watch/shadow/#", { qos: 0 });
		let seen = 0;
		watcher.on("message", () => seen++);
		const bad = await f.connect("dev-bad");
		const closed = new Promise<void>((r) => bad.once("close", () => r()));
		bad.publish("$aws/things/dev-watch/shadow/update", "{}");
		await closed;
		expect(f.cloud.metrics("dev-bad")["aws:num-authorization-failures"]).toBe(1);
		expect(seen).toBe(0);
	});

	it("allows configured topics (with ${iot:ClientId}) and counts sent and received messages", async () => {
		const rogue = await f.connect("rogue-1");
		await rogue.subscribeAsync("/rogue/agent", { qos: 0 });
		await rogue.subscribeAsync("shared/rogue-1/+", { qos: 0 });
		const got = nextMessage(rogue, "/rogue/agent");
		rogue.publish("/rogue/agent", "x".repeat(100));
		expect((await got).length).toBe(100);
		await until(() => f.cloud.metrics("rogue-1")["aws:num-messages-received"] === 1, "delivery count");
		await until(() => f.cloud.metrics("rogue-1")["aws:num-messages-sent"] === 1, "sent count");
		expect(f.cloud.metrics("rogue-1")).toMatchObject({ "aws:num-messages-sent": 1, "aws:message-byte-size": 100, "aws:num-connection-attempts": 1, connected: true });
		const denied = await rogue.subscribeAsync("shared/other/+", { qos: 0 }).catch((e: { packet: { granted: number[] } }) => e.packet.granted);
		expect(denied).toEqual([128]);
	});

	it("refuses a client id that is not the certificate CN (CONNACK identifier rejected)", async () => {
		const files = f.cloud.issueThingCertificate("dev-id");
		const err = (await refusal({ clientId: "someone-else", ca: readFileSync(files.caPem), cert: readFileSync(files.certPem), key: readFileSync(files.keyPem) })) as Error & { code?: number };
		expect(err.code).toBe(2);
		await until(() => f.cloud.metrics("dev-id")["aws:num-authorization-failures"] === 1, "authz failure");
		expect(f.cloud.metrics("dev-id")["aws:num-connection-attempts"]).toBe(1);
	});

	it("refuses a client without a certificate at the TLS handshake", async () => {
		const err = await refusal({ clientId: "anon", ca: readFileSync(join(f.dir, "pki", "ca.cert.pem")) });
		expect(err.message).toMatch(/certificate|handshake|socket|ECONNRESET|alert/i);
		expect(f.cloud.metrics("anon")["aws:num-connection-attempts"]).toBe(0);
	});

	it("refuses a certificate from another CA at the TLS handshake", async () => {
		const other = issueThingCertificate(tempDir("cloud-other-ca-"), "dev-alien");
		const err = await refusal({ clientId: "dev-alien", ca: readFileSync(join(f.dir, "pki", "ca.cert.pem")), cert: readFileSync(other.certPem), key: readFileSync(other.keyPem) });
		expect(err.message).toMatch(/certificate|unknown ca|alert|ECONNRESET|socket/i);
		expect(f.cloud.metrics("dev-alien")["aws:num-connection-attempts"]).toBe(0);
	});

	it("writes the Moddable artefacts: DER certificate, PKCS#8 DER key, DER CA", () => {
		const files = f.cloud.issueThingCertificate("dev-moddable");
		expect(readFileSync(files.certDer)[0]).toBe(0x30);
		expect(readFileSync(files.keyDer)[0]).toBe(0x30);
		expect(readFileSync(files.caDer)[0]).toBe(0x30);
		expect(readFileSync(files.keyPem, "utf8")).toContain("BEGIN PRIVATE KEY");
		expect(() => f.cloud.issueThingCertificate("bad/name")).toThrow(/thing name "bad\/name" must be 1\.\.128 characters/);
	});
});
