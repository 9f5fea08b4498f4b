/*
 * context — what the API's handlers work on: the running Cloud (violations, metric values, validation),
 * the Detect registry and engine it evaluates with (so a change takes effect at once), and the API's
 * own stores. `changed()` drops Detect states of behaviors that no longer apply and writes them behind.
 */
import type { Clock } from "../../modules/platform/platform";
import type { DetectCloud } from "../detect-cloud";
import type { DetectEngine } from "../detect/engine";
import { ARN_PREFIX, type Registry } from "../detect/registry";
import type { ProfileMetaStore } from "./store-registry";
import type { ThingStore } from "./store-things";
import type { CertificateStore } from "./store-certs";
import type { TagStore } from "./store-tags";

export interface ApiContext {
	cloud: DetectCloud;
	registry: Registry;
	engine: DetectEngine;
	clock: Clock;
	profiles: ProfileMetaStore;
	things: ThingStore;
	certificates: CertificateStore;
	tags: TagStore;
	pkiDir: string;
	/** the broker's host:port for DescribeEndpoint */
	brokerEndpoint: () => string;
	/** DeleteThingGroup: what else goes with the group (its policy attachments) */
	groupDeleted?: (group: string) => void;
}

export const profileArn = (name: string): string => `${ARN_PREFIX}securityprofile/${name}`;
export const thingArn = (name: string): string => `${ARN_PREFIX}thing/${name}`;
export const certificateArn = (id: string): string => `${ARN_PREFIX}cert/${id}`;
export const dimensionArn = (name: string): string => `${ARN_PREFIX}dimension/${name}`;
export const customMetricArn = (name: string): string => `${ARN_PREFIX}custommetric/${name}`;

/** After a registry change: forget states of behaviors no longer bound to their thing, persist. */
export function changed(ctx: ApiContext): void {
	const bound = (thing: string, profile: string, behavior: string): boolean =>
		ctx.registry.behaviorsFor(thing).some((b) => b.profile.securityProfileName === profile && b.behavior.name === behavior);
	ctx.engine.forget((r) => !bound(r.thing, r.profile, r.behavior));
	ctx.cloud.flush();
}
