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
		/** Into a view: returns the bytes read. With a count: an ArrayBuffer of that many. */
		read(into: ArrayBufferView): number;
		read(count?: number): ArrayBuffer | undefined;
		/** Returns the free send-buffer bytes; throws when the data does not fit. */
		write(data: ArrayBufferView | ArrayBuffer): number;
		close(): void;
		readonly remoteAddress: string | undefined;
		readonly remotePort: number | undefined;
	}
}
