// Worlds and inputs for the report's tests: a world whose node name, message bodies, log lines and
// operation inputs are hostile markup, a chatty world with as many messages as asked, and the
// report input of one recorded seed.
import { Seed } from "../src/core/Rng.js";
import type { RunReportInput } from "../src/report/buildReportData.js";
import { recordRun } from "../src/report/RunRecorder.js";
import { defineWorld } from "../src/scenarios/defineWorld.js";
import type { Scenario } from "../src/scenarios/Scenario.js";

export const HOSTILE_NAME = "<script>alert(1)</script>";
const HOSTILE_TEXT = '</script><img src=x onerror="alert(2)">';

/** A server named HOSTILE_NAME answers a client; everything a run can say is markup. */
export const hostileWorld = defineWorld({
  name: "hostile",
  nodes: ({ history }) => ({
    [HOSTILE_NAME]: (ctx) => ({
      onMessage(message) {
        ctx.log(HOSTILE_TEXT);
        ctx.reply(message, { echo: HOSTILE_TEXT });
      },
    }),
    client: (ctx) => ({
      async onStart() {
        for (let k = 0; k < 3; k++) {
          const op = history.invoke(ctx.id, HOSTILE_TEXT, HOSTILE_TEXT);
          await ctx.request(HOSTILE_NAME, { text: HOSTILE_TEXT }, { timeoutMs: 50 });
          op.ok(HOSTILE_TEXT);
          await ctx.sleep(10);
        }
      },
    }),
  }),
  runForMs: 200,
  checks: { progress: ({ history }) => history.length > 0 },
});

/** `nodes` nodes; each sends `messages / nodes` messages round-robin to the others, 1 per ms. */
export function chattyWorld(nodes: number, messages: number): Scenario {
  const ids = Array.from({ length: nodes }, (_, i) => `n${i}`);
  const each = Math.ceil(messages / nodes);
  return defineWorld({
    name: "chatty",
    nodes: () =>
      Object.fromEntries(
        ids.map((id, i) => [
          id,
          (ctx) => {
            let sent = 0;
            const tick = (): void => {
              ctx.send(ids[(i + 1 + (sent % (nodes - 1))) % nodes]!, { k: sent });
              if (++sent < each) ctx.setTimer(1, tick);
            };
            return { onStart: tick };
          },
        ]),
      ),
    simulation: { network: { latency: { kind: "uniform", minMs: 1, maxMs: 30 } } },
    runForMs: each + 100,
    checks: { ran: () => true },
  });
}

/** The report input of one recorded seed of a world. */
export async function reportInput(
  world: Scenario,
  variant: string,
  seed: string,
): Promise<RunReportInput> {
  const { outcome, worlds } = await recordRun(world, variant, Seed.parse(seed));
  return {
    world: world.name,
    title: world.title,
    claim: world.claim,
    variant,
    seed: Seed.parse(seed).toString(),
    command: `murphy run ${world.name} --variant ${variant} --seed ${seed}`,
    outcome,
    figureSpecs: world.figures,
    worlds,
  };
}
