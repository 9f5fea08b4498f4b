/* net — our declaration of Moddable's "net" module (name resolution only). */
declare module "net" {
	const Net: {
		/** Resolves a host name; address is undefined when it cannot be resolved. */
		resolve(host: string, callback: (name: string, address: string | undefined) => void): void;
	};
	export default Net;
}
