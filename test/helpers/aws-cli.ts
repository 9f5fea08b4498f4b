/*
 * aws-cli — Debian's /usr/bin/aws (botocore's own serializers) run against our API the way a user would
 * with environment credentials only: no user config or credentials file, no pager, one attempt.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const AWS = "/usr/bin/aws";

export interface AwsKey {
	accessKeyId: string;
	secretAccessKey: string;
}

export interface AwsCliResult {
	code: number;
	json: Record<string, unknown>;
	stderr: string;
}

/** The environment of an aws CLI call: `home` (a temporary folder) holds no config; the key and region are given. */
export function awsCliEnv(home: string, key: AwsKey, region = "us-east-1"): Record<string, string> {
	return {
		PATH: process.env.PATH ?? "/usr/bin:/bin",
		HOME: home,
		AWS_CONFIG_FILE: join(home, "no-config"),
		AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
		AWS_ACCESS_KEY_ID: key.accessKeyId,
		AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
		AWS_DEFAULT_REGION: region,
		AWS_MAX_ATTEMPTS: "1",
		AWS_PAGER: "",
	};
}

export interface AwsCliTarget {
	home: string;
	/** the API's base URL (--endpoint-url) */
	url: string;
	key: AwsKey;
	region?: string;
}

/** `aws <service> <args> --endpoint-url … --output json`: its exit code, parsed output and stderr (never throws). */
export async function awsCliRun(service: "iot" | "sns", args: string[], t: AwsCliTarget): Promise<AwsCliResult> {
	try {
		const { stdout, stderr } = await run(AWS, [service, ...args, "--endpoint-url", t.url, "--output", "json"], { env: awsCliEnv(t.home, t.key, t.region), timeout: 120_000 });
		return { code: 0, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr };
	} catch (e) {
		const err = e as { code?: number; stderr?: string };
		return { code: typeof err.code === "number" ? err.code : -1, json: {}, stderr: err.stderr ?? String(e) };
	}
}

/** The parsed output of a call that must succeed; a failure throws with the CLI's stderr. */
export async function awsCli(service: "iot" | "sns", args: string[], t: AwsCliTarget): Promise<Record<string, unknown>> {
	const r = await awsCliRun(service, args, t);
	if (r.code !== 0) throw new Error(`aws ${service} ${args[0] ?? ""} exited ${r.code}: ${r.stderr}`);
	return r.json;
}
