/* net — our declaration of Moddable's "net" module (name resolution only). */
declare module "net" {
	const Net: {
		/** Resolves a host name; address is undefined when it cannot be resolved. */
		resolve(host: string, callback: (name: string, address: string | undefined) => void): void;
		/** A property of the network interface, e.g. "RSSI" (dBm, undefined when not associated). */
		get(property: string): string | number | undefined;
	};
	export default Net;
}
