/*
 * MqttClient connection life: CONNECT contents, every CONNACK code by name, connect timeout, a
 * transport that throws, errors and closes, stop() with DISCONNECT, stale events ignored, options.
 */
import { describe, expect, it } from "vitest";
import { harness } from "../helpers/mqtt-memory";
import { MqttClient, MqttConfigError } from "../../modules/mqtt/client";

describe("connect", () => {
	it("sends CONNECT on open and is connected after CONNACK 0", () => {
		const h = harness({ username: "u", password: new Uint8Array([7]), cleanSession: false });
		h.client.start();
		expect(h.client.state).toBe("connecting");
		h.client.start();
		expect(h.links).toHaveLength(1);
		h.connect(true);
		expect(h.link().sent("connect")[0]).toMatchObject({ clientId: "dev", keepalive: 60, clean: false, username: "u", protocolVersion: 4 });
		expect(h.client.connected).toBe(true);
		expect(h.states).toEqual(["connecting", "connected session present"]);
		expect(h.client.stats.connects).toBe(1);
	});

	const codes = ["REFUSED_PROTOCOL_VERSION", "REFUSED_IDENTIFIER", "REFUSED_SERVER_UNAVAILABLE", "REFUSED_BAD_CREDENTIALS", "REFUSED_NOT_AUTHORIZED"];
	codes.forEach((name, i) => {
		it(`surfaces CONNACK ${i + 1} as ${name} and retries after back-off`, () => {
			const h = harness();
			h.client.start();
			h.link().handlers.onOpen();
			h.link().send({ cmd: "connack", returnCode: i + 1 });
			expect(h.client.state).toBe("waiting");
			expect(h.client.reason).toBe(name);
			expect(h.link().closed).toBe(true);
			h.clock.advance(750);
			expect(h.links).toHaveLength(2);
		});
	});

	it("gives up an attempt with no CONNACK after connectTimeoutMs", () => {
		const h = harness({ connectTimeoutMs: 3000 });
		h.client.start();
		h.link().handlers.onOpen();
		h.clock.advance(2999);
		expect(h.client.state).toBe("connecting");
		h.clock.advance(1);
		expect(h.client.reason).toBe("CONNECT_TIMEOUT");
		expect(h.link().closed).toBe(true);
	});

	it("reports a throwing transport factory as TRANSPORT_ERROR and retries", () => {
		let fail = true;
		const h = harness();
		const client = new MqttClient({
			clientId: "d", keepAliveSeconds: 0, clock: h.clock, maxPayload: 10, maxInflight: 1, reconnect: { minMs: 100, maxMs: 100 }, random: () => 0,
			openTransport: () => {
				if (fail) throw new Error("no route");
				fail = true;
				return { write: () => 0, close: () => undefined };
			},
		});
		client.start();
		expect(client.state).toBe("waiting");
		expect(client.reason).toBe("TRANSPORT_ERROR: Error: no route");
		h.clock.advance(50);
		expect(client.reason).toBe("TRANSPORT_ERROR: Error: no route");
	});

	it("names transport errors and closes, and ignores events from an old link", () => {
		const h = harness();
		h.client.start();
		const first = h.connect();
		first.handlers.onError("ECONNRESET: reset");
		expect(h.client.reason).toBe("TRANSPORT_ERROR: ECONNRESET: reset");
		expect(h.client.stats.disconnects).toBe(1);
		h.clock.advance(1000);
		const second = h.connect();
		first.handlers.onClose();
		first.handlers.onData(Uint8Array.from([0xd0, 0]));
		expect(h.client.connected).toBe(true);
		second.handlers.onClose();
		expect(h.client.reason).toBe("TRANSPORT_CLOSED");
	});

	it("treats a failing or throwing write as a dead link", () => {
		const h = harness();
		h.client.start();
		h.link().accept = -1;
		h.link().handlers.onOpen();
		expect(h.client.reason).toBe("TRANSPORT_ERROR: write failed");
		h.clock.advance(1000);
		h.link().accept = "throw";
		h.link().handlers.onOpen();
		expect(h.client.reason).toBe("TRANSPORT_ERROR: write failed");
	});

	it("stop() sends DISCONNECT, closes, does not reconnect; start() connects again", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		h.client.stop();
		expect(l.sent("disconnect")).toHaveLength(1);
		expect(l.closed).toBe(true);
		expect(h.client.state).toBe("stopped");
		h.clock.advance(100_000);
		expect(h.links).toHaveLength(1);
		h.client.start();
		expect(h.links).toHaveLength(2);
		h.client.stop();
		expect(h.links[1].sent("disconnect")).toHaveLength(0);
	});

	it("stop() while waiting cancels the retry", () => {
		const h = harness();
		h.client.start();
		h.link().handlers.onError("refused");
		h.client.stop();
		h.clock.advance(100_000);
		expect(h.links).toHaveLength(1);
	});

	it("refuses bad options with MqttConfigError", () => {
		const base = harness();
		const ok = { clientId: "d", keepAliveSeconds: 60, clock: base.clock, openTransport: () => ({ write: () => 0, close: () => undefined }), maxPayload: 10, maxInflight: 1, reconnect: { minMs: 1, maxMs: 2 } };
		const bad = [{ clientId: 5 }, { keepAliveSeconds: 70000 }, { maxPayload: -1 }, { maxInflight: 0 }, { maxQueued: 0 }, { reconnect: { minMs: 0, maxMs: 1 } }, { reconnect: { minMs: 5, maxMs: 1 } }];
		for (const b of bad) expect(() => new MqttClient({ ...ok, ...b } as never)).toThrow(MqttConfigError);
		expect(new MqttClient(ok).state).toBe("idle");
	});
});
