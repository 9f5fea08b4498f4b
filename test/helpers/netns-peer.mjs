// netns-peer — a tiny process run inside a test's network namespace (ip netns exec … node this).
//   server <host> <port>                  TCP echo server; prints "ready"
//   client <host> <port> <tcpPort> <udpPort>  a TCP listener on tcpPort, a UDP socket on udpPort and
//     one connection to host:port; prints "ready <localPort>"; each stdin line "send N" writes N bytes,
//     waits for them to come back and prints "done N". Exits when stdin closes.
import { createServer, connect } from "node:net";
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";

const [mode, host, port, tcpPort, udpPort] = process.argv.slice(2);
if (mode === "server") {
	createServer((s) => s.pipe(s)).listen(Number(port), host, () => console.log("ready"));
	process.stdin.on("end", () => process.exit(0)).resume();
} else {
	const listener = createServer(() => {}).listen(Number(tcpPort), "0.0.0.0");
	const udp = createSocket("udp4");
	udp.bind(Number(udpPort), "0.0.0.0");
	let pending = 0;
	let want = 0;
	const socket = connect(Number(port), host, () => console.log(`ready ${socket.localPort}`));
	socket.on("data", (chunk) => {
		pending += chunk.length;
		if (want > 0 && pending >= want) {
			console.log(`done ${want}`);
			pending -= want;
			want = 0;
		}
	});
	createInterface({ input: process.stdin })
		.on("line", (line) => {
			want = Number(line.split(" ")[1]);
			socket.write(Buffer.alloc(want, 0x61));
		})
		.on("close", () => {
			socket.destroy();
			listener.close();
			udp.close();
			process.exit(0);
		});
}
