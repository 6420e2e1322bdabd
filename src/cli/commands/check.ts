// `murphy check FILE --model NAME`: checks a recorded history for linearizability against a
// built-in model. Reads murphy JSONL, Jepsen log lines or Jepsen EDN (detected from the first line
// unless --format says). Exit codes: 0 linearizable, 1 not, 2 unknown (budget ran out) or bad input.
// The file is untrusted: its size is bounded (--max-input-mb), its numbers read exactly, and what
// it says is escaped before it reaches the terminal. The search is bounded by --max-steps and
// --max-state-mb, budgets that give the same verdict on any machine; --timeout-ms adds a wall-time
// guard only when given. Near the heap's limit it answers unknown (heap), never aborts: that stop
// and the wall-time guard are the only ones that depend on the machine.

import { getHeapStatistics } from "node:v8";
import type { Command } from "commander";
import pc from "picocolors";
import {
  checkLinearizability,
  DEFAULT_MAX_STATE_BYTES,
  DEFAULT_MAX_STEPS,
  HEAP_SHARE,
  type HeapProbe,
} from "../../check/checkLinearizability.js";
import { formatLinearizability } from "../../check/formatLinearizability.js";
import type { LinearizabilityResult } from "../../check/LinearizabilityResult.js";
import { builtInModel, builtInModelNames } from "../../check/models/builtInModels.js";
import { ConfigError, MurphyError } from "../../core/errors.js";
import { requireOneOf } from "../../core/validate.js";
import { readJepsenEdn, readJepsenLog } from "../../workload/JepsenHistory.js";
import { readHistoryJsonlDetailed } from "../../workload/MurphyJsonl.js";
import type { History } from "../../workload/Operation.js";
import { terminalSafe, terminalSafeJson, terminalSafeLines } from "../../report/terminalSafe.js";
import { MAX_INPUT_BYTES, readInputFile } from "../readInputFile.js";
import { numberFlag } from "../numberFlag.js";

const MB = 1024 * 1024;
const FORMATS = ["auto", "murphy", "jepsen-log", "jepsen-edn"] as const;
type Format = (typeof FORMATS)[number];

interface CheckOptions {
  model?: string;
  format: string;
  timeoutMs?: string;
  maxSteps?: string;
  maxStateMb?: string;
  /** The former name of --max-state-mb. */
  maxMemoryMb?: string;
  maxInputMb?: string;
  json?: boolean;
}

export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("check a recorded history for linearizability (exit 0 ok, 1 illegal, 2 unknown)")
    .argument("<file>", "the history: murphy JSONL, Jepsen log lines or Jepsen EDN")
    .option("--model <name>", `the object's model: ${builtInModelNames.join(", ")}`)
    .option("--format <format>", `the file's format: ${FORMATS.join(", ")}`, "auto")
    .option(
      "--max-steps <n>",
      "answer unknown after this many model steps (deterministic)",
      String(DEFAULT_MAX_STEPS),
    )
    .option(
      "--max-state-mb <n>",
      "answer unknown when the search's remembered states measure more (deterministic) " +
        `(default: ${DEFAULT_MAX_STATE_BYTES / MB})`,
    )
    .option("--max-memory-mb <n>", "the former name of --max-state-mb")
    .option("--timeout-ms <n>", "also answer unknown after this much wall time (off by default)")
    .option(
      "--max-input-mb <n>",
      "refuse a history file larger than this",
      String(MAX_INPUT_BYTES / (1024 * 1024)),
    )
    .option("--json", "print the result as JSON")
    .action((file: string, options: CheckOptions) => {
      process.exitCode = checkCommand(file, options);
    });
}

