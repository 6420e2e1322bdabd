import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(here).filter(
  (f) => /^\d\d-.*\.ts$/.test(f) && !f.endsWith(".test.ts"),
);

describe("examples", () => {
  it("shows that there are examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of examples) {
    it(`shows that ${file} prints exactly its expected output`, async () => {
      const module = (await import(join(here, file))) as { main: () => Promise<string[]> };
      const expected = readFileSync(join(here, file.replace(/\.ts$/, ".expected.txt")), "utf8");
      expect((await module.main()).join("\n") + "\n").toBe(expected);
    });
  }
});
