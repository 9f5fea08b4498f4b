/*
 * mosquitto-peer — the same fleet (same certificates, same client ids, same report payloads) against a plain
 * mosquitto with mutual TLS on 127.0.0.1, measuring publish→PUBACK: the broker-only baseline printed beside
 * the cloud's publish→reply by bench/cloud-load.bench.ts. No cloud is attached, so there are no replies.
 */
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { ensureServerCertificate } from "../../cloud/pki";
import { freePort, launchMosquitto } from "../helpers/mosquitto";
import type { PreparedFleet } from "./cloud-load";
import { startFleetProcess, type FleetRound } from "./fleet-process";

export interface PeerOutcome {
	connected: number;
	rounds: FleetRound[];
	connectMs: number;
}

function config(p: PreparedFleet, port: number): string {
	const tls = ensureServerCertificate(p.pkiDir);
	const path = join(p.dir, "mosquitto-peer.conf");
	writeFileSync(path, [
		`user ${userInfo().username}`,
		`listener ${port} 127.0.0.1`,
		`cafile ${tls.caPem}`,
		`certfile ${tls.certPem}`,
		`keyfile ${tls.keyPem}`,
		"require_certificate true",
		"use_identity_as_username true",
		"allow_anonymous false",
		"persistence false",
		"max_connections -1",
		"log_dest stderr",
		"log_type error",
		"",
	].join("\n"));
	return path;
}

/** Connects the prepared fleet to a fresh mosquitto and runs `rounds` rounds timed to PUBACK. */
export async function runMosquittoPeer(p: PreparedFleet, rounds: number, roundLimitMs = 60_000): Promise<PeerOutcome> {
	const port = await freePort();
	const broker = await launchMosquitto(port, config(p, port));
	const fleet = startFleetProcess();
	try {
		const t0 = performance.now();
		const connected = await fleet.connect({ port, ca: p.creds.ca, key: p.creds.key, certs: [...p.creds.certs], connectTimeoutMs: 120_000 });
		const connectMs = performance.now() - t0;
		const out: FleetRound[] = [];
		for (let k = 0; k < rounds; k++) out.push(await fleet.round(k + 1, roundLimitMs, "puback"));
		return { connected, rounds: out, connectMs };
	} finally {
		await fleet.close().catch(() => fleet.kill());
		fleet.kill();
		await broker.stop();
	}
}
