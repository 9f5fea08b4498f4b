/* flattenQueue: aedes' message queue unwinds a long queue without recursing (issue 16, the crash under load). */
import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { flattenQueue } from "../../cloud/broker/flat-queue";

interface Mq {
	current: number;
	length: number;
	on(topic: string, listener: (message: { topic: string; n?: number }, done: () => void) => void): void;
	emit(message: { topic: string; n?: number }, callback?: () => void): void;
}

/** One slot held by a listener that has not finished, `n` messages without subscribers queued behind it. */
function queueBehindHeldSlot(mq: Mq, n: number, order: number[]): () => void {
	let release = (): void => undefined;
	mq.on("hold", (_m, done) => (release = done));
	mq.emit({ topic: "hold" });
	for (let i = 0; i < n; i++) mq.emit({ topic: "report", n: i }, () => order.push(i));
	return release;
}

function brokerQueue(flat: boolean): Mq {
	const aedes = new Aedes({ concurrency: 1 });
	if (flat) flattenQueue(aedes);
	return (aedes as unknown as { mq: Mq }).mq;
}

describe("flattenQueue", () => {
	it("unwinds 20,000 queued messages in order without growing the stack", () => {
		const mq = brokerQueue(true);
		const order: number[] = [];
		const release = queueBehindHeldSlot(mq, 20_000, order);
		expect(mq.length).toBe(20_000);
		release();
		expect(order.length).toBe(20_000);
		expect(order.every((v, i) => v === i)).toBe(true);
		expect(mq.length).toBe(0);
		expect(mq.current).toBe(0);
	});

	it("is needed: the unpatched queue overflows the stack on the same input", () => {
		const mq = brokerQueue(false);
		const release = queueBehindHeldSlot(mq, 20_000, []);
		expect(release).toThrow(RangeError);
	});

	it("still delivers to subscribers and keeps the concurrency bound", () => {
		const mq = brokerQueue(true);
		const seen: number[] = [];
		const dones: (() => void)[] = [];
		mq.on("sub", (m, done) => {
			seen.push(m.n ?? -1);
			dones.push(done);
		});
		for (let i = 0; i < 5; i++) mq.emit({ topic: "sub", n: i });
		expect(seen).toEqual([0]);
		expect(mq.current).toBe(1);
		while (dones.length) dones.shift()?.();
		expect(seen).toEqual([0, 1, 2, 3, 4]);
		expect(mq.current).toBe(0);
	});

	it("refuses a broker whose queue is not the expected mqemitter", () => {
		expect(() => flattenQueue({ mq: {} })).toThrow(/changed shape/);
	});
});
