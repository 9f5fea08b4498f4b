/*
 * cluster-node — one cloud process of a cluster, for cloud-cluster.test.ts: Detect state in PostgreSQL,
 * reports from an external mosquitto, things shared by partition leases. Started by the test in its own Node
 * process (so it can be SIGKILLed); every log line goes to stdout; "READY" once started.
 * argv: pkiDir database brokerUrl node leaseMs
 */
import { startCloud } from "../../cloud/index";

const [pkiDir, database, url, node, leaseMs] = process.argv.slice(2);
const cloud = await startCloud({
	pkiDir,
	dataDir: ":memory:",
	database,
	broker: { url },
	cluster: { node, leaseMs: Number(leaseMs) },
	minReportIntervalSeconds: 0,
	alerts: { stdout: false },
	log: (s) => process.stdout.write(s + "\n"),
});
process.stdout.write("READY\n");
process.on("SIGTERM", () => void cloud.stop().then(() => process.exit(0)));
