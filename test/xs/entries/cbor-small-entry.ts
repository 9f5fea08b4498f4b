/*
 * cbor-small-entry — XS entry for the compact CBOR writer's parity test: encodeCborReport (validate +
 * cbor-small) on models sent from Node, on the fixtures bundled into XS, and the writer's buffer size.
 */
import { encodeCborReport } from "../../../modules/report/cbor-report";
import { writeCbor } from "../../../modules/report/cbor-small";
import type { ReportModel } from "../../../modules/report/report";
import { reportFixtures } from "../../fixtures/reports";

export function encode(model: ReportModel, maxListSize?: number): Uint8Array {
	return encodeCborReport(model, { maxListSize });
}

export function encodeMany(models: ReportModel[], maxListSize: number): Uint8Array[] {
	return models.map((m) => encodeCborReport(m, { maxListSize }));
}

export function encodeFixtures(): Uint8Array[] {
	return reportFixtures.map((f) => encodeCborReport(f.model, { maxListSize: f.maxListSize }));
}

/** Bytes the writer's buffer holds (it only grows). */
export function capacity(): number {
	return writeCbor({ reportId: 1 }, 1).buffer.byteLength;
}
