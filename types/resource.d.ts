/* Resource — our declaration of Moddable's "Resource" module (read-only data compiled into flash). */
declare module "Resource" {
	export default class Resource extends HostBuffer {
		constructor(path: string);
		static exists(path: string): boolean;
	}
}
