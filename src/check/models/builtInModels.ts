// The models murphy ships, by the name the CLI and scenarios use.

import { ConfigError } from "../../core/errors.js";
import type { SequentialModel } from "../Model.js";
import { casKvModel } from "./casKvModel.js";
import { counterModel } from "./counterModel.js";
import { kvModel } from "./kvModel.js";
import { queueModel } from "./queueModel.js";
import { registerModel } from "./registerModel.js";
import { setModel } from "./setModel.js";

export const builtInModels = {
  register: registerModel,
  kv: kvModel,
  set: setModel,
  queue: queueModel,
  counter: counterModel,
  "cas-kv": casKvModel,
} as const;

export type BuiltInModelName = keyof typeof builtInModels;

export const builtInModelNames = Object.keys(builtInModels) as BuiltInModelName[];

/** The built-in model called `name`; a ConfigError listing the names otherwise. */
export function builtInModel(name: string, field = "model"): SequentialModel<unknown> {
  if (!Object.hasOwn(builtInModels, name)) {
    throw new ConfigError({
      field,
      value: name,
      expected: `one of ${builtInModelNames.join(", ")}`,
      fix: "pick a built-in model, or pass your own Model to checkLinearizability",
    });
  }
  return builtInModels[name as BuiltInModelName] as unknown as SequentialModel<unknown>;
}
