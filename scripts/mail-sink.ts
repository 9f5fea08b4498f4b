/*
 * mail-sink — `npx tsx scripts/mail-sink.ts [--port 2525] [--user relay] [--pass walkthrough]`: a local SMTP
 * relay on 127.0.0.1 that prints every mail it accepts (From, To, Subject, the body's first lines), for
 * trying the cloud's SNS e-mail without a real mail server (docs/walkthrough-aws-cli.md). Ctrl-C stops it.
 */
import { parseArgs } from "node:util";
import { startSmtpSink } from "./smtp-sink";
import { printMail } from "./walkthrough-mail";

const { values } = parseArgs({ options: { port: { type: "string", default: "2525" }, user: { type: "string", default: "relay" }, pass: { type: "string", default: "walkthrough" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error(`mail-sink: --port must be 0–65535, not "${values.port}"`);
	process.exit(2);
}
const say = (who: string, text: string) => console.log(`${new Date().toISOString()} ${who.padEnd(6)} ${text}`);
const sink = await startSmtpSink(values.user, values.pass, undefined, (m) => printMail(m, say), port);
say("mail", `SMTP relay listening: start the cloud with --smtp ${sink.url}`);
process.once("SIGINT", () => void sink.close().then(() => process.exit(130)));
process.once("SIGTERM", () => void sink.close().then(() => process.exit(143)));
