/*
 * api-setup — a test cloud with the control-plane API on an ephemeral port, an @aws-sdk/client-iot client
 * pointed at it (only endpoint, region and credentials changed), and a device report helper.
 */
import { IoTClient } from "@aws-sdk/client-iot";
import type { ChildProcess } from "node:child_process";
import type { MqttClient } from "mqtt";
import type { ApiCloud } from "../../cloud/api/api-cloud";
import type { Api } from "../../cloud/api/index";
import type { CloudOptions } from "../../cloud/index";
import { nextMessage, startTestCloud, tempDir, type CloudFixture } from "./cloud-setup";

export interface ApiFixture extends CloudFixture {
	cloud: ApiCloud;
	api: Api;
	iot: IoTClient;
}

export async function startApiCloud(options: Partial<CloudOptions> = {}, dir = tempDir("api-test-")): Promise<ApiFixture> {
	const f = await startTestCloud({ api: { port: 0 }, ...options }, dir);
	const cloud = f.cloud as ApiCloud;
	if (!cloud.api) throw new Error("the API did not start");
	const api = cloud.api;
	const iot = new IoTClient({ endpoint: api.url, region: "us-east-1", credentials: { ...api.accessKey }, maxAttempts: 1 });
	const cleanup = f.cleanup;
	return { ...f, cloud, api, iot, cleanup: async () => (iot.destroy(), await cleanup()) };
}

/** Publishes one JSON Defender report from `device` and waits for the accepted reply. */
export async function report(device: MqttClient, thing: string, rid: number, met: object): Promise<void> {
	const accepted = `$aws/things/${thing}/defender/metrics/json/accepted`;
	await device.subscribeAsync(accepted, { qos: 1 });
	const ok = nextMessage(device, accepted);
	device.publish(`$aws/things/${thing}/defender/metrics/json`, JSON.stringify({ hed: { rid, v: "1.0" }, met }));
	await ok;
}

/** The SDK error's name and HTTP status of a call that must fail. */
export async function sdkFailure(p: Promise<unknown>): Promise<[string, number | undefined]> {
	const e = (await p.then(() => undefined, (err: unknown) => err)) as { name: string; $metadata?: { httpStatusCode?: number } } | undefined;
	if (!e) throw new Error("expected the call to fail");
	return [e.name, e.$metadata?.httpStatusCode];
}

/** The API URL a `npm run cloud -- start --api-port …` child prints on stderr; rejects if it exits first. */
export function apiUrl(p: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let err = "";
		p.stderr?.on("data", (c: Buffer) => {
			err += c.toString();
			const m = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
			if (m) resolve(m[1]);
		});
		p.once("exit", (code) => reject(new Error(`cloud exited (${code}): ${err}`)));
	});
}
