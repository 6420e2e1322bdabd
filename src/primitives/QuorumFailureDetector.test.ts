import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { QuorumFailureDetector } from "./QuorumFailureDetector.js";

describe("QuorumFailureDetector", () => {
  it("shows that one observer cut off from a node does not kill it; a majority does", () => {
    const verdicts: string[] = [];
    const detector = new QuorumFailureDetector({
      observers: ["a", "b", "c"],
      onDead: (e) => verdicts.push(`dead ${e.node} from ${e.unreachableFrom.join("+")}`),
      onAlive: (e) => verdicts.push(`alive ${e.node}`),
    });
    expect(detector.quorum).toBe(2);
    detector.report("a", "x", false);
    expect(detector.isDead("x")).toBe(false);
    detector.report("b", "x", false);
    expect(detector.isDead("x")).toBe(true);
    detector.report("b", "x", false);
    detector.report("a", "x", true);
    expect(detector.isAlive("x")).toBe(true);
    expect(verdicts).toEqual(["dead x from a+b", "alive x"]);
    expect(detector.unreachableFrom("x")).toEqual(["b"]);
  });

  it("shows that with an even number of observers a split vote keeps the node alive", () => {
    const detector = new QuorumFailureDetector({ observers: ["a", "b", "c", "d"] });
    detector.report("a", "x", false);
    detector.report("b", "x", false);
    expect(detector.isDead("x")).toBe(false);
    detector.report("c", "x", false);
    expect(detector.isDead("x")).toBe(true);
  });

  it("shows that a node is dead exactly when more than half the observers report it unreachable (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.tuple(fc.nat(8), fc.boolean()), { maxLength: 40 }),
        (n, reports) => {
          const observers = Array.from({ length: n }, (_, i) => `o${i}`);
          const detector = new QuorumFailureDetector({ observers });
          const view = new Map<string, boolean>();
          for (const [i, reachable] of reports) {
            const observer = observers[i % n]!;
            detector.report(observer, "x", reachable);
            view.set(observer, reachable);
          }
          const unreachable = [...view.values()].filter((r) => !r).length;
          expect(detector.isDead("x")).toBe(unreachable * 2 > n);
        },
      ),
    );
  });

  it("shows that bad observer lists and unknown observers are refused", () => {
    expect(() => new QuorumFailureDetector({ observers: [] })).toThrow(ConfigError);
    expect(() => new QuorumFailureDetector({ observers: ["a", "a"] })).toThrow(/repeats/);
    const detector = new QuorumFailureDetector({ observers: ["a"] });
    expect(() => detector.report("z", "x", false)).toThrow(/`observer` must be one of/);
  });
});
