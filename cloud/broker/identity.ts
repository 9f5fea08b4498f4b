/*
 * identity — who a mutual-TLS client is, beyond its certificate's CN: the certificate id (SHA-256 of the DER,
 * as AWS's certificateId) and a CertificateIdentity source (the API's certificate registry) that knows a
 * certificate's status and the things it is attached to. The CONNECT rule (docs/api.md, "Certificates and
 * the broker"):
 * - a certificate the registry knows with a status other than ACTIVE is refused;
 * - the client id (a valid thing name) is the identity when it equals the CN (`npm run cloud -- cert`), or
 *   when the registry has the certificate attached to that thing (AWS's iot:Connection.Thing.IsAttached);
 * - anything else is refused.
 */
import { createHash } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { checkThingName } from "../thing-name";

export interface CertificateIdentity {
	/** the registry's status of the certificate, undefined when the registry does not know it */
	status(certificateId: string): string | undefined;
	/** true when the certificate is attached to `thing` (AttachThingPrincipal) */
	attached(certificateId: string, thing: string): boolean;
}

/** SHA-256 (lower-case hex) of the peer certificate's DER; undefined without a peer certificate. */
export function peerCertificateId(tls: TLSSocket): string | undefined {
	const raw = tls.getPeerCertificate()?.raw;
	return raw && raw.length > 0 ? createHash("sha256").update(raw).digest("hex") : undefined;
}

/** A refusal: the reason (logged), the CONNACK code and the thing it counts against (none: not counted). */
export type IdentityVerdict = { thing: string } | { refused: string; returnCode: 2 | 5; blame?: string };

const thingOr = (name: string | undefined): string | undefined => (name !== undefined && !checkThingName(name) ? name : undefined);

/** Decides the identity of a CONNECT: client id, certificate CN and certificate id against the registry. */
export function decideIdentity(clientId: string, cn: string | undefined, certId: string | undefined, registry: CertificateIdentity | undefined): IdentityVerdict {
	const cnThing = thingOr(cn);
	const idThing = thingOr(clientId);
	const status = certId === undefined ? undefined : registry?.status(certId);
	if (status !== undefined && status !== "ACTIVE") return { refused: `certificate ${certId} is ${status}`, returnCode: 5, blame: cnThing ?? idThing };
	if (idThing !== undefined && cn === idThing) return { thing: idThing };
	if (idThing !== undefined && certId !== undefined && status === "ACTIVE" && registry?.attached(certId, idThing)) return { thing: idThing };
	if (cnThing !== undefined) return { refused: `client id ${clientId} does not match certificate CN ${cnThing}`, returnCode: 2, blame: cnThing };
	if (status !== undefined && idThing !== undefined) return { refused: `certificate ${certId} is not attached to thing ${idThing}`, returnCode: 5, blame: idThing };
	return { refused: `certificate CN ${JSON.stringify(cn)} is not a thing name and the certificate is not attached to client id ${JSON.stringify(clientId)}`, returnCode: 5 };
}

/** The live connections of each certificate, so that a status change can cut them off. */
export class CertificateSessions<C> {
	readonly #byCert = new Map<string, Set<C>>();

	add(certId: string, client: C): () => void {
		let set = this.#byCert.get(certId);
		if (!set) this.#byCert.set(certId, (set = new Set()));
		set.add(client);
		const mine = set;
		return () => {
			mine.delete(client);
			if (mine.size === 0 && this.#byCert.get(certId) === mine) this.#byCert.delete(certId);
		};
	}

	clients(certId: string): C[] {
		return [...(this.#byCert.get(certId) ?? [])];
	}
}
