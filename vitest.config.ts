import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/**/*.test.ts"],
		reporters: ["default", "./test/reporters/summary.ts"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// interop and e2e tests start real brokers on loopback ports; keep files from fighting over CPU
		maxWorkers: 2,
		coverage: {
			provider: "v8",
			include: ["modules/**/*.ts"],
			exclude: ["modules/**/*.d.ts"],
			reporter: ["text-summary", "text"],
			thresholds: { lines: 95, branches: 95 },
		},
	},
});
