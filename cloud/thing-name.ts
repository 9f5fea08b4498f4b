/*
 * thing-name — the thing-name rule shared by the broker, the reserved topics and the PKI:
 * 1–128 bytes of UTF-8, no control characters (spec §2.1).
 */

export const THING_NAME_MAX_BYTES = 128;

/** Returns why `name` is not a valid thing name, or undefined when it is. */
export function checkThingName(name: string): string | undefined {
	const bytes = Buffer.byteLength(name, "utf8");
	if (bytes < 1 || bytes > THING_NAME_MAX_BYTES) return `thing name must be 1-${THING_NAME_MAX_BYTES} bytes of UTF-8, got ${bytes}`;
	if (/[\u0000-\u001f\u007f]/.test(name)) return "thing name must not contain control characters";
	return undefined;
}
