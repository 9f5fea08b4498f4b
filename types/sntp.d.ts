/* sntp — our declaration of Moddable's "sntp" module (one SNTP query with retries). */
declare module "sntp" {
	export default class SNTP {
		/** callback(message, value): 1 = time (value: Unix seconds), 2 = retrying, -1 = error (value: a
		 * message; return another host name to try it). */
		constructor(options: { host: string }, callback: (message: number, value?: number | string) => string | void);
		close(): void;
		static readonly time: 1;
		static readonly retry: 2;
		static readonly error: -1;
	}
}
