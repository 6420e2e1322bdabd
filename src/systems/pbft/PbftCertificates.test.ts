// Shows what a replica refuses from others — groups below 3f + 1, requests no client
// authenticated, MACs made with a key the receiver does not share with the named sender,
// view-changes changed in transit — and how the new-view rule keeps what may have committed while
// a single liar's claims cannot decide anything.

import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { Keyring } from "./Keyring.js";
import {
  type MacCheck,
  authentic,
  newViewProposals,
  validPrePrepare,
  validRequest,
  validViewChange,
} from "./PbftCertificates.js";
import { pbftConfig } from "./PbftConfig.js";
import {
  type ClientRequest,
  type PrePrepare,
  type PrePreparedClaim,
  type PreparedClaim,
  type ViewChange,
  prePrepareStatement,
  prepareStatement,
  requestDigest,
  requestStatement,
  viewChangeStatement,
} from "./PbftMessages.js";

const REPLICAS = ["r0", "r1", "r2", "r3"];
const keyring = new Keyring([...REPLICAS, "c0"], Rng.fromSeed(1).derive("keys"));
const config = pbftConfig({ replicas: REPLICAS, f: 1, keyring });
/** What replica `id` checks MACs with. */
const at = (id: string): MacCheck => ({
  config,
  macs: keyring.macs(id),
  index: REPLICAS.indexOf(id),
});

function request(op: string, by = "c0"): ClientRequest {
  const r = { client: by, timestamp: 1, op };
  return { ...r, auth: keyring.macs(by).authenticator(REPLICAS, requestStatement(r)) };
}

function prePrepare(view: number, seq: number, r: ClientRequest | null, by?: string): PrePrepare {
  const digest = requestDigest(r);
  const primary = by ?? REPLICAS[view % 4]!;
  const auth = keyring
    .macs(primary)
    .authenticator(REPLICAS, prePrepareStatement({ view, seq, digest }));
  return { type: "pre-prepare", view, seq, digest, request: r, auth };
}

function claim(seq: number, view: number, r: ClientRequest | null): PreparedClaim {
  return { seq, view, digest: requestDigest(r), request: r };
}

const vouch = (c: PreparedClaim): PrePreparedClaim => ({
  seq: c.seq,
  view: c.view,
  digest: c.digest,
});

function viewChange(
  view: number,
  replica: string,
  prepared: PreparedClaim[],
  prePrepared: PrePreparedClaim[] = prepared.map(vouch),
): ViewChange {
  const body = { type: "view-change" as const, view, replica, prepared, prePrepared };
  return { ...body, signature: keyring.signer(replica).sign(viewChangeStatement(body)) };
}

