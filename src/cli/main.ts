#!/usr/bin/env node
// The `murphy` command: runs murphy.ts on this process's arguments and exits with its code.
// Exit codes: 0 the expected outcome held, 1 a property was violated, 2 unknown or bad input.

import { murphy } from "./murphy.js";

murphy(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // murphy() catches every error itself; this is the last guard, still one line.
    console.error(`murphy: internal error: ${String(error).split("\n")[0]}`);
    process.exitCode = 2;
  },
);
