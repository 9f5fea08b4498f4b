/*
 * fleet — the device side of a load test: many mqtt.js clients over mutual TLS (one per thing, client id =
 * certificate CN), each subscribed to its accepted/rejected reply topics at QoS 1 like the agent. A round is
 * one report per device published at once (QoS 1); each reply is counted per thing and timed from its
 * publish. Runs in its own process (fleet-child.ts) so the cloud's process only does the cloud's work.
 */
import mqtt, { type MqttClient } from "mqtt";
import { defenderReplyTopic, defenderTopic, matchDefenderReplyTopic } from "../../modules/facts/facts";

export interface FleetSetup {
	port: number;
	ca: string;
	key: string;
	certs: [thing: string, cert: string][];
	connectTimeoutMs: number;
}

export interface RoundResult {
	/** replies of this round per kind */
	accepted: number;
	rejected: number;
	/** things that got more than one reply for one report */
	duplicates: number;
	/** publish→reply milliseconds, one per reply */
	latencies: number[];
	/** publish→PUBACK milliseconds, one per report */
	pubacks: number[];
	/** when each thing published, epoch milliseconds (performance.timeOrigin based, comparable across processes) */
	sent: [thing: string, at: number][];
	/** from the first publish until every device had its reply (or PUBACK), or the limit */
	completeMs: number;
	/** completeMs plus a 200 ms wait for late duplicate replies */
	elapsedMs: number;
}

interface Device {
	client: MqttClient;
	sentAt: number;
	rid: number;
	replies: number;
}

/** One JSON short-key report; an odd report id lists the unexpected port 23 (so the ports behavior alarms), an even one clears. */
export function report(rid: number): string {
	const ports = rid % 2 === 1 ? [{ pt: 8883 }, { pt: 23 }] : [{ pt: 8883 }];
	return JSON.stringify({ hed: { rid, v: "1.0" }, met: { tp: { pts: ports, t: ports.length }, ns: { bi: 1000, bo: 2000, pi: 10, po: 12 } } });
}

const CONNECTING = 100;

export class Fleet {
	readonly #devices = new Map<string, Device>();
	#round: RoundResult | undefined;
	#replied = 0;
	#onReply: (() => void) | undefined;
	/** replies that arrived with no report outstanding (must stay 0) */
	strayReplies = 0;

	/**
	 * Connects every device, at most `CONNECTING` handshakes at a time (a burst of thousands of SYNs would
	 * overflow the listen backlog: connection resets, not what these tests measure).
	 */
	async connect(s: FleetSetup): Promise<number> {
		const failures: unknown[] = [];
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < s.certs.length) {
				const [thing, cert] = s.certs[next++];
				await this.#open(s, thing, cert).catch((e: unknown) => failures.push(e));
			}
		};
		await Promise.all(Array.from({ length: CONNECTING }, worker));
		if (failures.length) throw new Error(`${failures.length} of ${s.certs.length} devices did not connect: ${String(failures[0])}`);
		return this.#devices.size;
	}

	async #open(s: FleetSetup, thing: string, cert: string): Promise<void> {
		const client = mqtt.connect({ host: "127.0.0.1", port: s.port, protocol: "mqtts", clientId: thing, ca: s.ca, cert, key: s.key, reconnectPeriod: 0, connectTimeout: s.connectTimeoutMs, keepalive: 0 });
		const device: Device = { client, sentAt: 0, rid: 0, replies: 0 };
		client.on("message", (topic) => this.#reply(device, topic));
		client.on("error", () => undefined);
		await new Promise<void>((resolve, reject) => {
			client.once("connect", () => resolve());
			client.once("error", reject);
			client.once("close", () => reject(new Error(`${thing} closed before CONNACK`)));
		});
		await client.subscribeAsync([defenderReplyTopic(thing, "json", "accepted"), defenderReplyTopic(thing, "json", "rejected")], { qos: 1 });
		this.#devices.set(thing, device);
	}

	#reply(d: Device, topic: string): void {
		const r = this.#round;
		const kind = matchDefenderReplyTopic(topic)?.kind;
		if (!r || d.sentAt === 0 || !kind) {
			this.strayReplies++;
			return;
		}
		d.replies++;
		if (d.replies > 1) r.duplicates++;
		else {
			r.latencies.push(performance.now() - d.sentAt);
			this.#replied++;
		}
		r[kind]++;
		this.#onReply?.();
	}

	/**
	 * Every device publishes report `rid` at once; resolves when each has its reply (or, with `until` =
	 * "puback", its PUBACK: a broker without the cloud), or after `limitMs`.
	 */
	async round(rid: number, limitMs: number, until: "reply" | "puback" = "reply"): Promise<RoundResult> {
		const r: RoundResult = { accepted: 0, rejected: 0, duplicates: 0, latencies: [], pubacks: [], sent: [], completeMs: 0, elapsedMs: 0 };
		this.#round = r;
		this.#replied = 0;
		const start = performance.now();
		const payload = report(rid);
		for (const [thing, d] of this.#devices) {
			d.rid = rid;
			d.replies = 0;
			d.sentAt = performance.now();
			const sentAt = d.sentAt;
			r.sent.push([thing, performance.timeOrigin + sentAt]);
			d.client.publish(defenderTopic(thing, "json"), payload, { qos: 1 }, (e) => {
				if (e) return;
				r.pubacks.push(performance.now() - sentAt);
				if (until === "puback") this.#onReply?.();
			});
		}
		await this.#all(until === "reply" ? () => this.#replied : () => r.pubacks.length, limitMs);
		r.completeMs = performance.now() - start;
		// replies still in flight after the last expected one would show up as duplicates: give them a moment
		if (until === "reply") await new Promise((res) => setTimeout(res, 200));
		r.elapsedMs = performance.now() - start;
		return r;
	}

	#all(count: () => number, limitMs: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(done, limitMs);
			const check = (): void => {
				if (count() >= this.#devices.size) done();
			};
			function done(): void {
				clearTimeout(timer);
				resolve();
			}
			this.#onReply = check;
			check();
		});
	}

	async close(): Promise<void> {
		await Promise.all([...this.#devices.values()].map((d) => d.client.endAsync(true)));
		this.#devices.clear();
	}
}
