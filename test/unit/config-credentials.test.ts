/*
 * A certificate setting naming a file the firmware was not built with stops start-up with the one
 * message of a bad setting, naming the CERTS folder and manifest.json's "data" section (the check
 * hardware/moddable/setup.ts loadCredentials runs with Resource.exists, here with a fake).
 */
import { describe, expect, it } from "vitest";
import { checkCredentials, ConfigError, parseConfig } from "../../modules/config/config";

const settings = parseConfig({ thingName: "MyDevice", endpoint: "127.0.0.1", certificate: "device.der", privateKey: "private-key.der", ca: "ca.der" });

function errorOf(present: string[]): ConfigError | undefined {
	try {
		checkCredentials(settings, (name) => present.includes(name));
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		return e as ConfigError;
	}
	return undefined;
}

describe("certificate files", () => {
	it("accepts the three files when the build has them", () => {
		expect(errorOf(["device.der", "private-key.der", "ca.der"])).toBeUndefined();
	});

	it.each([
		["certificate", ["private-key.der", "ca.der"], "device.der"],
		["privateKey", ["device.der", "ca.der"], "private-key.der"],
		["ca", ["device.der", "private-key.der"], "ca.der"],
	])("a missing %s file is a bad setting naming CERTS and the data section, on one line", (key, present, file) => {
		const e = errorOf(present);
		expect(e).toMatchObject({ code: "BadSetting", key });
		const message = e?.message ?? "";
		expect(message.startsWith(`BadSetting: config "${key}" names "${file}"`)).toBe(true);
		expect(message).toContain("CERTS folder");
		expect(message).toContain('"data" section of manifest.json');
		expect(message).not.toContain("\n");
		expect(message).not.toContain("resources\")");
	});
});
