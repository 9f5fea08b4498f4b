/*
 * smtp-sink — a real SMTP server (smtp-server) on loopback, for the walkthrough (`npm start`) and the SNS
 * e-mail tests: requires AUTH PLAIN with the given user, parses every accepted mail with mailparser, tells
 * `onMail` about each, can go down and come back on its port.
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
	from: string;
	to: string;
	subject: string;
	text: string;
	headers: Map<string, unknown>;
}

export interface SmtpSink {
	/** smtp://user:pass@127.0.0.1:port */
	url: string;
	mails: ReceivedMail[];
	/** sessions that authenticated */
	logins: () => number;
	/** of those, the ones that had upgraded to TLS (STARTTLS) first */
	secureLogins: () => number;
	down(): Promise<void>;
	up(): Promise<void>;
	close(): Promise<void>;
}

/** `tls`: offer STARTTLS with this key and certificate (PEM), and accept AUTH only after it. `port` 0: an ephemeral one. */
export async function startSmtpSink(
	user = "relay",
	pass = "s3cret",
	tls?: { key: string; cert: string },
	onMail?: (m: ReceivedMail) => void,
	port = 0,
): Promise<SmtpSink> {
	const mails: ReceivedMail[] = [];
	let logins = 0;
	let secureLogins = 0;
	let server: SMTPServer | undefined;
	const make = (): SMTPServer =>
		new SMTPServer({
			secure: false,
			...(tls ? { key: tls.key, cert: tls.cert, allowInsecureAuth: false } : { disabledCommands: ["STARTTLS"], allowInsecureAuth: true }),
			authMethods: ["PLAIN", "LOGIN"],
			logger: false,
			onAuth(auth, session, cb) {
				if (auth.username === user && auth.password === pass) return cb(null, { user }), void logins++, void (secureLogins += session.secure ? 1 : 0);
				cb(new Error("Invalid username or password"));
			},
			onData(stream, _session, cb) {
				simpleParser(stream)
					.then((m) => {
						const to = Array.isArray(m.to) ? m.to[0] : m.to;
						const mail = { from: m.from?.text ?? "", to: to?.text ?? "", subject: m.subject ?? "", text: m.text ?? "", headers: m.headers };
						mails.push(mail);
						cb();
						onMail?.(mail);
					})
					.catch((e: Error) => cb(e));
			},
		});
	const listen = (p: number): Promise<void> =>
		new Promise((resolve, reject) => {
			const s = make();
			s.server.once("error", reject);
			s.listen(p, "127.0.0.1", () => {
				port = (s.server.address() as AddressInfo).port;
				server = s;
				resolve();
			});
		});
	const close = (): Promise<void> =>
		new Promise((resolve) => {
			const s = server;
			server = undefined;
			if (!s) return resolve();
			s.close(() => resolve());
		});
	await listen(port);
	return {
		url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
		mails,
		logins: () => logins,
		secureLogins: () => secureLogins,
		down: close,
		up: () => listen(port),
		close,
	};
}
