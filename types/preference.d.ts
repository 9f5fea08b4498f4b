/* preference — our declaration of Moddable's "preference" module (NVS on ESP32: names ≤ 15 chars). */
declare module "preference" {
	export type PreferenceValue = boolean | number | string | ArrayBuffer;
	const Preference: {
		get(domain: string, key: string): PreferenceValue | undefined;
		set(domain: string, key: string, value: PreferenceValue): void;
		delete(domain: string, key: string): void;
	};
	export default Preference;
}