export function checkCommand(file: string, options: CheckOptions): number {
  // The time budget covers reading and parsing the file too, not only the search.
  const startedMs = performance.now();
  if (options.model === undefined) {
    throw new ConfigError({
      field: "--model",
      value: undefined,
      expected: `one of ${builtInModelNames.join(", ")}`,
      fix: "say what object the history is of, e.g. --model register",
    });
  }
  const model = builtInModel(options.model, "--model");
  const format = requireOneOf<Format>("--format", options.format, FORMATS);
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : positiveNumber("--timeout-ms", options.timeoutMs);
  const maxSteps = positiveInteger("--max-steps", options.maxSteps ?? String(DEFAULT_MAX_STEPS));
  const [stateFlag, stateText] =
    options.maxStateMb === undefined && options.maxMemoryMb !== undefined
      ? ["--max-memory-mb", options.maxMemoryMb]
      : ["--max-state-mb", options.maxStateMb ?? String(DEFAULT_MAX_STATE_BYTES / MB)];
  const maxStateMb = positiveNumber(stateFlag, stateText);
  const maxInputMb = positiveNumber("--max-input-mb", options.maxInputMb ?? "256");
  const text = readInputFile(file, "history file", Math.floor(maxInputMb * 1024 * 1024));
  const chosen = format === "auto" ? detectFormat(text) : format;
  const where = `${terminalSafe(file)} (${chosen})`;
  let parsed: { history: History; timeOffsetMicros: bigint };
  try {
    parsed = parse(text, chosen);
  } catch (error) {
    if (error instanceof MurphyError) {
      console.error(pc.red(`murphy: ${where}: ${terminalSafe(error.message)}`));
      return 2;
    }
    throw error;
  }
  const { history, timeOffsetMicros } = parsed;
  if (history.length === 0) {
    // An empty history is linearizable, but a check of nothing is more likely a wrong file.
    console.error(pc.red(`murphy: ${where}: no operations found; pass a non-empty history`));
    return 2;
  }
  const heap = heapProbe();
  warnIfBeyondHeap(stateFlag, maxStateMb, heap);
  const clock = { monotonicMs: () => performance.now() };
  let result: LinearizabilityResult;
  try {
    result = checkLinearizability(history, model, {
      clock,
      ...(timeoutMs === undefined
        ? {}
        : { timeoutMs: Math.max(1, timeoutMs - (performance.now() - startedMs)) }),
      maxSteps,
      maxStateBytes: maxStateMb * MB,
      heap,
    });
  } catch (error) {
    if (error instanceof MurphyError) {
      console.error(pc.red(`murphy: ${where}: ${terminalSafe(error.message)}`));
      return 2;
    }
    throw error;
  }
  printResult(file, chosen, result, timeOffsetMicros, options.json === true);
  return { ok: 0, illegal: 1, unknown: 2 }[result.verdict];
}

function printResult(
  file: string,
  format: string,
  result: LinearizabilityResult,
  timeOffsetMicros: bigint,
  json: boolean,
): void {
  const rebased = timeOffsetMicros !== 0n;
  if (json) {
    const offset = rebased ? { timeOffsetMicros: String(timeOffsetMicros) } : {};
    console.log(terminalSafeJson(JSON.stringify({ file, format, ...offset, ...result }, null, 2)));
    return;
  }
  // Jepsen files carry no usable times, only an order: their times are event positions.
  const times = format === "murphy" ? "micros" : "order";
  const out = terminalSafeLines(formatLinearizability(result, { times }));
  const colour = { ok: pc.green, illegal: pc.red, unknown: pc.yellow }[result.verdict];
  process.stdout.write(
    colour(out.slice(0, out.indexOf(":") + 1)) + out.slice(out.indexOf(":") + 1),
  );
  if (rebased) {
    console.log(
      pc.dim(`times past 2^53 µs: shown relative to ${timeOffsetMicros} µs, the file's earliest`),
    );
  }
}

/** V8's heap, for the checker to stop short of its limit. */
function heapProbe(): HeapProbe {
  return {
    usedBytes: () => getHeapStatistics().used_heap_size,
    limitBytes: getHeapStatistics().heap_size_limit,
  };
}

/** Says, before the search, when the budget is more than the heap can hold: it stops earlier. */
function warnIfBeyondHeap(flag: string, maxStateMb: number, heap: HeapProbe): void {
  const heapMb = Math.floor((HEAP_SHARE * heap.limitBytes) / MB);
  if (maxStateMb <= heapMb) return;
  console.error(
    pc.yellow(
      `murphy: ${flag} ${maxStateMb} is more than this process's heap can give the ` +
        `search (about ${heapMb} MB); it answers unknown (heap) before the heap runs out ` +
        "(node --max-old-space-size raises the heap)",
    ),
  );
}

function positiveInteger(field: string, text: string): number {
  return numberFlag(field, text, {
    integer: true,
    above: 0,
    expected: "a positive whole number",
    example: 1_000_000,
  });
}

function positiveNumber(field: string, text: string): number {
  return numberFlag(field, text, { above: 0, expected: "a positive number", example: 10_000 });
}

/**
 * From the first line that is neither blank nor an EDN `;` comment: murphy JSONL starts with `{"`,
 * Jepsen EDN with `{:` or a tag; anything else is a Jepsen log, bare (`0\t:invoke\t:read\tnil`) or
 * behind a log4j prefix (`INFO  jepsen.util - ...`, or jepsen.log's timestamped
 * `2017-03-07 16:05:06,135{GMT}\tINFO\t[jepsen worker 0] jepsen.util: ...`).
 */
export function detectFormat(text: string): Exclude<Format, "auto"> {
  const first =
    text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "" && !line.startsWith(";")) ?? "";
  if (first.startsWith('{"')) return "murphy";
  if (first.startsWith("{:") || first.startsWith("#")) return "jepsen-edn";
  return "jepsen-log";
}

function parse(
  text: string,
  format: Exclude<Format, "auto">,
): { history: History; timeOffsetMicros: bigint } {
  if (format === "murphy") return readHistoryJsonlDetailed(text);
  const history = format === "jepsen-edn" ? readJepsenEdn(text) : readJepsenLog(text);
  return { history, timeOffsetMicros: 0n };
}
