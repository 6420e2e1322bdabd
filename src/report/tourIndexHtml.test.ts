// Shows the tour's index page: the table's cells and the links to the reports, every one escaped.
import { describe, expect, it } from "vitest";
import { tourIndexHtml } from "./tourIndexHtml.js";

describe("tourIndexHtml", () => {
  it("lists the table and links each report, with every cell as text", () => {
    const html = tourIndexHtml({
      title: "murphy tour",
      summary: ["every safe variant held"],
      header: ["scenario", "property"],
      rows: [["<b>bold</b>", "x & y"]],
      links: [
        {
          scenario: "congestion",
          variant: "unsafe",
          seed: "0x0000000000000001",
          property: "spurious-timeouts-within-budget",
          href: "congestion-unsafe-0x0000000000000001.html",
        },
      ],
    });
    expect(html).toContain("<td>&lt;b&gt;bold&lt;/b&gt;</td><td>x &amp; y</td>");
    expect(html).toContain('<a href="congestion-unsafe-0x0000000000000001.html">');
    expect(html).not.toContain("<b>bold");
  });
});
