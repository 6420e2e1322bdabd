import { describe, expect, it } from "vitest";
import { checkByzantineAgreement } from "./checkByzantineAgreement.js";

describe("checkByzantineAgreement", () => {
  it("shows that correct nodes deciding differently break agreement; a liar's decision is ignored", () => {
    const result = checkByzantineAgreement({
      nodes: [
        { id: "n1", correct: true, proposed: "a", decided: "a" },
        { id: "n2", correct: true, proposed: "b", decided: "b" },
        { id: "n3", correct: false, proposed: "a", decided: "z" },
      ],
    });
    expect(result.violations.map((v) => v.kind)).toEqual(["disagreement"]);
    expect(result.violations[0]?.message).toBe(
      'correct nodes disagree: n1 decided "a"; n2 decided "b"',
    );
  });

  it("shows that with unanimous correct proposals, deciding anything else is invalid", () => {
    const nodes = [
      { id: "n1", correct: true, proposed: 1, decided: 2 },
      { id: "n2", correct: true, proposed: 1, decided: 2 },
      { id: "n3", correct: false, proposed: 2, decided: 2 },
    ];
    const result = checkByzantineAgreement({ nodes });
    expect(result.violations.map((v) => v.kind)).toEqual(["invalid-decision", "invalid-decision"]);
    const fine = nodes.map((n) => ({ ...n, decided: 1 }));
    expect(checkByzantineAgreement({ nodes: fine }).verdict).toBe("ok");
  });

  it("shows the 'proposed' validity and termination on request", () => {
    const nodes = [
      { id: "n1", correct: true, proposed: 1, decided: 3 },
      { id: "n2", correct: true, proposed: 2, decided: 3 },
      { id: "n3", correct: true, proposed: 2 },
    ];
    expect(checkByzantineAgreement({ nodes }).verdict).toBe("ok");
    const strict = checkByzantineAgreement({ nodes, validity: "proposed", requireDecision: true });
    expect(strict.violations.map((v) => v.kind)).toEqual([
      "invalid-decision",
      "invalid-decision",
      "undecided",
    ]);
  });
});
