import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "../core/errors.js";
import { StaleFencingTokenError } from "./errors.js";
import { FencedStore } from "./FencedStore.js";
import { FencingTokenIssuer } from "./FencingTokenIssuer.js";

describe("FencingTokenIssuer", () => {
  it("shows that tokens strictly increase and resume above a persisted last token", () => {
    const issuer = new FencingTokenIssuer();
    expect([issuer.next(), issuer.next(), issuer.next()]).toEqual([1, 2, 3]);
    const restarted = new FencingTokenIssuer({ lastIssued: issuer.lastIssued() });
    expect(restarted.next()).toBe(4);
    expect(() => new FencingTokenIssuer({ lastIssued: -1 })).toThrow(ConfigError);
  });
});

describe("FencedStore", () => {
  it("shows the chapter's story: a paused client's stale write is refused after the new holder wrote", () => {
    const store = new FencedStore<string>();
    store.write("file", "client 1, before pause", 33);
    store.write("file", "client 2", 34);
    let error: unknown;
    try {
      store.write("file", "client 1, after pause", 33);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StaleFencingTokenError);
    expect(error).toMatchObject({
      code: "E_STALE_FENCING_TOKEN",
      definite: true,
      token: 33,
      highestAcceptedToken: 34,
    });
    expect(store.read("file")).toBe("client 2");
  });

  it("shows that equal tokens are accepted (one grant, many writes) and resources are fenced separately", () => {
    const store = new FencedStore<number>();
    store.write("a", 1, 5);
    store.write("a", 2, 5);
    store.write("b", 1, 1);
    expect(store.read("a")).toBe(2);
    expect(store.highestToken("a")).toBe(5);
    expect(store.highestToken("b")).toBe(1);
    expect(() => store.write("a", 3, 1.5)).toThrow(/`token` must be an integer/);
  });

  it("shows that a FencedStore never accepts a token lower than one it accepted (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("r1", "r2"), fc.nat(20)), { maxLength: 80 }),
        (writes) => {
          const store = new FencedStore<number>();
          const accepted = new Map<string, number[]>();
          for (const [resource, token] of writes) {
            try {
              store.write(resource, token, token);
              const list = accepted.get(resource) ?? [];
              for (const earlier of list) expect(token).toBeGreaterThanOrEqual(earlier);
              accepted.set(resource, [...list, token]);
              expect(store.read(resource)).toBe(token);
            } catch (error) {
              expect(error).toBeInstanceOf(StaleFencingTokenError);
              expect(Math.max(...(accepted.get(resource) ?? []))).toBeGreaterThan(token);
            }
          }
        },
      ),
    );
  });

  it("shows that a custom backend receives only accepted writes", () => {
    const log: string[] = [];
    const store = new FencedStore<string>({
      backend: { read: () => undefined, write: (r, v) => void log.push(`${r}=${v}`) },
    });
    store.write("x", "new", 2);
    expect(() => store.write("x", "old", 1)).toThrow(StaleFencingTokenError);
    expect(log).toEqual(["x=new"]);
  });
});
