/*
 * run — `npm run device -- --thing MyDevice --host 127.0.0.1 --port 8883 --ca … --cert … --key …`:
 * the firmware on Node in real time against the self-hosted cloud or AWS. Prints the agent's log
 * with timestamps and a status line after each report outcome; Ctrl-C (or SIGTERM) stops it cleanly.
 * On Linux the reports carry the kernel's counters and socket tables (hardware/host/linux) unless
 * `--driver socket`.
 */
import { readFileSync } from "node:fs";
import { ArgsError, parseArgs } from "./args";
import type { DeviceArgs } from "./args";
import { startDevice } from "./device";
import { selectDriver } from "./linux/select";

function log(s: string): void {
	process.stdout.write(`${new Date().toISOString()} ${s}\n`);
}

function read(path: string, what: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error) {
		throw new ArgsError(`cannot read ${what} ${path}: ${(error as Error).message}`);
	}
}

async function main(args: DeviceArgs): Promise<void> {
	const linux = selectDriver(args.driver, args.interfaces);
	const device = await startDevice({
		netDriver: linux,
		thingName: args.thing,
		host: args.host,
		port: args.port,
		ca: read(args.ca, "--ca"),
		cert: read(args.cert, "--cert"),
		key: read(args.key, "--key"),
		format: args.format,
		intervalSeconds: args.interval,
		allowShortInterval: args.allowShortInterval,
		replyTimeoutSeconds: args.replyTimeout,
		rogue: args.rogue && (args.rogueTopic ? { topic: args.rogueTopic } : true),
		storePath: args.store,
		log,
		health: args.health,
	});
	if (device.health.registered.length) log(`health metrics: ${device.health.registered.join(", ")}`);
	if (device.health.missing.length) log(`health metrics this host cannot measure (not reported): ${device.health.missing.join(", ")}`);
	device.agent.onOutcome = (state, id) => {
		const s = device.status;
		if (linux?.lastError) log(`driver linux: last counter read failed (counters kept, caught up on the next good read): ${linux.lastError.message}`);
		log(`report ${id}: ${state}${s.lastErrorCode ? ` ${s.lastErrorCode}` : ""} (sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}, timed out ${s.timedOut}; rogue sent ${s.rogue.sent})`);
	};
	log(`device ${args.thing}: reporting ${args.format} to ${args.host}:${args.port}${args.rogue ? ", rogue mode on" : ""}`);
	log(linux ? `driver linux: kernel counters of ${linux.interfaces.join(", ") || "no interface yet"}, the machine's sockets` : "driver socket: the device's own traffic");
	const stop = () => {
		log("stopping");
		void device.stop().then(() => process.exit(0));
	};
	process.once("SIGINT", stop);
	process.once("SIGTERM", stop);
}

try {
	await main(parseArgs(process.argv.slice(2)));
} catch (error) {
	process.stderr.write(`${(error as Error).message}\n`);
	process.exit(2);
}
