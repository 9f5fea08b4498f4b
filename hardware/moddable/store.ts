/*
 * store — the platform Store over Moddable's Preference (NVS on the ESP32, a JSON file in the
 * simulator). NVS limits domain and key names to 15 characters: a longer key is refused with a
 * StoreKeyError instead of failing deep in the NVS driver.
 */
import Preference from "preference";
import type { Store } from "../../modules/platform/platform";

const MAX_NAME = 15;

export class StoreKeyError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "StoreKeyError";
	readonly code = "StoreKeyTooLong";
	constructor(key: string) {
		super(`StoreKeyTooLong: preference key "${key}" is longer than ${MAX_NAME} characters (NVS limit)`);
	}
}

export class PreferenceStore implements Store {
	readonly domain: string;

	constructor(domain: string) {
		if (domain.length > MAX_NAME) throw new StoreKeyError(domain);
		this.domain = domain;
	}

	get(key: string): string | number | boolean | undefined {
		const value = Preference.get(this.domain, checkKey(key));
		return value instanceof ArrayBuffer ? undefined : value;
	}

	set(key: string, value: string | number | boolean): void {
		Preference.set(this.domain, checkKey(key), value);
	}
}

function checkKey(key: string): string {
	if (key.length > MAX_NAME) throw new StoreKeyError(key);
	return key;
}
