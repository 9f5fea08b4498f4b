/*
 * flat-queue — keeps aedes' message queue from recursing. aedes routes every PUBLISH through its mqemitter,
 * which runs at most `concurrency` (100) messages at once and queues the rest. When a running message
 * completes, mqemitter starts the next queued one from inside that completion callback; a message with no
 * subscriber (every device report: the cloud reads reports in the `published` hook, nobody subscribes to
 * them) completes synchronously, so a queue of N reports unwinds as N nested calls. A burst of a few
 * thousand devices reporting at once (queue ≈ devices − 100) overflowed the stack: `RangeError: Maximum
 * call stack size exceeded` thrown out of a socket handler, which ends the cloud process.
 *
 * flattenQueue() wraps the emitter's `_do` (start one message) in a trampoline: a start requested while
 * another start is still on the stack is put on a FIFO list and run by the outermost call once the inner
 * one returns. Order is unchanged, the concurrency slot is reserved at once (so `current` counts the same),
 * and the stack depth no longer grows with the queue.
 */

/** The part of mqemitter (aedes' `mq`) this relies on; checked at run time, since it is not public API. */
interface QueueInternals {
	current: number;
	_do(message: unknown, callback: unknown): unknown;
}

function hasInternals(mq: unknown): mq is QueueInternals {
	const m = mq as Partial<QueueInternals> | null;
	return typeof m === "object" && m !== null && typeof m._do === "function" && typeof m.current === "number";
}

/** Makes an aedes broker's message queue (its `mq`, an mqemitter) start queued messages iteratively instead of recursively. */
export function flattenQueue(broker: object): void {
	const mq = (broker as { mq?: unknown }).mq;
	if (!hasInternals(mq)) throw new Error("broker: aedes' message queue (mqemitter) has changed shape; cannot guard it against deep recursion");
	const start = mq._do.bind(mq);
	const pending: [message: unknown, callback: unknown][] = [];
	let running = false;
	mq._do = function flatDo(message: unknown, callback: unknown): unknown {
		if (running) {
			mq.current++; // reserve the slot now, as the nested start would have
			pending.push([message, callback]);
			return mq;
		}
		running = true;
		try {
			start(message, callback);
			for (let next = pending.shift(); next; next = pending.shift()) {
				mq.current--; // start() takes the slot reserved above
				start(next[0], next[1]);
			}
		} finally {
			running = false;
		}
		return mq;
	};
}
