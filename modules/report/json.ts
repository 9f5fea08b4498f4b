/*
 * json — the JSON writer: no whitespace, strings escaped by JSON.stringify, numbers in JavaScript's
 * shortest round-trip form, UTF-8 output.
 */
import { ByteSink } from "./writer";
import type { Writer } from "./writer";

const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const MAX_DEPTH = 16;

export class JsonWriter extends ByteSink implements Writer {
	#closers = new Uint8Array(MAX_DEPTH);
	#depth = 0;
	#needComma = false;

	override begin(): void {
		super.begin();
		this.#depth = 0;
		this.#needComma = false;
	}

	map(_size: number): void {
		this.#open(0x7b, 0x7d);
	}

	array(_size: number): void {
		this.#open(0x5b, 0x5d);
	}

	end(): void {
		this.byte(this.#closers[--this.#depth]);
		this.#needComma = true;
	}

	key(name: string): void {
		this.#separate();
		this.byte(QUOTE);
		this.ascii(name);
		this.byte(QUOTE);
		this.byte(COLON);
		this.#needComma = false;
	}

	text(value: string): void {
		this.#separate();
		this.utf8(JSON.stringify(value));
		this.#needComma = true;
	}

	number(value: number): void {
		this.#separate();
		this.ascii(String(value));
		this.#needComma = true;
	}

	#open(opener: number, closer: number): void {
		this.#separate();
		this.byte(opener);
		this.#closers[this.#depth++] = closer;
		this.#needComma = false;
	}

	#separate(): void {
		if (this.#needComma) this.byte(COMMA);
	}
}
