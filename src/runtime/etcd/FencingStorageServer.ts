// The chapter's storage service, on a loopback port: clients POST writes that carry a fencing
// token. The fenced variant keeps its data in a FencedStore, which refuses a token lower than one
// it already accepted for the resource; the unfenced variant takes every write. Either way it
// records the writes it accepted, in order, for the fencing checker.
//
// Requests are untrusted input: the body is size-limited and validated field by field, and a
// malformed one gets a 400, never a crash.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AcceptedWrite } from "../../check/checkFencing.js";
import { FencedStore } from "../../primitives/FencedStore.js";
import { StaleFencingTokenError } from "../../primitives/errors.js";

export type StorageVariant = "fenced" | "unfenced";

export interface StorageWrite {
  readonly resource: string;
  readonly value: string;
  readonly token: number;
  readonly writer: string;
}

const MAX_BODY_BYTES = 64 * 1024;

export class FencingStorageServer {
  /** Per resource, the writes accepted, in the order they were accepted. */
  readonly accepted = new Map<string, AcceptedWrite[]>();
  /** Per resource, how many writes were refused for a stale token. */
  readonly refused = new Map<string, number>();
  private readonly fenced = new FencedStore<string>();
  private readonly plain = new Map<string, string>();
  private readonly server: http.Server;
  private readonly startMs = performance.now();

  private constructor(readonly variant: StorageVariant) {
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  static async start(variant: StorageVariant): Promise<FencingStorageServer> {
    const storage = new FencingStorageServer(variant);
    await new Promise<void>((resolve, reject) => {
      storage.server.once("error", reject);
      storage.server.listen(0, "127.0.0.1", () => resolve());
    });
    return storage;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  read(resource: string): string | undefined {
    return this.variant === "fenced" ? this.fenced.read(resource) : this.plain.get(resource);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Applies one write; true if accepted, false if refused for a stale token. */
  write(write: StorageWrite): boolean {
    if (this.variant === "fenced") {
      try {
        this.fenced.write(write.resource, write.value, write.token);
      } catch (error) {
        if (!(error instanceof StaleFencingTokenError)) throw error;
        this.refused.set(write.resource, (this.refused.get(write.resource) ?? 0) + 1);
        return false;
      }
    } else {
      this.plain.set(write.resource, write.value);
    }
    const atMicros = Math.round((performance.now() - this.startMs) * 1000);
    const list = this.accepted.get(write.resource) ?? [];
    list.push({ epoch: write.token, writer: write.writer, atMicros });
    this.accepted.set(write.resource, list);
    return true;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const reply = (status: number, body: object) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST" || request.url !== "/write") {
      reply(404, { error: "POST /write only" });
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) {
        reply(413, { error: `body longer than ${MAX_BODY_BYTES} bytes` });
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => {
      const write = parseWrite(Buffer.concat(chunks).toString("utf8"));
      if (typeof write === "string") {
        reply(400, { error: write });
        return;
      }
      reply(200, { accepted: this.write(write) });
    });
  }
}

/** A write from a request body, or what is wrong with it. */
function parseWrite(text: string): StorageWrite | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (typeof body !== "object" || body === null) return "body is not an object";
  const { resource, value, token, writer } = body as Record<string, unknown>;
  if (typeof resource !== "string" || typeof value !== "string" || typeof writer !== "string") {
    return "resource, value and writer must be strings";
  }
  if (typeof token !== "number" || !Number.isSafeInteger(token) || token < 0) {
    return `token must be a non-negative integer, got ${JSON.stringify(token)}`;
  }
  return { resource, value, token, writer };
}

/** A client's write to the storage service; resolves whether it was accepted. */
export function writeToStorage(storageUrl: string, write: StorageWrite): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(write);
    const request = http.request(`${storageUrl}/write`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      timeout: 10_000,
    });
    request.on("timeout", () => request.destroy(new Error("storage did not answer in 10 s")));
    request.on("error", reject);
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < MAX_BODY_BYTES) body += chunk;
      });
      response.on("end", () => {
        try {
          const parsed = JSON.parse(body) as { accepted?: unknown; error?: unknown };
          if (response.statusCode === 200 && typeof parsed.accepted === "boolean") {
            resolve(parsed.accepted);
          } else reject(new Error(`storage refused the request: ${String(parsed.error)}`));
        } catch {
          reject(new Error(`storage sent an unparseable reply (HTTP ${response.statusCode})`));
        }
      });
    });
    request.end(payload);
  });
}
