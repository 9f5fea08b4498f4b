/*
 * sns-xml — the XML of the AWS query protocol as SNS answers it: <ActionResponse> with <ActionResult> and
 * <ResponseMetadata><RequestId>, and <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
 */
const NS = "http://sns.amazonaws.com/doc/2010-03-31/";

export type XmlValue = string | XmlValue[] | { [name: string]: XmlValue | undefined };

export function escapeXml(s: string): string {
	return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

/** Elements of a value: a string is text, an object named children, an array a list of <member>s. */
function render(v: XmlValue): string {
	if (typeof v === "string") return escapeXml(v);
	if (Array.isArray(v)) return v.map((m) => `<member>${render(m)}</member>`).join("");
	return Object.entries(v)
		.filter((e): e is [string, XmlValue] => e[1] !== undefined)
		.map(([k, c]) => `<${k}>${render(c)}</${k}>`)
		.join("");
}

export function responseXml(action: string, result: XmlValue | undefined, requestId: string): string {
	const body = result === undefined ? "" : `<${action}Result>${render(result)}</${action}Result>`;
	return `<?xml version="1.0"?>\n<${action}Response xmlns="${NS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`;
}

export function errorXml(type: "Sender" | "Receiver", code: string, message: string, requestId: string): string {
	return `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>\n`;
}
