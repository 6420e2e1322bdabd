// `murphy list`: every scenario with its one-line title and variants.
import type { Command } from "commander";
import pc from "picocolors";
import { SCENARIOS } from "../../scenarios/registry.js";
import { plantedBugs } from "../sweepOptions.js";

export function registerListCommand(program: Command): void {
  program
    .command("list")
    .description("list the scenarios")
    .action(() => {
      const width = Math.max(...SCENARIOS.map((s) => s.name.length));
      for (const s of SCENARIOS) {
        const shown = s.variants.filter((v) => !v.hidden).map((v) => v.name);
        const bugs = plantedBugs(s);
        const hidden = s.variants.length - shown.length - bugs.length;
        const more = [
          ...(bugs.length > 0 ? [`--bug ${bugs.join("|")}`] : []),
          ...(hidden > 0 ? [`${hidden} more with --variant all`] : []),
        ];
        console.log(
          `${pc.bold(s.name.padEnd(width))}  ${s.title}  ${pc.dim(`[${shown.join("|")}]`)}` +
            (more.length > 0 ? pc.dim(` ${more.join("; ")}`) : ""),
        );
      }
    });
}
