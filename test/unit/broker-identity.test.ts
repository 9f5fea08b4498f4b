/* decideIdentity: CN = client id, or a registered ACTIVE certificate attached to the client id's thing. */
import { describe, expect, it } from "vitest";
import { CertificateSessions, decideIdentity, type CertificateIdentity } from "../../cloud/broker/identity";

const registry = (status: Record<string, string>, attached: [string, string][]): CertificateIdentity => ({
	status: (id) => status[id],
	attached: (id, thing) => attached.some(([c, t]) => c === id && t === thing),
});

/** [CONNACK code, thing counted against] of a refusal; [0, thing] of an acceptance. */
const outcome = (v: ReturnType<typeof decideIdentity>): [number, string | undefined] => ("refused" in v ? [v.returnCode, v.blame] : [0, v.thing]);

describe("decideIdentity", () => {
	const r = registry({ a: "ACTIVE", i: "INACTIVE", v: "REVOKED", p: "PENDING_TRANSFER" }, [["a", "dev"], ["i", "dev"], ["v", "dev"]]);

	it("accepts CN = client id (unregistered) and an ACTIVE certificate attached to the client id", () => {
		expect(decideIdentity("dev", "dev", "x", r)).toEqual({ thing: "dev" });
		expect(decideIdentity("dev", "dev", "x", undefined)).toEqual({ thing: "dev" });
		expect(decideIdentity("dev", "AWS IoT Certificate", "a", r)).toEqual({ thing: "dev" });
	});

	it("refuses a registered certificate that is not ACTIVE, even when CN = client id", () => {
		for (const id of ["i", "v", "p"]) {
			expect(outcome(decideIdentity("dev", "dev", id, r))).toEqual([5, "dev"]);
			expect(outcome(decideIdentity("dev", "AWS IoT Certificate", id, r))).toEqual([5, "dev"]);
		}
	});

	it("refuses an unattached client id, a CN mismatch and a client id that is no thing name", () => {
		expect(decideIdentity("other", "AWS IoT Certificate", "a", r)).toEqual({ refused: "certificate a is not attached to thing other", returnCode: 5, blame: "other" });
		expect(outcome(decideIdentity("other", "dev", "x", r))).toEqual([2, "dev"]);
		expect(outcome(decideIdentity("dev", "AWS IoT Certificate", "x", r))).toEqual([5, undefined]);
		expect(outcome(decideIdentity("dev", "AWS IoT Certificate", "a", undefined))).toEqual([5, undefined]);
		expect(outcome(decideIdentity("a/b", "a/b", "x", r))).toEqual([5, undefined]);
		expect(outcome(decideIdentity("#", "AWS IoT Certificate", "a", r))).toEqual([5, undefined]);
	});
});

describe("CertificateSessions", () => {
	it("lists live clients per certificate and forgets a removed one", () => {
		const s = new CertificateSessions<string>();
		const r1 = s.add("c", "one");
		s.add("c", "two");
		expect(s.clients("c")).toEqual(["one", "two"]);
		r1();
		r1();
		expect([s.clients("c"), s.clients("none")]).toEqual([["two"], []]);
	});
});
