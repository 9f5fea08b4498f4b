/*
 * schema — the device metrics report (spec §1) as JSON Schema, generated once for long keys and once for
 * short keys from one key table. A report uses ONE spelling throughout: a document mixing `header` and
 * `met` (or any long and short pair) is malformed. Custom metric value keys have only long forms.
 */

import { LIMITS } from "../../modules/facts/facts";
import { isRemoteAddr } from "../../modules/report/ip";

export type KeyStyle = "long" | "short";

/** (long, short) pairs for every report key that has both spellings. */
export const KEYS = {
	header: "hed",
	report_id: "rid",
	version: "v",
	metrics: "met",
	custom_metrics: "cmet",
	tcp_connections: "tc",
	established_connections: "ec",
	connections: "cs",
	remote_addr: "rad",
	local_port: "lp",
	local_interface: "li",
	total: "t",
	listening_tcp_ports: "tp",
	listening_udp_ports: "up",
	ports: "pts",
	port: "pt",
	interface: "if",
	network_stats: "ns",
	bytes_in: "bi",
	bytes_out: "bo",
	packets_in: "pi",
	packets_out: "po",
} as const;

export type LongKey = keyof typeof KEYS;

type Schema = Record<string, unknown>;

/**
 * The ajv format of `remote_addr`: "a.b.c.d:port" or "[ipv6]:port" (spec §1.3; the Python agent's
 * IPv6 form), port 0..65535 — modules/report/ip.ts, the rule the firmware writes by. Register it with
 * `ajv.addFormat(REMOTE_ADDR, REMOTE_ADDR_FORMAT)` before compiling reportSchema.
 */
export const REMOTE_ADDR = "remote-addr";
export const REMOTE_ADDR_FORMAT = { type: "string", validate: isRemoteAddr } as const;

const nonNegative: Schema = { type: "number", minimum: 0 };
const portNumber: Schema = { type: "integer", minimum: 0, maximum: 65535 };

function object(properties: Schema, required: string[] = []): Schema {
	return { type: "object", properties, required, additionalProperties: false };
}

function customMetricSchema(): Schema {
	const one = (key: string, value: Schema): Schema => object({ [key]: value }, [key]);
	return {
		type: "object",
		propertyNames: { pattern: "^(?!aws:)[a-zA-Z0-9:_-]{1,128}$" },
		additionalProperties: {
			type: "array",
			minItems: 1,
			maxItems: 1,
			items: {
				oneOf: [
					one("number", { type: "number" }),
					one("number_list", { type: "array", items: { type: "number" } }),
					one("string_list", { type: "array", items: { type: "string" } }),
					one("ip_list", { type: "array", items: { type: "string" } }),
				],
			},
		},
	};
}

/** JSON Schema of a report written with `style` keys. */
export function reportSchema(style: KeyStyle): Schema {
	const k = (key: LongKey): string => (style === "long" ? key : KEYS[key]);
	const listening = object({
		[k("ports")]: { type: "array", items: object({ [k("port")]: portNumber, [k("interface")]: { type: "string" } }) },
		[k("total")]: nonNegative,
	});
	const metrics = object({
		[k("tcp_connections")]: object({
			[k("established_connections")]: object({
				[k("connections")]: {
					type: "array",
					items: object(
						{ [k("remote_addr")]: { type: "string", format: REMOTE_ADDR }, [k("local_port")]: portNumber, [k("local_interface")]: { type: "string" } },
						[k("remote_addr")],
					),
				},
				[k("total")]: nonNegative,
			}),
		}),
		[k("listening_tcp_ports")]: listening,
		[k("listening_udp_ports")]: listening,
		[k("network_stats")]: object({
			[k("bytes_in")]: nonNegative,
			[k("bytes_out")]: nonNegative,
			[k("packets_in")]: nonNegative,
			[k("packets_out")]: nonNegative,
		}),
	});
	const header = object({ [k("report_id")]: { type: "integer", minimum: 1, maximum: LIMITS.maxReportId }, [k("version")]: { type: "string", pattern: "^[0-9]+\\.[0-9]+$" } }, [
		k("report_id"),
		k("version"),
	]);
	return {
		...object({ [k("header")]: header, [k("metrics")]: metrics, [k("custom_metrics")]: customMetricSchema() }, [k("header")]),
		anyOf: [{ required: [k("metrics")] }, { required: [k("custom_metrics")] }],
	};
}
