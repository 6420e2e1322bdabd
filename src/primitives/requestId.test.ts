import { describe, expect, it } from "vitest";
import { Rng } from "../core/Rng.js";
import { CryptoRandom } from "../runtime/CryptoRandom.js";
import { createRequestId } from "./requestId.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("createRequestId", () => {
  it("shows that IDs are v4 UUIDs, reproducible from a seeded stream and distinct from crypto", () => {
    const a = createRequestId(Rng.fromSeed(4).derive("client"));
    expect(a).toMatch(UUID_V4);
    expect(createRequestId(Rng.fromSeed(4).derive("client"))).toBe(a);
    const random = new CryptoRandom();
    const ids = new Set(Array.from({ length: 1000 }, () => createRequestId(random)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
