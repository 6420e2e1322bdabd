import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import { ConfigError } from "../core/errors.js";
import type { NetworkModel } from "../sim/WorldModels.js";
import { BoundedDelayNetwork, validateTiming, type DelayBound } from "./BoundedDelayNetwork.js";
import { Network, type NetworkConfig } from "./Network.js";

// The wrapper on its own, against a scripted network and against a twin of a real one; the world
// with a `timing` setting is tested in src/world/TimingModel.test.ts.

/** A network that answers each route with the next scripted fate. */
function scripted(fates: (string | number[])[]): NetworkModel & { calls: number } {
  const net = {
    calls: 0,
    arrivals: new Float64Array(2),
    arrivalCount: 0,
    route(): string | null {
      const fate = fates[net.calls++]!;
      net.arrivalCount = typeof fate === "string" ? 0 : fate.length;
      if (typeof fate === "string") return fate;
      fate.forEach((t, i) => (net.arrivals[i] = t));
      return null;
    },
  };
  return net;
}

const arrivalsOf = (net: NetworkModel) =>
  Array.from({ length: net.arrivalCount }, (_, i) => net.arrivals[i]);

const synchronous10ms: DelayBound = { model: "synchronous", gstMicros: 0, maxDelayMicros: 10_000 };
const gstAt1s: DelayBound = {
  model: "partially-synchronous",
  gstMicros: 1_000_000,
  maxDelayMicros: 10_000,
};

describe("BoundedDelayNetwork", () => {
  it("shows that a synchronous bound moves late copies to send + bound and leaves early ones alone", () => {
    const net = new BoundedDelayNetwork(
      scripted([[2_000 + 3_000, 2_000 + 50_000]]),
      synchronous10ms,
    );
    expect(net.route(0, 1, 2_000)).toBeNull();
    expect(arrivalsOf(net)).toEqual([5_000, 12_000]);
  });

  it("shows that a message the network drops is delivered once at send + bound when delays are bounded, whatever the reason", () => {
    const inner = scripted(["loss", "queue-full", "partition"]);
    const net = new BoundedDelayNetwork(inner, synchronous10ms);
    for (const sentMicros of [0, 7, 40]) {
      expect(net.route(0, 1, sentMicros)).toBeNull();
      expect(arrivalsOf(net)).toEqual([sentMicros + 10_000]);
    }
  });

  it("shows that before GST drops stand and delays may exceed the bound, but nothing arrives after GST + bound", () => {
    const inner = scripted([
      "loss",
      [500_000 + 200_000],
      [900_000 + 400_000],
      [1_000_000 + 50_000],
    ]);
    const net = new BoundedDelayNetwork(inner, gstAt1s);
    expect(net.route(0, 1, 100_000)).toBe("loss");
    expect(net.arrivalCount).toBe(0);
    // Sent at 500 ms, 200 ms in transit: far beyond the 10 ms bound, allowed before GST.
    expect(net.route(0, 1, 500_000)).toBeNull();
    expect(arrivalsOf(net)).toEqual([700_000]);
    // Sent at 900 ms, would arrive at 1.3 s: in transit at GST, so it arrives by GST + bound.
    expect(net.route(0, 1, 900_000)).toBeNull();
    expect(arrivalsOf(net)).toEqual([1_010_000]);
    // Sent at GST itself: bounded from its send.
    expect(net.route(0, 1, 1_000_000)).toBeNull();
    expect(arrivalsOf(net)).toEqual([1_010_000]);
  });

  it("shows, for any routes, that the wrapped network draws exactly what an unwrapped twin draws, and every promise holds", () => {
    const config: NetworkConfig = {
      latency: { kind: "pareto", scaleMs: 2, shape: 1.1 },
      lossProbability: 0.2,
      duplicateProbability: 0.1,
    };
    const ids = ["a", "b", "c"];
    const route = fc.record({
      from: fc.integer({ min: 0, max: 2 }),
      to: fc.integer({ min: 0, max: 2 }),
      gapMicros: fc.integer({ min: 0, max: 300_000 }),
    });
    fc.assert(
      fc.property(fc.nat(), fc.array(route, { maxLength: 60 }), (seed, routes) => {
        const twin = new Network(config, ids, Rng.fromSeed(seed).derive("network"));
        const net = new BoundedDelayNetwork(
          new Network(config, ids, Rng.fromSeed(seed).derive("network")),
          gstAt1s,
        );
        let nowMicros = 0;
        for (const r of routes) {
          nowMicros += r.gapMicros;
          const twinDrop = twin.route(r.from, r.to, nowMicros);
          const drop = net.route(r.from, r.to, nowMicros);
          const stable = nowMicros >= gstAt1s.gstMicros;
          if (twinDrop !== null) {
            expect(drop).toBe(stable ? null : twinDrop);
            if (stable) expect(arrivalsOf(net)).toEqual([nowMicros + 10_000]);
            continue;
          }
          const latest = (stable ? nowMicros : gstAt1s.gstMicros) + 10_000;
          expect(drop).toBeNull();
          expect(arrivalsOf(net)).toEqual(arrivalsOf(twin).map((t) => Math.min(t!, latest)));
        }
      }),
    );
  });
});

describe("validateTiming", () => {
  it("shows that no setting and the asynchronous model promise nothing, and the others give whole microseconds", () => {
    expect(validateTiming(undefined)).toBeNull();
    expect(validateTiming({ model: "asynchronous" })).toBeNull();
    expect(validateTiming({ model: "synchronous", maxDelayMs: 0.29 })).toEqual({
      model: "synchronous",
      gstMicros: 0,
      maxDelayMicros: 290,
    });
    expect(
      validateTiming({ model: "partially-synchronous", gstMs: 1234.5678, maxDelayMs: 20 }),
    ).toEqual({ model: "partially-synchronous", gstMicros: 1_234_568, maxDelayMicros: 20_000 });
  });

  it("shows the edge of a valid bound: one microsecond is the least, less is refused", () => {
    expect(validateTiming({ model: "synchronous", maxDelayMs: 0.001 })?.maxDelayMicros).toBe(1);
    expect(() => validateTiming({ model: "synchronous", maxDelayMs: 0.0009 })).toThrow(ConfigError);
  });
});
