import { describe, expect, it } from "vitest";
import { AgentError } from "../../modules/defender/errors";
import { rig } from "../helpers/agent-setup";

const INTERVAL = 300_000;

describe("agent custom metrics", () => {
	it("reports the four kinds through the typed API, in every report", () => {
		const r = rig();
		let n = 1;
		r.agent.addNumber("uptime", () => n++);
		r.agent.addNumberList("temps", () => [1.5, -2]);
		r.agent.addStringList("mode", () => ["idle", "a:b_c-d/e.f"]);
		r.agent.addIpList("peers", () => ["192.0.2.7", "2001:db8::1"]);
		r.agent.start();
		r.clock.advance(INTERVAL * 2);
		const [a, b] = r.reports();
		expect(a.doc.custom_metrics).toEqual({ uptime: [{ number: 1 }], temps: [{ number_list: [1.5, -2] }], mode: [{ string_list: ["idle", "a:b_c-d/e.f"] }], peers: [{ ip_list: ["192.0.2.7", "2001:db8::1"] }] });
		expect(b.doc.custom_metrics.uptime).toEqual([{ number: 2 }]);
	});

	it("validates names at registration with the report module's rules", () => {
		const r = rig();
		expect(() => r.agent.addNumber("aws:cpu", () => 1)).toThrow(AgentError);
		expect(() => r.agent.addNumber("", () => 1)).toThrow(/BadMetricName/);
		expect(() => r.agent.addNumber("has space", () => 1)).toThrow(/BadMetricName/);
		expect(() => r.agent.addNumber("x".repeat(129), () => 1)).toThrow(/BadMetricName/);
		r.agent.addNumber("ok", () => 1);
		expect(() => r.agent.addNumberList("ok", () => [])).toThrow(/DuplicateMetric/);
		expect(() => r.agent.addNumber("fn", 5 as never)).toThrow(/BadOption/);
	});

	it("a collector that throws or returns a bad value is omitted, logged and counted; the report goes out", () => {
		const r = rig();
		r.agent.addNumber("good", () => 7);
		r.agent.addNumber("throws", () => {
			throw new Error("sensor gone");
		});
		r.agent.addNumber("nan", () => Number.NaN);
		r.agent.addNumber("throwsString", () => {
			throw "bare string";
		});
		r.agent.addNumber("text", () => "7" as never);
		r.agent.addIpList("badip", () => ["999.1.1.1"]);
		r.agent.addNumberList("long", () => new Array(51).fill(1));
		r.agent.addStringList("notlist", () => "a" as never);
		r.agent.start();
		r.driver.traffic(1, 2);
		r.clock.advance(INTERVAL);
		expect(r.reports()).toHaveLength(1);
		expect(r.last().doc.custom_metrics).toEqual({ good: [{ number: 7 }] });
		expect(r.last().bytesOut).toBe(2);
		expect(r.agent.status.collectorsFailed).toBe(7);
		expect(r.logs.join("\n")).toMatch(/custom metric throws omitted: sensor gone/);
		expect(r.logs.join("\n")).toMatch(/custom metric throwsString omitted: bare string/);
	});

	it("leaves the custom block out when every collector fails", () => {
		const r = rig();
		r.agent.addNumber("bad", () => Number.POSITIVE_INFINITY);
		r.agent.start();
		r.clock.advance(INTERVAL);
		expect(r.last().doc).not.toHaveProperty("custom_metrics");
		expect(r.last().doc.metrics).toBeDefined();
	});

	it("a driver list the encoder refuses still lets the network stats go out", () => {
		const r = rig({ format: "json-short" });
		r.driver.tcp = [{ port: 70000 }];
		r.agent.addNumber("n", () => 1);
		r.agent.start();
		r.driver.traffic(4, 5);
		r.clock.advance(INTERVAL);
		expect(r.agent.status.encodeFailures).toBe(1);
		expect(r.logs.join()).toMatch(/could not be encoded.*BadPort.*network_stats only/);
		expect(r.last().doc).toEqual({ hed: { rid: r.last().id, v: "1.0" }, met: { ns: { bi: 4, bo: 5, pi: 1, po: 1 } } });
	});

	it("lists ports and connections from the driver, capped by maxListSize with the true total", () => {
		const r = rig({ maxListSize: 2 });
		r.driver.tcp = [{ port: 1 }, { port: 2 }, { port: 3 }];
		r.driver.udp = [{ port: 53, interface: "st1" }];
		r.agent.start();
		r.clock.advance(INTERVAL);
		const m = r.last().doc.metrics;
		expect(m.listening_tcp_ports.total).toBe(3);
		expect(m.listening_tcp_ports.ports).toHaveLength(2);
		expect(m.listening_udp_ports).toEqual({ ports: [{ port: 53, interface: "st1" }], total: 1 });
		expect(m.tcp_connections.established_connections.total).toBe(1);
	});
});
