// Output paths are checked before the work that fills them: a sweep of an hour must not end in
// "cannot write". The file is not created here, only its directory checked.

import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../core/errors.js";

export function checkOutputPath(field: string, path: string): void {
  const full = resolve(path);
  if (existsSync(full) && statSync(full).isDirectory()) {
    throw new ConfigError({
      field,
      value: path,
      expected: "a file path, not a directory",
      fix: `name a file inside it, e.g. ${path.replace(/\/$/, "")}/out.json`,
    });
  }
  const dir = dirname(full);
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError({
      field,
      value: path,
      expected: "a path in an existing, writable directory",
      fix: `create ${dir} first, or write somewhere else`,
    });
  }
}
