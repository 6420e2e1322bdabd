// Shows that reports work in a real browser (Debian's Chromium, driven by playwright-core): they
// open without a console error, draw one lane per node and one arrow per delivery, drop and
// message in flight, mark a violating seed's violation, keep a hostile node name as text with no
// script of its own running, aggregate many messages until zoomed in, follow an operation to the
// messages it caused, and open gzipped data. Screenshots are saved under out/report-tests/.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { volatileRegister } from "../../test/worlds/volatileRegister.js";
import { chattyWorld, hostileWorld, HOSTILE_NAME, reportInput } from "../../test/reportFixtures.js";
import { worldData } from "./buildReportData.js";
import type { RunReportInput } from "./buildReportData.js";
import type { HtmlReportOptions } from "./htmlReport.js";
import { runReportHtml } from "./writeRunReport.js";

const CHROMIUM = "/usr/bin/chromium";
const OUT = join(import.meta.dirname, "..", "..", "out", "report-tests");
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium) {
  console.warn(
    `report browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`,
  );
}

/** Arrows the trace implies: each delivery, each drop, each send with neither. */
function expectedArrows(input: RunReportInput, world = 0): number {
  return worldData(input.worlds[world]!).arrows.kind.length;
}

describe.skipIf(!haveChromium)("HTML report in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Writes the report, opens it, and collects console errors, page errors and dialogs. */
  async function open(
    name: string,
    input: RunReportInput,
    options: HtmlReportOptions = {},
  ): Promise<{ page: Page; problems: string[] }> {
    const file = join(OUT, `${name}.html`);
    writeFileSync(file, runReportHtml(input, options));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
    return { page, problems };
  }

  it("opens a violating seed's report: lanes, arrows, the violation marker", async () => {
    const input = await reportInput(volatileRegister, "volatile", "4");
    const { page, problems } = await open("volatile-register-seed-4", input);
    try {
      expect(problems).toEqual([]);
      expect(await page.locator("#lanes .lane").count()).toBe(2);
      expect(await page.locator("#lanes .lane-name").allTextContents()).toEqual([
        "server",
        "client",
      ]);
      expect(await page.locator("#lanes .msg").count()).toBe(expectedArrows(input));
      expect(await page.locator("#lanes .violation").count()).toBe(1);
      expect(await page.locator(".verdict.violated").count()).toBe(1);
      expect(await page.locator("#timeline .op").count()).toBe(input.worlds[0]!.history!.length);
      expect(await page.locator(".uplot").count()).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: join(OUT, "volatile-register-seed-4.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("renders a hostile node name, body and log line as text, and runs no script of theirs", async () => {
    const input = await reportInput(hostileWorld, "default", "1");
    const { page, problems } = await open("hostile", input);
    try {
      expect(problems).toEqual([]);
      const names = await page.locator("#lanes .lane-name").allTextContents();
      expect(names).toContain(HOSTILE_NAME);
      expect(await page.locator("script").count()).toBe(3);
      expect(await page.locator("img").count()).toBe(0);
      // Hovering a message shows its (hostile) body as text.
      await page.locator("#lanes .msg").first().dispatchEvent("mouseover");
      expect(await page.locator("#tip").textContent()).toContain("onerror");
      expect(await page.locator("#tip img").count()).toBe(0);
      await page.screenshot({ path: join(OUT, "hostile.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("aggregates thousands of messages, and draws each once zoomed in", async () => {
    const input = await reportInput(chattyWorld(6, 6_000), "default", "1");
    const { page, problems } = await open("chatty", input);
    try {
      expect(problems).toEqual([]);
      expect(await page.locator("#lanes .lane").count()).toBe(6);
      expect(await page.locator("#lanes .msg").count()).toBe(0);
      expect(await page.locator("#lanes .agg").count()).toBeGreaterThan(0);
      expect(await page.locator("#status").textContent()).toContain("aggregated");
      for (let i = 0; i < 6; i++) await page.getByRole("button", { name: "zoom in" }).click();
      const arrows = await page.locator("#lanes .msg").count();
      expect(arrows).toBeGreaterThan(0);
      expect(arrows).toBeLessThanOrEqual(1500);
      expect(await page.locator("#lanes .agg").count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it("follows a client's operation to the messages it caused", async () => {
    const input = await reportInput(volatileRegister, "volatile", "4");
    const { page, problems } = await open("volatile-register-follow", input);
    try {
      await page.locator("#lanes .op.ok").first().click();
      const highlighted = await page.locator("#lanes .msg.hi").count();
      // A request and its reply at least.
      expect(highlighted).toBeGreaterThanOrEqual(2);
      expect(await page.locator("#details").textContent()).toContain(
        `${highlighted} messages caused by this operation`,
      );
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("opens a report whose data is stored gzipped", async () => {
    const input = await reportInput(volatileRegister, "volatile", "4");
    const { page, problems } = await open("volatile-register-gzip", input, {
      compressAboveBytes: 0,
    });
    try {
      expect(problems).toEqual([]);
      expect(await page.locator("#lanes .msg").count()).toBe(expectedArrows(input));
    } finally {
      await page.close();
    }
  });
});
