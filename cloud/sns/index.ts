/*
 * sns — the SNS subset of the API server (docs/api.md "SNS"): topics and subscriptions persisted in the
 * cloud's database, deliveries through the outbox, e-mail over SMTP (nodemailer) to the relay the user
 * configures, and the Device Defender alerts of profiles whose alertTargets.SNS names a topic.
 */
import { createTransport } from "nodemailer";
import type { Clock } from "../../modules/platform/platform";
import type { Cloud } from "../cloud";
import type { Registry } from "../detect/registry";
import { CloudError } from "../errors";
import type { CloudStore } from "../store";
import type { Mailer } from "./sns-delivery";
import { SnsService } from "./sns-service";
import { SnsStore } from "./sns-store";

export interface SnsOptions {
	/** SMTP relay for email/email-json subscribers: smtp://user:pass@host:port (STARTTLS when offered) or smtps://… */
	smtp?: string;
	/** PEM CA(s) the relay's certificate must chain to (STARTTLS or smtps://); default: the system's */
	smtpCa?: string;
	/** From: of the mails (default no-reply@sns.local) */
	mailFrom?: string;
	/** first back-off after a failed delivery (default 1000 ms), doubled per failure up to maxBackoffMs (default 300,000) */
	backoffMs?: number;
	maxBackoffMs?: number;
	/** one HTTP POST or SMTP exchange may take this long (default 10,000 ms) */
	timeoutMs?: number;
}

export interface SnsDeps {
	cloud: Cloud;
	registry: Registry;
	store: CloudStore;
	clock: Clock;
	log: (s: string) => void;
	baseUrl: () => string;
}

function mailer(options: SnsOptions): Mailer | undefined {
	if (options.smtp === undefined) return undefined;
	let url: URL;
	try {
		url = new URL(options.smtp);
	} catch {
		throw new CloudError("BadInput", `SMTP relay "${options.smtp}" is not a URL (smtp://user:pass@host:port)`);
	}
	if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new CloudError("BadInput", `SMTP relay must be smtp:// or smtps://, got ${url.protocol}`);
	const timeout = options.timeoutMs ?? 10_000;
	const transport = createTransport({ url: options.smtp, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout, ...(options.smtpCa ? { tls: { ca: options.smtpCa } } : {}) });
	return { transport, from: options.mailFrom ?? "no-reply@sns.local" };
}

/** Builds the SNS service and feeds it the alerts of profiles with an SNS alert target. */
export function startSns(deps: SnsDeps, options: SnsOptions = {}): SnsService {
	const sns = new SnsService({
		store: new SnsStore(deps.store.database),
		table: deps.store.outbox,
		clock: deps.clock,
		log: deps.log,
		mailer: mailer(options),
		baseUrl: deps.baseUrl,
		backoffMs: options.backoffMs,
		maxBackoffMs: options.maxBackoffMs,
		timeoutMs: options.timeoutMs,
	});
	deps.cloud.onAlert((a) => {
		const arn = deps.registry.describeSecurityProfile(a.securityProfileName)?.alertTargets?.SNS?.alertTargetArn;
		if (arn === undefined) return;
		try {
			sns.alert(a, arn);
		} catch (e) {
			// never let a storage failure here reach detection
			deps.log(`sns: alert of ${a.securityProfileName} for ${a.thingName} to ${arn} not queued: ${(e as Error).message}`);
		}
	});
	return sns;
}