describe("PBFT certificates", () => {
  it("refuses a group smaller than 3f + 1 unless the quorum is overridden on purpose", () => {
    expect(() => pbftConfig({ replicas: ["a", "b", "c"], f: 1, keyring })).toThrow(/3f \+ 1 = 4/);
    expect(pbftConfig({ replicas: ["a", "b", "c"], f: 1, keyring, unsafeQuorum: 2 }).quorum).toBe(
      2,
    );
    expect(config.quorum).toBe(3);
  });

  it("accepts only requests authenticated by their client, and no replica as a client", () => {
    expect(validRequest(at("r1"), request("x"))).toBe(true);
    expect(validRequest(at("r1"), { ...request("x"), op: "y" })).toBe(false);
    expect(validRequest(at("r1"), request("x", "r1"))).toBe(false);
    // The request's MAC for r2 is no good to r1: each replica checks its own entry.
    const r = request("x");
    const swapped = { ...r, auth: [r.auth[0]!, r.auth[2]!, r.auth[1]!, r.auth[3]!] };
    expect(validRequest(at("r1"), swapped)).toBe(false);
    expect(validRequest(at("r2"), swapped)).toBe(false);
    expect(validRequest(at("r0"), swapped)).toBe(true);
  });

  it("rejects a MAC made with a wrong key, and one for a different statement", () => {
    const statement = prepareStatement({ view: 0, seq: 1, digest: "d", replica: "r1" });
    const good = keyring.macs("r1").authenticator(REPLICAS, statement);
    expect(authentic(at("r2"), "r1", statement, good)).toBe(true);
    // Made by r3 with its own keys: r2 checks it with the key of the pair {r1, r2}.
    const byR3 = keyring.macs("r3").authenticator(REPLICAS, statement);
    expect(authentic(at("r2"), "r1", statement, byR3)).toBe(false);
    // A key from another world (another seed) is a wrong key too.
    const other = new Keyring([...REPLICAS, "c0"], Rng.fromSeed(2).derive("keys"));
    expect(
      authentic(at("r2"), "r1", statement, other.macs("r1").authenticator(REPLICAS, statement)),
    ).toBe(false);
    expect(authentic(at("r2"), "r1", statement.replace("|1|", "|2|"), good)).toBe(false);
    expect(authentic(at("r2"), "r1", statement, undefined)).toBe(false);
    expect(authentic(at("r2"), "r1", statement, ["", "", "", ""])).toBe(false);
  });

  it("shows that a Byzantine replica cannot make a correct replica's prepare count", () => {
    // r3 holds only the keys of its own pairs. Whatever it writes in r1's name, r2 checks the
    // MAC with the key of {r1, r2}, which r3 does not have; its own keys cannot stand in.
    const forged = { view: 0, seq: 1, digest: "d", replica: "r1" };
    const mine = keyring.macs("r3");
    expect(() => mine.mac("r2", prepareStatement(forged))).not.toThrow();
    const auth = mine.authenticator(REPLICAS, prepareStatement(forged));
    expect(authentic(at("r2"), forged.replica, prepareStatement(forged), auth)).toBe(false);
    // A genuine r1 prepare for another sequence number does not carry over either.
    const genuine = keyring
      .macs("r1")
      .authenticator(REPLICAS, prepareStatement({ ...forged, seq: 2 }));
    expect(authentic(at("r2"), "r1", prepareStatement(forged), genuine)).toBe(false);
  });

  it("accepts a pre-prepare only from the primary of its view, for a request it names", () => {
    expect(validPrePrepare(at("r1"), prePrepare(0, 1, request("x")))).toBe(true);
    expect(validPrePrepare(at("r1"), prePrepare(0, 1, request("x"), "r3"))).toBe(false);
    expect(
      validPrePrepare(at("r1"), { ...prePrepare(0, 1, request("x")), request: request("y") }),
    ).toBe(false);
  });

  it("rejects a pre-prepare whose request was changed in place after it was checked once", () => {
    // The same objects, checked, then altered: digests and MACs are remembered by the text they
    // cover, never by the object, so the altered request is digested and checked afresh.
    const pp = prePrepare(0, 1, request("x"));
    expect(validPrePrepare(at("r1"), pp)).toBe(true);
    pp.request!.op = "y";
    expect(validPrePrepare(at("r1"), pp)).toBe(false);
    // Renaming it to match does not help: the client's MAC covers "x", the primary's the old digest.
    pp.digest = requestDigest(pp.request);
    expect(validPrePrepare(at("r1"), pp)).toBe(false);
    pp.request!.op = "x";
    pp.digest = requestDigest(pp.request);
    expect(validPrePrepare(at("r1"), pp)).toBe(true);
  });

  it("rejects a view-change whose claims were changed after signing, or claim a later view", () => {
    const vc = viewChange(1, "r1", [claim(1, 0, request("x"))]);
    expect(validViewChange(config, vc)).toBe(true);
    expect(validViewChange(config, { ...vc, prepared: [] })).toBe(false);
    expect(validViewChange(config, { ...vc, prePrepared: [] })).toBe(false);
    expect(validViewChange(config, { ...vc, replica: "r2" })).toBe(false);
    expect(validViewChange(config, viewChange(1, "r1", [claim(1, 1, request("x"))]))).toBe(false);
    // The request body must be the one the claim names.
    const swapped = { ...vc, prepared: [{ ...vc.prepared[0]!, request: request("y") }] };
    expect(validViewChange(config, swapped)).toBe(false);
  });

  it("re-proposes the highest-view supported claim at each sequence number and fills gaps with null", () => {
    const older = claim(1, 0, request("old"));
    const newer = claim(1, 1, request("new"));
    const z = claim(3, 0, request("z"));
    const proposals = newViewProposals(config, [
      viewChange(2, "r1", [older, z], [vouch(older), vouch(newer), vouch(z)]),
      viewChange(2, "r2", [newer, z]),
      viewChange(2, "r3", []),
    ]);
    expect(proposals?.map((p) => p.request?.op ?? null)).toEqual(["new", null, "z"]);
  });

  it("keeps a request prepared by correct replicas against a liar's higher-view claim", () => {
    const x = claim(1, 0, request("x"));
    const lie = claim(1, 1, request("y"));
    // r3 alone claims y was prepared in view 1: A2 needs f + 1 = 2 replicas that pre-prepared it,
    // so y is never chosen; its higher view does block A1 for x until a fourth view-change comes.
    const three = [viewChange(2, "r1", [x]), viewChange(2, "r2", [x]), viewChange(2, "r3", [lie])];
    expect(newViewProposals(config, three)).toBeUndefined();
    const four = newViewProposals(config, [...three, viewChange(2, "r0", [x])]);
    expect(four?.map((p) => p.request?.op)).toEqual(["x"]);
  });

  it("waits for more view-changes while one liar's claim is neither supported nor outvoted", () => {
    const lie = claim(40, 0, request("y"));
    const three = [viewChange(2, "r1", []), viewChange(2, "r2", []), viewChange(2, "r3", [lie])];
    expect(newViewProposals(config, three)).toBeUndefined();
    // With the fourth, 2f + 1 say nothing was prepared at 40: no proposal, and no 40 nulls either.
    expect(newViewProposals(config, [...three, viewChange(2, "r0", [])])).toEqual([]);
  });
});
