/*
 * payload — a report's bytes for the agent: the full model (driver lists with their true totals,
 * pending deltas, custom metrics), its lists cut to fit maxReportBytes; network_stats only when the driver throws or its lists or a collector's values make
 * the report unencodable; nothing when even that fails. Every failure is counted and logged.
 */
import type { NetDriver } from "../netdriver/netdriver";
import type { Log } from "../platform/platform";
import type { ReportFormat, ReportModel } from "../report/report";
import { encodeReport } from "../report/report";
import type { NetStats } from "../sampler/sampler";
import { describe } from "./errors";
import type { CustomMetrics } from "./metrics";
import type { AgentStatus } from "./status";

/** What a report is made from; the agent passes its own parts (a short-lived object per report). */
export interface PayloadSources {
	driver: NetDriver;
	metrics: CustomMetrics;
	format: ReportFormat;
	maxListSize: number;
	/** Largest report in bytes (the MQTT client's payload limit): lists are cut to fit. */
	maxReportBytes: number;
	status: AgentStatus;
	log: Log;
}

/** The encoded report, or undefined when not even network_stats could be encoded (the deltas stay pending). */
export function reportPayload(src: PayloadSources, id: number, stats: NetStats): Uint8Array | undefined {
	const options = { maxListSize: src.maxListSize, maxBytes: src.maxReportBytes };
	try {
		return encodeReport(model(src, id, stats), src.format, options);
	} catch (error) {
		src.status.encodeFailures++;
		src.log(`defender: report ${id} could not be encoded (${describe(error)}); sending network_stats only`);
	}
	try {
		return encodeReport({ reportId: id, networkStats: stats }, src.format, options);
	} catch (error) {
		src.status.encodeFailures++;
		src.log(`defender: report ${id} not sent: even network_stats alone could not be encoded (${describe(error)}); deltas carried into the next report`);
		return undefined;
	}
}

function model(src: PayloadSources, id: number, stats: NetStats): ReportModel {
	const { driver } = src;
	const tcp = driver.listeningTcpPorts();
	const udp = driver.listeningUdpPorts();
	const connections = driver.establishedConnections();
	const totals = tcp.total ?? udp.total ?? connections.total;
	return {
		reportId: id,
		listeningTcpPorts: tcp,
		listeningUdpPorts: udp,
		connections,
		totals: totals === undefined ? undefined : { listeningTcpPorts: tcp.total, listeningUdpPorts: udp.total, connections: connections.total },
		networkStats: stats,
		customMetrics: src.metrics.collect((name, message) => {
			src.status.collectorsFailed++;
			src.log(`defender: custom metric ${name} omitted: ${message}`);
		}),
	};
}
