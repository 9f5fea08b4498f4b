/*
 * retained — the broker's account of retained messages (count and payload bytes per topic), so the retained
 * store stays bounded: a retained PUBLISH that would pass either cap is refused; an empty retained payload
 * deletes the topic's message and frees its share.
 */
export class RetainedBudget {
	readonly #sizes = new Map<string, number>();
	#bytes = 0;
	readonly #maxCount: number;
	readonly #maxBytes: number;

	constructor(maxCount: number, maxBytes: number) {
		this.#maxCount = maxCount;
		this.#maxBytes = maxBytes;
	}

	/** Records the retained message and returns undefined, or says why it does not fit. */
	admit(topic: string, bytes: number): string | undefined {
		const old = this.#sizes.get(topic);
		if (bytes === 0) {
			if (old !== undefined) this.#forget(topic, old);
			return undefined;
		}
		const count = this.#sizes.size + (old === undefined ? 1 : 0);
		if (count > this.#maxCount) return `retained message on ${topic} refused: the broker keeps at most ${this.#maxCount} retained messages`;
		const total = this.#bytes - (old ?? 0) + bytes;
		if (total > this.#maxBytes) return `retained message on ${topic} refused: ${total} retained bytes would pass the limit of ${this.#maxBytes}`;
		this.#sizes.set(topic, bytes);
		this.#bytes = total;
		return undefined;
	}

	#forget(topic: string, bytes: number): void {
		this.#sizes.delete(topic);
		this.#bytes -= bytes;
	}

	get count(): number {
		return this.#sizes.size;
	}
}
