// A node's storage in a real Maelstrom process: memory only. Maelstrom nodes keep no disk (a kill
// restarts them empty), so `sync` has nothing to make durable; values are copied on the way in
// and out like the simulator's disk, so callers cannot change them behind its back.

import type { Storage } from "../../sim/NodeApi.js";

export class MemoryStorage implements Storage {
  private readonly values = new Map<string, unknown>();

  get<T = unknown>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  set(key: string, value: unknown): void {
    this.values.set(key, structuredClone(value));
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  keys(): string[] {
    return [...this.values.keys()].sort();
  }

  sync(): void {}
}
