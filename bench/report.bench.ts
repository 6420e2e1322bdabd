// The HTML report of a run with 100,000 messages: how long recording and writing it takes, how
// big the file is, and how long headless Chromium (Debian's, driven by playwright-core) takes to
// open it until the page says it is drawn, and to redraw after zooming in. The world: 10 nodes, each
// sending 10,000 messages round-robin, one per millisecond, over a lossy network with latency
// spread over 1-40 ms. Prints figures; asserts no time.

import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Seed } from "../src/core/Rng.js";
import { reportSeed } from "../src/report/writeRunReport.js";
import { defineWorld } from "../src/scenarios/defineWorld.js";
import type { NodeFactory } from "../src/sim/NodeApi.js";

const CHROMIUM = "/usr/bin/chromium";
const NODES = 10;
const MESSAGES = 100_000;

function manyMessages() {
  const ids = Array.from({ length: NODES }, (_, i) => `node${i}`);
  const each = MESSAGES / NODES;
  const node =
    (i: number): NodeFactory =>
    (ctx) => {
      let sent = 0;
      const tick = (): void => {
        ctx.send(ids[(i + 1 + (sent % (NODES - 1))) % NODES]!, { seq: sent, from: ctx.id });
        if (++sent < each) ctx.setTimer(1, tick);
      };
      return { onStart: tick };
    };
  return defineWorld({
    name: "many-messages",
    nodes: () => Object.fromEntries(ids.map((id, i) => [id, node(i)])),
    simulation: {
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 40 }, lossProbability: 0.01 },
    },
    runForMs: each + 200,
    checks: { ran: () => true },
  });
}

export async function run(): Promise<void> {
  const dir = join("out", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report-100k-messages.html");
  const start = performance.now();
  const outcome = await reportSeed(manyMessages(), "default", Seed.parse("1"), file, {
    command: "npm run bench -- report",
  });
  const writeSeconds = (performance.now() - start) / 1000;
  const bytes = statSync(file).size;
  console.log(
    `report of ${MESSAGES.toLocaleString("en-US")} messages (${outcome.events.toLocaleString("en-US")} trace events): ` +
      `run + record + write ${writeSeconds.toFixed(2)} s; ${(bytes / 1e6).toFixed(2)} MB (${file})`,
  );
  if (!existsSync(CHROMIUM)) {
    console.log(`open time not measured: ${CHROMIUM} is absent (apt-get install chromium)`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const opened = performance.now();
      await page.goto(`file://${join(process.cwd(), file)}`);
      await page.waitForSelector("html[data-ready=true]", { timeout: 60_000 });
      const openMs = performance.now() - opened;
      const zoomed = performance.now();
      for (let i = 0; i < 8; i++) await page.getByRole("button", { name: "zoom in" }).click();
      const zoomMs = (performance.now() - zoomed) / 8;
      const status = await page.locator("#status").textContent();
      console.log(
        `open in headless Chromium, try ${attempt}: ${openMs.toFixed(0)} ms until drawn; ` +
          `a zoom step ${zoomMs.toFixed(0)} ms (after 8:${status})`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
}
