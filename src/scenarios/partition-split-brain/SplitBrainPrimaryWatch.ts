// Who believes it is primary in the split-brain scenario, observed from outside the system: the
// replicas report every change, and the watch measures how many primaries there were at once and
// for how long there were two or more.

export class PrimaryWatch {
  private readonly primaries = new Set<string>();
  maxPrimaries = 0;
  splitMs = 0;
  private splitSinceMs: number | undefined;

  constructor(private readonly nowMs: () => number) {}

  set(id: string, primary: boolean): void {
    if (primary) this.primaries.add(id);
    else this.primaries.delete(id);
    this.maxPrimaries = Math.max(this.maxPrimaries, this.primaries.size);
    const split = this.primaries.size >= 2;
    if (split && this.splitSinceMs === undefined) this.splitSinceMs = this.nowMs();
    if (!split && this.splitSinceMs !== undefined) {
      this.splitMs += this.nowMs() - this.splitSinceMs;
      this.splitSinceMs = undefined;
    }
  }

  finish(): void {
    this.set("", false);
  }
}
