/*
 * routes-certs — certificates over the AWS IoT REST-JSON API: CreateKeysAndCertificate (signed by the
 * cloud's CA; the private key is returned once and stored nowhere), DescribeCertificate, ListCertificates,
 * UpdateCertificate, Attach/DetachThingPrincipal, ListThingPrincipals, ListPrincipalThings, DeleteCertificate, and DescribeEndpoint (iot:Data-ATS → the
 * broker's host:port). Certificate ids are the SHA-256 of the DER certificate, as AWS's.
 */
import { createHash, X509Certificate } from "node:crypto";
import { createClientCertificate } from "../pki";
import { certificateArn, type ApiContext } from "./context";
import { ApiError, invalid, notFound } from "./errors";
import { boolQuery, page, requiredQuery, seconds } from "./params";
import type { Call, Routes } from "./router";
import type { CertificateRecord, CertificateStatus } from "./store-certs";

const ENDPOINT_TYPES = ["iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"];
const STATUSES: CertificateStatus[] = ["ACTIVE", "INACTIVE", "REVOKED", "PENDING_TRANSFER", "REGISTER_INACTIVE", "PENDING_ACTIVATION"];
/** Subject of the certificates CreateKeysAndCertificate issues (AWS's are unbound to a thing as well). */
const API_CERTIFICATE_CN = "AWS IoT Certificate";

function certificate(ctx: ApiContext, id: string): CertificateRecord {
	const c = ctx.certificates.get(id);
	if (!c) throw notFound(`certificate ${id} does not exist`);
	return c;
}

function createKeys(ctx: ApiContext, c: Call): object {
	const issued = createClientCertificate(ctx.pkiDir, API_CERTIFICATE_CN);
	const id = createHash("sha256").update(issued.certDer).digest("hex");
	ctx.certificates.add(id, issued.certPem, boolQuery(c, "setAsActive") ? "ACTIVE" : "INACTIVE", ctx.clock.now());
	return { certificateArn: certificateArn(id), certificateId: id, certificatePem: issued.certPem, keyPair: { PublicKey: issued.publicKeyPem, PrivateKey: issued.keyPem } };
}

function describe(ctx: ApiContext, id: string): object {
	const c = certificate(ctx, id);
	const x509 = new X509Certificate(c.certificatePem);
	return {
		certificateDescription: {
			certificateArn: certificateArn(id),
			certificateId: id,
			status: c.status,
			certificatePem: c.certificatePem,
			ownedBy: "000000000000",
			creationDate: seconds(c.created),
			lastModifiedDate: seconds(c.modified),
			customerVersion: 1,
			generationId: id.slice(0, 32),
			validity: { notBefore: seconds(Date.parse(x509.validFrom)), notAfter: seconds(Date.parse(x509.validTo)) },
			certificateMode: "DEFAULT",
		},
	};
}

function list(ctx: ApiContext, c: Call): object {
	const all = ctx.certificates.list();
	if (boolQuery(c, "isAscendingOrder") === false) all.reverse();
	const { items, nextToken } = page(c, all, "pageSize", "marker");
	const certificates = items.map((r) => ({ certificateArn: certificateArn(r.certificateId), certificateId: r.certificateId, status: r.status, certificateMode: "DEFAULT", creationDate: seconds(r.created) }));
	return { certificates, nextMarker: nextToken };
}

function update(ctx: ApiContext, c: Call): object {
	const id = certificate(ctx, c.params.certificateId).certificateId;
	const status = requiredQuery(c, "newStatus") as CertificateStatus;
	if (!STATUSES.includes(status)) throw invalid(`newStatus must be one of ${STATUSES.join(", ")}`);
	ctx.certificates.setStatus(id, status, ctx.clock.now());
	return {};
}

/** The certificate named by the x-amzn-principal header (a certificate ARN). */
function principal(ctx: ApiContext, c: Call): string {
	const header = c.headers["x-amzn-principal"];
	const m = typeof header === "string" ? /^arn:aws:iot:[a-z0-9-]*:[0-9]*:cert\/([0-9a-f]{64})$/.exec(header) : null;
	if (!m) throw invalid("principal must be a certificate ARN (arn:aws:iot:…:cert/<id>)");
	return certificate(ctx, m[1]).certificateId;
}

function existingThing(ctx: ApiContext, c: Call): string {
	const thing = c.params.thingName;
	if (!ctx.things.get(thing)) throw notFound(`thing ${thing} does not exist`);
	return thing;
}

function attach(ctx: ApiContext, c: Call): object {
	const thing = existingThing(ctx, c);
	ctx.certificates.attach(principal(ctx, c), thing);
	return {};
}

function detach(ctx: ApiContext, c: Call): object {
	const thing = existingThing(ctx, c);
	const id = principal(ctx, c);
	if (!ctx.certificates.detach(id, thing)) throw notFound(`certificate ${id} is not attached to thing ${thing}`);
	return {};
}

function remove(ctx: ApiContext, c: Call): object {
	const cert = certificate(ctx, c.params.certificateId);
	if (cert.status === "ACTIVE") throw new ApiError(406, "CertificateStateException", "Certificate must be deactivated (not ACTIVE) before deletion.");
	const things = ctx.certificates.thingsOf(cert.certificateId);
	if (things.length > 0) throw new ApiError(409, "DeleteConflictException", `Things must be detached before deletion (${things.join(", ")})`);
	ctx.certificates.delete(cert.certificateId);
	return {};
}

export function certificateRoutes(ctx: ApiContext): Routes {
	return {
		"POST /keys-and-certificate": (c) => createKeys(ctx, c),
		"GET /certificates/{certificateId}": (c) => describe(ctx, c.params.certificateId),
		"GET /certificates": (c) => list(ctx, c),
		"PUT /certificates/{certificateId}": (c) => update(ctx, c),
		"DELETE /certificates/{certificateId}": (c) => remove(ctx, c),
		"PUT /things/{thingName}/principals": (c) => attach(ctx, c),
		"DELETE /things/{thingName}/principals": (c) => detach(ctx, c),
		"GET /things/{thingName}/principals": (c) => {
			const { items, nextToken } = page(c, ctx.certificates.certificatesOf(existingThing(ctx, c)).map(certificateArn));
			return { principals: items, nextToken };
		},
		"GET /principals/things": (c) => {
			const { items, nextToken } = page(c, ctx.certificates.thingsOf(principal(ctx, c)));
			return { things: items, nextToken };
		},
		"GET /endpoint": (c) => {
			const type = c.query.get("endpointType") ?? "iot:Data";
			if (!ENDPOINT_TYPES.includes(type)) throw invalid(`endpointType must be one of ${ENDPOINT_TYPES.join(", ")}`);
			if (type !== "iot:Data-ATS" && type !== "iot:Data") throw invalid(`endpoint ${type} is not served by this cloud`);
			return { endpointAddress: ctx.brokerEndpoint() };
		},
	};
}
