/* SigV4 refusals as AWS answers them: unsigned, unknown key, wrong secret, expired, tampered; HTTPS with the cloud's CA. */
import { CreateThingGroupCommand, DescribeThingCommand, IoTClient, ListThingGroupsCommand, ListThingsCommand } from "@aws-sdk/client-iot";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";

let fixtures: ApiFixture[] = [];
const clients: IoTClient[] = [];
afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

async function start(options = {}): Promise<ApiFixture> {
	const f = await startApiCloud(options);
	fixtures.push(f);
	return f;
}

function client(f: ApiFixture, over: Partial<{ accessKeyId: string; secretAccessKey: string; systemClockOffset: number }> = {}): IoTClient {
	const { systemClockOffset, ...creds } = over;
	const c = new IoTClient({ endpoint: f.api.url, region: "eu-west-1", credentials: { ...f.api.accessKey, ...creds }, maxAttempts: 1, systemClockOffset });
	clients.push(c);
	return c;
}

async function refusal(p: Promise<unknown>): Promise<[string, number | undefined, string]> {
	const e = (await p.then(() => undefined, (err: unknown) => err)) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
	if (!e) throw new Error("expected a refusal");
	return [e.name, e.$metadata?.httpStatusCode, e.message];
}

describe("SigV4 authentication of the control-plane API", () => {
	it("refuses unsigned, unknown-key, wrongly signed, expired and tampered requests with AWS's errors", async () => {
		const f = await start();
		for (const path of ["/thing-groups", "/no/such/operation"]) {
			const res = await fetch(`${f.api.url}${path}`);
			expect(res.status).toBe(403);
			expect(res.headers.get("x-amzn-errortype")).toMatch(/^MissingAuthenticationTokenException/);
			expect(await res.json()).toEqual({ message: "Missing Authentication Token" });
		}
		const forged = await fetch(`${f.api.url}/thing-groups`, {
			headers: { authorization: `AWS4-HMAC-SHA256 Credential=${f.api.accessKey.accessKeyId}/20260101/us-east-1/iot/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`, "x-amz-date": new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "") },
		});
		expect([forged.status, forged.headers.get("x-amzn-errortype")]).toEqual([403, "InvalidSignatureException:"]);

		const unknown = await refusal(client(f, { accessKeyId: "AKIAUNKNOWNUNKNOWN00" }).send(new ListThingGroupsCommand({})));
		expect(unknown.slice(0, 2)).toEqual(["UnrecognizedClientException", 403]);
		const wrong = client(f, { secretAccessKey: f.api.accessKey.secretAccessKey.replace(/^./, (c) => (c === "A" ? "B" : "A")) });
		const bad = await refusal(wrong.send(new CreateThingGroupCommand({ thingGroupName: "sneaky" })));
		expect(bad.slice(0, 2)).toEqual(["InvalidSignatureException", 403]);
		expect(bad[2]).toMatch(/signature we calculated does not match/);
		const expired = await refusal(client(f, { systemClockOffset: -20 * 60_000 }).send(new ListThingGroupsCommand({})));
		expect(expired.slice(0, 2)).toEqual(["InvalidSignatureException", 403]);
		expect(expired[2]).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

		const tampering = client(f);
		// after signing, change a query parameter: the signature no longer covers the request
		const tamper = (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
			(args as { request: { query: Record<string, string> } }).request.query.thingTypeName = "changed";
			return next(args);
		};
		tampering.middlewareStack.addRelativeTo(tamper as unknown as Parameters<typeof tampering.middlewareStack.addRelativeTo>[0], {
			relation: "after",
			toMiddleware: "httpSigningMiddleware",
		});
		expect((await refusal(tampering.send(new ListThingsCommand({})))).slice(0, 2)).toEqual(["InvalidSignatureException", 403]);
		expect(f.logs.filter((l) => l.startsWith("api: refused")).length).toBeGreaterThanOrEqual(6);

		const good = client(f);
		expect((await good.send(new ListThingGroupsCommand({}))).thingGroups).toEqual([]);
		const colon = await refusal(good.send(new DescribeThingCommand({ thingName: "a:b_c-d" })));
		expect(colon.slice(0, 2)).toEqual(["ResourceNotFoundException", 404]);
		const query = await good.send(new ListThingsCommand({ attributeName: "model", attributeValue: "x/y:z=1", maxResults: 5 }));
		expect(query.things).toEqual([]);
	});

	it("serves HTTPS with the cloud's server certificate", async () => {
		const f = await start({ api: { port: 0, https: true } });
		expect(f.api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const ca = readFileSync(join(f.dir, "pki", "ca.cert.pem"));
		const iot = new IoTClient({ endpoint: f.api.url, region: "us-east-1", credentials: { ...f.api.accessKey }, maxAttempts: 1, requestHandler: { httpsAgent: new Agent({ ca }) } });
		clients.push(iot);
		await iot.send(new CreateThingGroupCommand({ thingGroupName: "tls" }));
		expect((await iot.send(new ListThingGroupsCommand({}))).thingGroups?.map((g) => g.groupName)).toEqual(["tls"]);
	});
});
