// Byzantine behaviour: a node that lies. The adversary sits between a node's logic and the
// network and rewrites what it sends: stays silent, corrupts fields, replays old messages, tells
// different peers different things (equivocation), or tells everyone the same lie. A user function
// can replace any of these with a protocol-aware attack.

import type { Rng } from "../core/Rng.js";
import type { ByzantineBehaviorName } from "./FaultAction.js";
import type { ByzantineBehavior } from "../sim/WorldModels.js";

// The adversary's signature is the kernel's (it calls it on every message a Byzantine node sends).
export type { AdversaryTools, ByzantineBehavior, OutgoingMessage } from "../sim/WorldModels.js";

/** Returns a copy of `body` with one leaf (number, string or boolean) changed, chosen by `rng`. */
export function corruptValue(body: unknown, rng: Rng): unknown {
  if (typeof body === "number")
    return Number.isInteger(body) ? body + 1 + rng.int(1000) : body * (1.5 + rng.float());
  if (typeof body === "string") return body + "~" + rng.int(1000).toString(36);
  if (typeof body === "boolean") return !body;
  if (body === null || body === undefined) return rng.int(1000);
  if (Array.isArray(body)) {
    if (body.length === 0) return [rng.int(1000)];
    const i = rng.int(body.length);
    return body.map((v, j) => (j === i ? corruptValue(v, rng) : v));
  }
  if (typeof body === "object") {
    const keys = Object.keys(body as object)
      .filter((k) => k !== "type" && k !== "kind")
      .sort();
    if (keys.length === 0) return body;
    const k = keys[rng.int(keys.length)]!;
    return {
      ...(body as Record<string, unknown>),
      [k]: corruptValue((body as Record<string, unknown>)[k], rng),
    };
  }
  return body;
}

/** The named adversaries. `mutate` replaces the generic corruption for equivocate and lie. */
export function byzantineBehavior(
  name: ByzantineBehaviorName,
  mutate?: (body: unknown, to: string, rng: Rng) => unknown,
): ByzantineBehavior {
  switch (name) {
    case "honest":
      return (m) => [m];
    case "silent":
      return () => [];
    case "corrupt":
      return (m, { rng }) => [{ to: m.to, body: corruptValue(m.body, rng) }];
    case "replay":
      return (m, { rng, sent }) =>
        sent.length === 0
          ? [m]
          : [m, sent[rng.int(sent.length)]!].map((x) => ({ to: m.to, body: x.body }));
    case "equivocate":
      // Each receiver gets its own version: derived from the receiver's name, so it is stable.
      return (m, { rng }) => {
        const own = rng.derive(`equivocate/${m.to}`);
        return [{ to: m.to, body: mutate ? mutate(m.body, m.to, own) : corruptValue(m.body, own) }];
      };
    case "lie":
      // Everyone hears the same false value: the stream depends only on the adversary's identity.
      return (m, { rng }) => {
        const same = rng.derive("lie");
        return [
          { to: m.to, body: mutate ? mutate(m.body, m.to, same) : corruptValue(m.body, same) },
        ];
      };
  }
}
