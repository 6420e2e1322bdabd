// The progress line of a sweep on stderr: runs done (a run is one seed of one variant), runs that
// found a violation, runs per second and the time left. Drawn only on a terminal and never with
// --json; the wall time it keeps is also what the final "runs/s" line reports.

import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";

export class SweepProgress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly startMs = performance.now();
  private done = 0;
  private violations = 0;

  constructor(
    readonly totalSeeds: number,
    options: { enabled: boolean; label?: string },
  ) {
    if (!options.enabled || totalSeeds === 0) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `${options.label ?? "sweep"} {bar} {value}/{total} runs | {violations} violating | {rate} runs/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 200,
        etaAsynchronousUpdate: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(totalSeeds, 0, { violations: 0, rate: "-" });
  }

  /** Whether a progress bar should be drawn: stderr is a terminal and the output is for people. */
  static wanted(json: boolean | undefined): boolean {
    return !json && process.stderr.isTTY === true;
  }

  /** One run (a seed of one variant) finished; `violated` if any property was violated. */
  readonly seed = (violated: boolean): void => {
    this.done++;
    if (violated) this.violations++;
    this.bar?.update(this.done, {
      violations: this.violations,
      rate: Math.round(this.rate()).toLocaleString("en-US"),
    });
  };

  elapsedSeconds(): number {
    return (performance.now() - this.startMs) / 1000;
  }

  rate(): number {
    const seconds = this.elapsedSeconds();
    return seconds > 0 ? this.done / seconds : 0;
  }

  stop(): void {
    this.bar?.stop();
  }

  /** "1,200 runs in 3.4 s (353 runs/s, 2 workers)". */
  summaryLine(workers: number): string {
    const rate = Math.round(this.rate()).toLocaleString("en-US");
    return `${this.done.toLocaleString("en-US")} runs in ${this.elapsedSeconds().toFixed(1)} s (${rate} runs/s, ${workers} worker${workers === 1 ? "" : "s"})`;
  }
}
