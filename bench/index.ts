// `npm run bench [-- NAME...]`: runs the named benchmarks (all by default). Each benchmark prints
// its figures beside a baseline measured in the same run; none asserts a time.

type Bench = { name: string; run: () => Promise<void> };

import * as bounds from "./bounds.bench.js";
import * as check from "./check.bench.js";
import * as kernel from "./kernel.bench.js";
import * as pbft from "./pbft.bench.js";
import * as report from "./report.bench.js";
import * as raft from "./raft.bench.js";
import * as raftBugs from "./raftBugs.bench.js";
import * as sweep from "./sweep.bench.js";

const benches: Bench[] = [{ name: "kernel", run: kernel.run }];
benches.push({ name: "check", run: check.run });
benches.push({ name: "sweep", run: sweep.run });
benches.push({ name: "report", run: report.run });
benches.push({ name: "bounds", run: bounds.run });
benches.push({ name: "raft", run: raft.run });
benches.push({ name: "bugs", run: raftBugs.run });
benches.push({ name: "pbft", run: pbft.run });

const wanted = process.argv.slice(2);
for (const bench of benches) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  console.log(`\n== ${bench.name} ==`);
  await bench.run();
}
