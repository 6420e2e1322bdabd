// Runs an example's `main` when the file is executed directly (node dist/examples/NN-name.js),
// printing its lines; the examples test imports `main` instead and compares the lines.
import { pathToFileURL } from "node:url";

export function runIfMain(moduleUrl: string, main: () => Promise<string[]>): void {
  const entry = process.argv[1];
  if (entry !== undefined && moduleUrl === pathToFileURL(entry).href) {
    main().then(
      (lines) => console.log(lines.join("\n")),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
