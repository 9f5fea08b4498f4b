/*
 * routes-certs — DescribeEndpoint (iot:Data-ATS → the broker's host:port). Certificate operations are
 * added here.
 */
import type { ApiContext } from "./context";
import { invalid } from "./errors";
import type { Routes } from "./router";

const ENDPOINT_TYPES = ["iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"];

export function certificateRoutes(ctx: ApiContext): Routes {
	return {
		"GET /endpoint": (c) => {
			const type = c.query.get("endpointType") ?? "iot:Data";
			if (!ENDPOINT_TYPES.includes(type)) throw invalid(`endpointType must be one of ${ENDPOINT_TYPES.join(", ")}`);
			if (type !== "iot:Data-ATS" && type !== "iot:Data") throw invalid(`endpoint ${type} is not served by this cloud`);
			return { endpointAddress: ctx.brokerEndpoint() };
		},
	};
}
