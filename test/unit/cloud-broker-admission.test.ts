/* Admission: unauthenticated connections per source address, released on authentication or close. */
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { Admission, CountingLog } from "../../cloud/broker/admission";

let port = 40_000;
function fakeSocket(address: string): Socket & { destroyed: boolean } {
	const s = Object.assign(new EventEmitter(), { remoteAddress: address, remotePort: port++, destroyed: false, destroy: () => undefined });
	s.destroy = () => {
		s.destroyed = true;
		s.emit("close");
		return undefined;
	};
	return s as unknown as Socket & { destroyed: boolean };
}

describe("Admission", () => {
	it("caps unauthenticated connections per address and frees a place on authentication or close", () => {
		const logs: string[] = [];
		const a = new Admission(2, (s) => logs.push(s));
		const [s1, s2, s3] = [fakeSocket("::ffff:10.0.0.1"), fakeSocket("10.0.0.1"), fakeSocket("10.0.0.1")];
		a.admit(s1);
		a.admit(s2);
		a.admit(s3);
		expect(s3.destroyed).toBe(true);
		expect(a.pendingOf("10.0.0.1")).toBe(2);
		expect(logs).toEqual(["broker: 10.0.0.1: 2 connections not yet authenticated (limit 2); connection closed (1 so far)"]);
		const other = fakeSocket("10.0.0.2");
		a.admit(other);
		expect(other.destroyed).toBe(false);
		a.authenticated(s1.remoteAddress, s1.remotePort);
		a.authenticated(s1.remoteAddress, s1.remotePort);
		expect(a.pendingOf("10.0.0.1")).toBe(1);
		s1.emit("close");
		expect(a.pendingOf("10.0.0.1")).toBe(1);
		s2.emit("close");
		expect(a.pendingOf("10.0.0.1")).toBe(0);
		const s4 = fakeSocket("10.0.0.1");
		a.admit(s4);
		expect(s4.destroyed).toBe(false);
	});

	it("CountingLog logs the first of each kind, then every 100th", () => {
		const logs: string[] = [];
		const l = new CountingLog((s) => logs.push(s));
		for (let i = 0; i < 200; i++) l.event("a", "A");
		l.event("b", "B");
		expect(logs).toEqual(["A (1 so far)", "A (100 so far)", "A (200 so far)", "B (1 so far)"]);
	});
});
