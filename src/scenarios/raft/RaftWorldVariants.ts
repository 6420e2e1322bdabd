// The variants of the Raft worlds, named so that every murphy command reaches them: `unsafe` (one
// planted bug, the one the tour shows) and `safe` (none), both under every fault kind at once;
// hidden beside them, `safe-<mix>` for each fault mix alone, and `bug-<name>` for each planted
// bug under leader churn — the variant that `--bug <name>` names on run, shrink and replay.

import { ConfigError } from "../../core/errors.js";
import { RAFT_BUGS, type RaftBug } from "../../systems/raft/RaftBugs.js";
import type { WorldVariantSpec } from "../defineWorld.js";
import { FAULT_MIX_DESCRIPTIONS, FAULT_MIX_NAMES, type FaultMix } from "./RaftFaultMixes.js";

export interface RaftVariant {
  mix: FaultMix;
  bug: RaftBug | undefined;
}

export function raftVariants(showcase: RaftBug, bugs: readonly RaftBug[]): WorldVariantSpec[] {
  return [
    {
      name: "unsafe",
      description: `planted bug ${showcase}: ${RAFT_BUGS[showcase]}`,
      expectViolations: true,
    },
    { name: "safe", description: "no planted bug, every kind of fault" },
    ...FAULT_MIX_NAMES.filter((m) => m !== "all").map((mix) => ({
      name: `safe-${mix}`,
      description: `no planted bug; ${FAULT_MIX_DESCRIPTIONS[mix]}`,
      hidden: true,
    })),
    ...bugs.map((bug) => ({
      name: `bug-${bug}`,
      description: `planted bug ${bug} under leader churn: ${RAFT_BUGS[bug]}`,
      expectViolations: true,
      hidden: true,
    })),
  ];
}

export function parseRaftVariant(name: string, showcase: RaftBug): RaftVariant {
  if (name === "unsafe") return { mix: "all", bug: showcase };
  if (name === "safe") return { mix: "all", bug: undefined };
  if (name.startsWith("safe-")) {
    const mix = name.slice("safe-".length) as FaultMix;
    if (FAULT_MIX_NAMES.includes(mix)) return { mix, bug: undefined };
  }
  if (name.startsWith("bug-")) {
    const bug = name.slice("bug-".length) as RaftBug;
    if (bug in RAFT_BUGS) return { mix: "churn", bug };
  }
  throw new ConfigError({
    field: "variant",
    value: name,
    expected: "unsafe, safe, safe-<fault mix> or bug-<planted bug>",
    fix: "run `murphy list` to see the world's variants",
  });
}
