// Shows what a replica refuses from others: groups below 3f + 1, requests no client signed,
// certificates with a forged or missing prepare, and view-changes that drop a certificate in transit.

import { describe, expect, it } from "vitest";
import { Rng } from "../../core/Rng.js";
import { Keyring } from "./Keyring.js";
import {
  newViewProposals,
  validCertificate,
  validRequest,
  validViewChange,
} from "./PbftCertificates.js";
import { pbftConfig } from "./PbftConfig.js";
import {
  type ClientRequest,
  type PreparedCertificate,
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

function request(op: string, by = "c0"): ClientRequest {
  const r = { client: by, timestamp: 1, op };
  return { ...r, signature: keyring.signer(by).sign(requestStatement(r)) };
}

function certificate(view: number, seq: number, r: ClientRequest, signers = ["r0", "r1", "r2"]) {
  const digest = requestDigest(r);
  const primary = REPLICAS[view % 4]!;
  const prePrepare = {
    type: "pre-prepare" as const,
    view,
    seq,
    digest,
    request: r,
    signature: keyring.signer(primary).sign(prePrepareStatement({ view, seq, digest })),
  };
  const prepares = signers.map((replica) => ({
    replica,
    signature: keyring.signer(replica).sign(prepareStatement({ view, seq, digest, replica })),
  }));
  return { prePrepare, prepares } satisfies PreparedCertificate;
}

function viewChange(view: number, replica: string, prepared: PreparedCertificate[]): ViewChange {
  const body = { type: "view-change" as const, view, replica, prepared };
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

  it("accepts only requests signed by their client, and no replica as a client", () => {
    expect(validRequest(config, request("x"))).toBe(true);
    expect(validRequest(config, { ...request("x"), op: "y" })).toBe(false);
    expect(validRequest(config, request("x", "r1"))).toBe(false);
  });

  it("accepts a certificate of 2f + 1 signed prepares and nothing less or forged", () => {
    const good = certificate(0, 1, request("x"));
    expect(validCertificate(config, good)).toBe(true);
    expect(validCertificate(config, certificate(0, 1, request("x"), ["r0", "r1"]))).toBe(false);
    expect(validCertificate(config, certificate(0, 1, request("x"), ["r0", "r1", "r1"]))).toBe(
      false,
    );
    // r3 claims r2 prepared it: without r2's key the signature does not verify.
    const forged = {
      ...good,
      prepares: [
        ...good.prepares.slice(0, 2),
        { replica: "r2", signature: good.prepares[0]!.signature },
      ],
    };
    expect(validCertificate(config, forged)).toBe(false);
  });

  it("rejects a view-change whose certificates were changed after signing", () => {
    const vc = viewChange(1, "r1", [certificate(0, 1, request("x"))]);
    expect(validViewChange(config, vc)).toBe(true);
    expect(validViewChange(config, { ...vc, prepared: [] })).toBe(false);
    expect(validViewChange(config, { ...vc, replica: "r2" })).toBe(false);
  });

  it("re-proposes the highest-view certificate at each sequence number and fills gaps with null", () => {
    const older = certificate(0, 1, request("old"));
    const newer = certificate(1, 1, request("new"), ["r1", "r2", "r3"]);
    const proposals = newViewProposals([
      viewChange(2, "r1", [older, certificate(0, 3, request("z"))]),
      viewChange(2, "r2", [newer]),
      viewChange(2, "r3", []),
    ]);
    expect(proposals.map((p) => p.request?.op ?? null)).toEqual(["new", null, "z"]);
  });
});
