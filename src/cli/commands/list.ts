// `murphy list`: every scenario with its one-line title and variants.
import type { Command } from "commander";
import pc from "picocolors";
import { SCENARIOS } from "../../scenarios/registry.js";

export function registerListCommand(program: Command): void {
  program
    .command("list")
    .description("list the scenarios")
    .action(() => {
      const width = Math.max(...SCENARIOS.map((s) => s.name.length));
      for (const s of SCENARIOS) {
        console.log(
          `${pc.bold(s.name.padEnd(width))}  ${s.title}  ${pc.dim(`[${s.variants.map((v) => v.name).join("|")}]`)}`,
        );
      }
    });
}
