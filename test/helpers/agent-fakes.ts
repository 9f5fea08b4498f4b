/*
 * agent-fakes — small fakes of the agent's ports for unit tests: an MQTT port that records what it
 * is asked to do, a network driver whose counters the test moves, and an in-memory Store.
 */
import type { EstablishedConnection, ListeningPort, NetDriver } from "../../modules/netdriver/netdriver";
import type { Store } from "../../modules/platform/platform";

export interface Published {
	topic: string;
	payload: Uint8Array;
	qos: 0 | 1;
}

export class FakeMqtt {
	connected = true;
	accept = true;
	/** false: count publishes without keeping them (for footprint measurements). Kept payloads are copies, as the MQTT client copies what it accepts. */
	keep = true;
	count = 0;
	published: Published[] = [];
	subscribed: string[] = [];

	publish(topic: string, payload: Uint8Array, qos: 0 | 1): boolean {
		if (!this.connected || !this.accept) return false;
		this.count++;
		if (this.keep) this.published.push({ topic, payload: payload.slice(), qos });
		return true;
	}

	subscribe(topic: string): void {
		this.subscribed.push(topic);
	}
}

export class FakeDriver implements NetDriver {
	counterBits = 53;
	generation = 1;
	counters = [0, 0, 0, 0];
	tcp: ListeningPort[] = [{ port: 443 }];
	udp: ListeningPort[] = [];
	connections: EstablishedConnection[] = [{ remoteAddr: "192.0.2.1:8883", localPort: 50000 }];

	/** Adds traffic: bytes and packets in and out (counters wrap at 2^counterBits). */
	traffic(bytesIn: number, bytesOut: number, packetsIn = 1, packetsOut = 1): void {
		const m = 2 ** this.counterBits;
		const add = [bytesIn, bytesOut, packetsIn, packetsOut];
		for (let i = 0; i < 4; i++) this.counters[i] = (this.counters[i] + add[i]) % m;
	}

	read(out: Float64Array): number {
		for (let i = 0; i < 4; i++) out[i] = this.counters[i];
		return this.generation;
	}

	listeningTcpPorts(): ListeningPort[] {
		return this.tcp;
	}

	listeningUdpPorts(): ListeningPort[] {
		return this.udp;
	}

	establishedConnections(): EstablishedConnection[] {
		return this.connections;
	}
}

export class MemoryStore implements Store {
	data = new Map<string, string | number | boolean>();
	writes = 0;

	get(key: string): string | number | boolean | undefined {
		return this.data.get(key);
	}

	set(key: string, value: string | number | boolean): void {
		this.data.set(key, value);
		this.writes++;
	}
}
