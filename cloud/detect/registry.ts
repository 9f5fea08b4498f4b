/*
 * registry — security profiles, thing groups and profile attachments (targets), and the question Detect
 * asks on every datapoint: which behaviors apply to this thing? Target ARNs as in spec §6.3
 * (`arn:aws:iot:<region>:<account>:thinggroup/<g>`, `…:all/things`, `…:all/registered-things`,
 * `…:all/unregistered-things`; any region/account is accepted). Every thing connects with a certificate
 * from our CA, so every thing is registered and `all/unregistered-things` targets nobody.
 */
import { CloudError, ErrorCodes, invalidProfile } from "../errors";
import type { DetectDefinitions } from "./custom-metrics";
import { dimensionScope, type DimensionScope } from "./dimensions";
import { criteriaType, type Behavior, type SecurityProfile } from "./profile";
import { validateSecurityProfile } from "./validate";

export const ARN_PREFIX = "arn:aws:iot:local:000000000000:";
export const ALL_THINGS_ARN = `${ARN_PREFIX}all/things`;
const MAX_PROFILES_PER_TARGET = 5;

export function thingGroupArn(group: string): string {
	return `${ARN_PREFIX}thinggroup/${group}`;
}

export type Target = { kind: "all" } | { kind: "none" } | { kind: "group"; group: string };

export function parseTargetArn(arn: string): Target {
	const m = /^arn:aws:iot:[a-z0-9-]*:[0-9]*:(thinggroup\/([a-zA-Z0-9:_-]{1,128})|all\/(things|registered-things|unregistered-things))$/.exec(arn);
	if (!m) throw new CloudError(ErrorCodes.InvalidRequest, `invalid security profile target ARN ${arn}`);
	if (m[2]) return { kind: "group", group: m[2] };
	return m[3] === "unregistered-things" ? { kind: "none" } : { kind: "all" };
}

export interface RegistryPersistence {
	saveProfile(profile: SecurityProfile): void;
	saveTarget(profile: string, arn: string): void;
	saveMember(group: string, thing: string): void;
	saveGroup(group: string): void;
}

/** Deletions (update/delete/detach through the API); a registry without them refuses those operations. */
export interface RegistryRemovals {
	deleteProfile(name: string): void;
	deleteTarget(profile: string, arn: string): void;
	deleteGroup(group: string): void;
	deleteMember(group: string, thing: string): void;
}

/** A behavior of an attached profile, as Detect walks it. */
export interface BoundBehavior {
	profile: SecurityProfile;
	behavior: Behavior;
	/** state key prefix: profile NUL behavior NUL (the thing name follows) */
	key: string;
	static: boolean;
	statistical: boolean;
	/** the behavior's metricDimension: which messages it counts (dimensions.ts) */
	scope?: DimensionScope;
}

export class Registry {
	readonly #profiles = new Map<string, SecurityProfile>();
	readonly #targets = new Map<string, Set<string>>();
	readonly #groups = new Map<string, Set<string>>();
	readonly #store: RegistryPersistence;
	readonly #removals: RegistryRemovals | undefined;
	readonly #defs: DetectDefinitions | undefined;
	#cache = new Map<string, BoundBehavior[]>();
	#ungrouped: BoundBehavior[] | undefined;
	#durations: Set<number> | undefined;
	#windowed: Set<string> | undefined;
	/** set: MACHINE_LEARNING behaviors are refused with this message (a store ML training cannot read yet) */
	refuseMachineLearning: string | undefined;

	/** With `defs`, behaviors are validated against the account's dimensions and custom metrics (definitions.ts). */
	constructor(store: RegistryPersistence, removals?: RegistryRemovals, defs?: DetectDefinitions) {
		this.#store = store;
		this.#removals = removals;
		this.#defs = defs;
	}

	/** The dimensions and custom metrics behaviors are checked against (none: offline validation). */
	get definitions(): DetectDefinitions | undefined {
		return this.#defs;
	}

