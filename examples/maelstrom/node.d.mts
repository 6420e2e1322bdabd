// Types of node.mjs for TypeScript callers (murphy's tests run its logic inside the simulator).

export interface NodeMessage {
  src: string;
  dest: string;
  body: { type: string; msg_id?: number; in_reply_to?: number; [field: string]: unknown };
}

export interface NodeEnv {
  send(message: NodeMessage): void;
  every(ms: number, fn: () => void): void;
  now(): number;
  log(text: string): void;
}

export function createNode(
  env: NodeEnv,
  mode: string,
  bug: string | null,
): { handle(message: NodeMessage): void };
