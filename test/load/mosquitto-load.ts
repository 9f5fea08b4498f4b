/*
 * mosquitto-load — the load run of cloud-load.ts with the cloud in mosquitto mode: a real mosquitto loading
 * the Defender plugin (mosquitto-conf.ts `plugin`) on 127.0.0.1, Detect its privileged subscriber
 * (external.ts), the fleet's devices (certificates from the cloud's PKI, client id = CN) publishing
 * through mosquitto. Counted on three sides: the devices' replies, the cloud's (onReply, metrics,
 * violation events, the ReportAudit's delivered/evaluated) and the broker's (the plugin's per-thing report
 * count, which reaches the ReportAudit after each hand-over interval).
 */
import { join } from "node:path";
import { userInfo } from "node:os";
import { writeMosquittoConf } from "../../cloud/broker/mosquitto-conf";
import type { ReportTotals } from "../../cloud/broker/report-audit";
import { startCloud } from "../../cloud/index";
import { ensureServerCertificate } from "../../cloud/pki";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { freePort, launchMosquitto } from "../helpers/mosquitto";
import { cloudCounts, driveFleet, prepareFleet, type LoadOptions, type LoadOutcome, type PreparedFleet } from "./cloud-load";
import { startFleetProcess } from "./fleet-process";

/** how often the plugin hands its counters to Detect in these runs */
const INTERVAL_MS = 200;

export interface MosquittoLoadOutcome extends LoadOutcome {
	/** the ReportAudit's totals (delivered/evaluated/failed/missing) */
	audit: ReportTotals;
	/** the plugin's report count summed over the fleet, and the things it counted for */
	brokerReports: number;
	brokerThings: number;
	/** the things whose broker count differs from their evaluated count */
	mismatched: string[];
}

async function until(cond: () => boolean, limitMs: number): Promise<void> {
	const end = performance.now() + limitMs;
	while (!cond() && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** Runs the load through mosquitto with the plugin; with `prepared` its certificates are used and its dir is left. */
export async function runMosquittoLoad(o: LoadOptions, prepared?: PreparedFleet): Promise<MosquittoLoadOutcome> {
	const files = prepared ?? prepareFleet(o.devices, o.prefix);
	const { pkiDir, creds, certsMs } = files;
	ensureServerCertificate(pkiDir);
	const port = await freePort();
	const conf = writeMosquittoConf({ port, pkiDir, outDir: join(files.dir, "mosquitto-plugin"), user: userInfo().username, plugin: { intervalMs: INTERVAL_MS } });
	const broker = await launchMosquitto(port, conf.conf);
	const logs: string[] = [];
	const fleet = startFleetProcess();
	try {
		const cloud = await startCloud({
			dataDir: ":memory:", pkiDir, clock: new VirtualClock(Date.UTC(2026, 0, 1)), minReportIntervalSeconds: 0,
			broker: { url: `mqtts://127.0.0.1:${port}`, plugin: true }, log: (s) => logs.push(s),
		});
		try {
			const { connected, connectMs, rounds, alertLatencies, cloudReplies, violationEvents } = await driveFleet(cloud, fleet, creds, port, o);
			const audit = cloud.reportAudit();
			if (!audit) throw new Error("the cloud in mosquitto mode has no report audit");
			const things = [...creds.certs.keys()];
			const expected = o.devices * (o.sustainedRounds + 1);
			const brokerSum = (): number => things.reduce((a, t) => a + (audit.counts(t).broker ?? 0), 0);
			// the last counters reach Detect one hand-over interval (or a few, under load) after the last report
			await until(() => brokerSum() >= expected, 10_000 + 20 * INTERVAL_MS);
			await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS)); // nothing counted twice after that
			const { accepted, rejected } = cloudCounts(cloud, things);
			const counts = things.map((t) => audit.counts(t));
			return {
				connected, rounds, cloudReplies: cloudReplies(), cloudAccepted: accepted, cloudRejected: rejected, violationEvents: violationEvents(), alertLatencies, logs,
				timings: { certsMs, connectMs },
				audit: audit.totals(),
				brokerReports: brokerSum(),
				brokerThings: counts.filter((c) => c.broker !== undefined).length,
				mismatched: counts.filter((c) => c.broker !== c.evaluated).map((c) => `${c.thing}: broker ${c.broker}, evaluated ${c.evaluated}`),
			};
		} finally {
			await fleet.close().catch(() => fleet.kill());
			await cloud.stop();
		}
	} finally {
		fleet.kill();
		await broker.stop();
		if (!prepared) files.cleanup();
	}
}
