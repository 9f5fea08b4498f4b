/* The query protocol's XML: results, lists of <member>, escaping, the error shape. */
import { describe, expect, it } from "vitest";
import { errorXml, responseXml } from "../../cloud/sns/sns-xml";

describe("SNS XML", () => {
	it("wraps a result, renders lists as members and escapes text", () => {
		const xml = responseXml("ListTopics", { Topics: [{ TopicArn: "a<&>'\"" }, { TopicArn: "b" }] }, "r1");
		expect(xml).toContain(
			'<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics><member><TopicArn>a&lt;&amp;&gt;&apos;&quot;</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics></ListTopicsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListTopicsResponse>',
		);
		expect(responseXml("DeleteTopic", undefined, "r2")).not.toContain("DeleteTopicResult");
		expect(responseXml("Publish", { MessageId: "m", Subject: undefined }, "r3")).toContain("<PublishResult><MessageId>m</MessageId></PublishResult>");
	});

	it("writes the error shape", () => {
		expect(errorXml("Sender", "NotFound", "Topic <x> does not exist", "r4")).toContain(
			"<Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic &lt;x&gt; does not exist</Message></Error><RequestId>r4</RequestId></ErrorResponse>",
		);
	});
});