	/** Profiles with a behavior using custom metric / dimension `name` (DeleteCustomMetric, DeleteDimension refuse then). */
	profilesUsing(kind: "dimension" | "metric", name: string): string[] {
		const uses = (b: Behavior): boolean => (kind === "metric" ? b.metric === name : b.metricDimension?.dimensionName === name);
		return [...this.#profiles.values()].filter((p) => (p.behaviors ?? []).some(uses)).map((p) => p.securityProfileName);
	}

	/** Rebuild bound behaviors (a dimension's topic filters changed). */
	refresh(): void {
		this.#invalidate();
	}

	/** Loads without validating or persisting again (restart). */
	restore(profiles: SecurityProfile[], targets: [string, string][], groups: [string, string | undefined][]): void {
		for (const p of profiles) this.#profiles.set(p.securityProfileName, p);
		for (const [profile, arn] of targets) this.#targetsOf(profile).add(arn);
		for (const [group, thing] of groups) this.#membersOf(group, true, thing);
		this.#invalidate();
	}

	createThingGroup(name: string): string {
		if (!/^[a-zA-Z0-9:_-]{1,128}$/.test(name)) throw new CloudError(ErrorCodes.InvalidRequest, `invalid thing group name ${name}`);
		if (!this.#groups.has(name)) {
			this.#groups.set(name, new Set());
			this.#store.saveGroup(name);
		}
		return thingGroupArn(name);
	}

	addThingToThingGroup(thing: string, group: string): void {
		this.#membersOf(group, false).add(thing);
		this.#store.saveMember(group, thing);
		this.#invalidate();
	}

	createSecurityProfile(json: unknown): SecurityProfile {
		const errors = validateSecurityProfile(json, this.#defs);
		if (errors.length > 0) throw invalidProfile(errors);
		const profile = json as SecurityProfile;
		this.#refuseMl(profile);
		if (this.#profiles.has(profile.securityProfileName)) {
			throw new CloudError(ErrorCodes.ResourceAlreadyExists, `security profile ${profile.securityProfileName} already exists`);
		}
		this.#profiles.set(profile.securityProfileName, profile);
		this.#store.saveProfile(profile);
		this.#invalidate();
		return profile;
	}

	attachSecurityProfile(name: string, arn: string): void {
		if (!this.#profiles.has(name)) throw new CloudError(ErrorCodes.ResourceNotFound, `security profile ${name} does not exist`);
		const target = parseTargetArn(arn);
		if (target.kind === "group" && !this.#groups.has(target.group)) {
			throw new CloudError(ErrorCodes.ResourceNotFound, `thing group ${target.group} does not exist`);
		}
		const attached = [...this.#targets.entries()].filter(([, arns]) => arns.has(arn)).length;
		if (attached >= MAX_PROFILES_PER_TARGET && !this.#targetsOf(name).has(arn)) {
			throw new CloudError(ErrorCodes.LimitExceeded, `at most ${MAX_PROFILES_PER_TARGET} security profiles per target`);
		}
		this.#targetsOf(name).add(arn);
		this.#store.saveTarget(name, arn);
		this.#invalidate();
	}

	/** Replaces an existing profile with `json` (the whole profile, validated as on create). */
	updateSecurityProfile(json: unknown): SecurityProfile {
		const errors = validateSecurityProfile(json, this.#defs);
		if (errors.length > 0) throw invalidProfile(errors);
		const profile = json as SecurityProfile;
		this.#refuseMl(profile);
		this.#profile(profile.securityProfileName);
		this.#profiles.set(profile.securityProfileName, profile);
		this.#store.saveProfile(profile);
		this.#invalidate();
		return profile;
	}

	deleteSecurityProfile(name: string): void {
		this.#profile(name);
		const removals = this.#removalsOrThrow();
		this.#profiles.delete(name);
		this.#targets.delete(name);
		removals.deleteProfile(name);
		this.#invalidate();
	}

	detachSecurityProfile(name: string, arn: string): void {
		this.#profile(name);
		const removals = this.#removalsOrThrow();
		if (!this.#targetsOf(name).delete(arn)) throw new CloudError(ErrorCodes.ResourceNotFound, `security profile ${name} is not attached to ${arn}`);
		removals.deleteTarget(name, arn);
		this.#invalidate();
	}

	hasThingGroup(name: string): boolean {
		return this.#groups.has(name);
	}

	listThingGroups(): string[] {
		return [...this.#groups.keys()];
	}

	thingsInGroup(name: string): string[] {
		return [...this.#membersOf(name, false)];
	}

	groupsOf(thing: string): string[] {
		return [...this.#groups].filter(([, members]) => members.has(thing)).map(([g]) => g);
	}

	removeThingFromThingGroup(thing: string, group: string): void {
		const removals = this.#removalsOrThrow();
		if (this.#membersOf(group, false).delete(thing)) removals.deleteMember(group, thing);
		this.#invalidate();
	}

	deleteThingGroup(name: string): void {
		const removals = this.#removalsOrThrow();
		if (!this.#groups.delete(name)) return;
		removals.deleteGroup(name);
		this.#invalidate();
	}

	listSecurityProfiles(): { securityProfileName: string; targets: string[] }[] {
		return [...this.#profiles.keys()].map((n) => ({ securityProfileName: n, targets: [...this.#targetsOf(n)] }));
	}

	describeSecurityProfile(name: string): SecurityProfile | undefined {
		return this.#profiles.get(name);
	}

	/** True when profile `name` targets `thing`. */
	targets(name: string, thing: string): boolean {
		return this.#isTargeted(name, thing);
	}

	/** Things targeted by profile `name` among `candidates`. */
	targetedAmong(name: string, candidates: Iterable<string>): string[] {
		return [...candidates].filter((t) => this.#isTargeted(name, t));
	}

	/**
	 * Every behavior of every profile attached to `thing` (cached until the registry changes). Things in no
	 * thing group share one list (the profiles attached to all things), so a fleet costs no list per thing.
	 */
	behaviorsFor(thing: string): BoundBehavior[] {
		if (!this.#inSomeGroup(thing)) return (this.#ungrouped ??= this.#bind(thing));
		let bound = this.#cache.get(thing);
		if (!bound) this.#cache.set(thing, (bound = this.#bind(thing)));
		return bound;
	}

	/** The window lengths some behavior uses (durationSeconds), cached until the registry changes. */
	windowDurations(): Set<number> {
		if (!this.#durations) {
			this.#durations = new Set();
			for (const profile of this.#profiles.values()) for (const b of profile.behaviors ?? []) if (b.criteria?.durationSeconds !== undefined) this.#durations.add(b.criteria.durationSeconds);
		}
		return this.#durations;
	}

	#bind(thing: string): BoundBehavior[] {
		const bound: BoundBehavior[] = [];
		for (const profile of this.#profiles.values()) {
			if (!this.#isTargeted(profile.securityProfileName, thing)) continue;
			for (const behavior of profile.behaviors ?? []) {
				const type = criteriaType(behavior);
				const key = `${profile.securityProfileName}\u0000${behavior.name}\u0000`;
				bound.push({ profile, behavior, key, static: type === "STATIC", statistical: type === "STATISTICAL", scope: this.#scope(behavior) });
			}
		}
		return bound;
	}

	#refuseMl(profile: SecurityProfile): void {
		if (this.refuseMachineLearning === undefined) return;
		const ml = (profile.behaviors ?? []).find((b) => criteriaType(b) === "MACHINE_LEARNING");
		if (ml) throw new CloudError(ErrorCodes.InvalidRequest, `behavior ${ml.name}: ${this.refuseMachineLearning}`);
	}

	#inSomeGroup(thing: string): boolean {
		for (const members of this.#groups.values()) if (members.has(thing)) return true;
		return false;
	}

	/** Metrics some statistical behavior needs accumulated per window (cached until the registry changes). */
	statisticalMetrics(): Set<string> {
		this.#windowed ??= new Set(this.statisticalBehaviors().map((b) => b.behavior.metric!));
		return this.#windowed;
	}

	/** Every statistical behavior in any profile, with its profile. */
	statisticalBehaviors(): BoundBehavior[] {
		const out: BoundBehavior[] = [];
		for (const profile of this.#profiles.values()) {
			for (const behavior of profile.behaviors ?? []) {
				const key = `${profile.securityProfileName}\u0000${behavior.name}\u0000`;
				if (criteriaType(behavior) === "STATISTICAL") out.push({ profile, behavior, key, static: false, statistical: true, scope: this.#scope(behavior) });
			}
		}
		return out;
	}

	#scope(b: Behavior): DimensionScope | undefined {
		const md = b.metricDimension;
		if (!md || b.metric === undefined) return undefined;
		return dimensionScope(b.metric, md.dimensionName, md.operator, this.#defs?.dimension(md.dimensionName));
	}

	#profile(name: string): SecurityProfile {
		const p = this.#profiles.get(name);
		if (!p) throw new CloudError(ErrorCodes.ResourceNotFound, `security profile ${name} does not exist`);
		return p;
	}

	#removalsOrThrow(): RegistryRemovals {
		if (!this.#removals) throw new CloudError(ErrorCodes.InvalidRequest, "this registry cannot delete (no removal store)");
		return this.#removals;
	}

	#invalidate(): void {
		this.#cache.clear();
		this.#ungrouped = undefined;
		this.#durations = undefined;
		this.#windowed = undefined;
	}

	#isTargeted(profile: string, thing: string): boolean {
		for (const arn of this.#targetsOf(profile)) {
			const t = parseTargetArn(arn);
			if (t.kind === "all" || (t.kind === "group" && this.#groups.get(t.group)?.has(thing))) return true;
		}
		return false;
	}

	#targetsOf(profile: string): Set<string> {
		let set = this.#targets.get(profile);
		if (!set) this.#targets.set(profile, (set = new Set()));
		return set;
	}

	#membersOf(group: string, create: boolean, thing?: string): Set<string> {
		let set = this.#groups.get(group);
		if (!set && !create) throw new CloudError(ErrorCodes.ResourceNotFound, `thing group ${group} does not exist`);
		if (!set) this.#groups.set(group, (set = new Set()));
		if (thing !== undefined) set.add(thing);
		return set;
	}
}
