/* embedded:io/socket/tcp — our declaration of the ECMA-419 TCP socket (only what we use). */
declare module "embedded:io/socket/tcp" {
	export interface TCPOptions {
		/** IPv4 literal; host names must be resolved first. */
		address: string;
		port: number;
		nodelay?: boolean;
		format?: "buffer" | "number";
		onReadable?: (count: number) => void;
		onWritable?: (count: number) => void;
		onError?: (error?: unknown) => void;
	}
	export default class TCP {
		constructor(options: TCPOptions);
		/**
		 * Into a view: fills all of it and returns its length (throws when fewer bytes are
		 * buffered). With a count: an ArrayBuffer of that many. Undefined when nothing is buffered.
		 */
		read(into: ArrayBufferView): number | undefined;
		read(count?: number): ArrayBuffer | undefined;
		/**
		 * Returns the free send-buffer bytes; throws when the data does not fit. Undefined, with
		 * nothing sent, once the socket has failed or closed.
		 */
		write(data: ArrayBufferView | ArrayBuffer): number | undefined;
		close(): void;
		readonly remoteAddress: string | undefined;
		readonly remotePort: number | undefined;
	}
}
