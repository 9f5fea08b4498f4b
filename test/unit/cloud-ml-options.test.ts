/* ML Detect's training rules: AWS's defaults, refusals with a clear message, and the CLI's start options. */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../modules/facts/facts";
import { parseArgs, UsageError } from "../../cloud/cli-args";
import { mlOption } from "../../cloud/cli-ml";
import { mlSettings } from "../../cloud/detect/ml/options";

describe("ML training rules", () => {
	it("default to AWS's: 14 days, 25,000 datapoints, daily refresh, 30 days of retries", () => {
		expect(mlSettings()).toEqual({ trainingDays: 14, minDatapoints: 25_000, refreshHours: 24, retryDays: 30 });
		expect(mlSettings({ trainingDays: 2, minDatapoints: 100 })).toMatchObject({ trainingDays: 2, minDatapoints: 100, refreshHours: 24 });
	});

	it.each([
		[{ trainingDays: LIMITS.metricRetentionDays + 1 }, `ml.trainingDays must be a number in (0, ${LIMITS.metricRetentionDays}], got 15`],
		[{ trainingDays: 0 }, "ml.trainingDays must be a number in (0, 14], got 0"],
		[{ minDatapoints: -5 }, "ml.minDatapoints must be a number in (0, 9007199254740991], got -5"],
		[{ refreshHours: Number.NaN }, "ml.refreshHours must be a number in (0, 8760], got NaN"],
	])("refuses %o", (options, message) => {
		expect(() => mlSettings(options)).toThrow(message);
	});

	it("start --ml-training-days / --ml-min-datapoints", () => {
		expect(mlOption(parseArgs(["start"]))).toBeUndefined();
		expect(mlOption(parseArgs(["start", "--ml-training-days", "0.5", "--ml-min-datapoints", "300"]))).toEqual({ trainingDays: 0.5, minDatapoints: 300 });
		expect(() => mlOption(parseArgs(["start", "--ml-min-datapoints", "many"]))).toThrow(UsageError);
		expect(() => mlOption(parseArgs(["start", "--ml-training-days", "0"]))).toThrow('--ml-training-days must be a positive number, got "0"');
	});
});
