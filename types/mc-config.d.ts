/*
 * mc/config — the manifest's "config" object, frozen. Values given on the mcconfig command line
 * (key=value) are strings; values from the manifest keep their JSON type.
 */
declare module "mc/config" {
	const config: Readonly<Record<string, unknown>>;
	export default config;
}
