// Lint configuration. The determinism rule is the one that matters most: code the simulator
// reaches may take time and randomness only from the kernel, so the nondeterministic globals are
// banned everywhere except the real runtime, the CLI and the benchmarks, and each ban names the
// replacement.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const determinism = {
  "no-restricted-properties": [
    "error",
    {
      object: "Math",
      property: "random",
      message: "Nondeterministic: use the seeded Rng passed in (ctx.random or a derived stream).",
    },
    {
      object: "Date",
      property: "now",
      message: "Nondeterministic: use the Clock passed in (ctx.clock.wallMs() or monotonicMs()).",
    },
    {
      object: "performance",
      property: "now",
      message: "Nondeterministic: use the Clock passed in (ctx.clock.monotonicMs()).",
    },
    {
      object: "crypto",
      property: "randomUUID",
      message: "Nondeterministic: derive ids from the seeded Rng (rng.uuid()).",
    },
  ],
  "no-restricted-globals": [
    "error",
    {
      name: "setTimeout",
      message: "Nondeterministic: use the Timers passed in (ctx.setTimer or ctx.sleep).",
    },
    {
      name: "setInterval",
      message: "Nondeterministic: use the Timers passed in (ctx.setTimer, re-armed).",
    },
    {
      name: "setImmediate",
      message: "Nondeterministic: schedule work through the kernel's Timers.",
    },
  ],
  "no-restricted-syntax": [
    "error",
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: "Nondeterministic: new Date() reads the real clock; use the Clock passed in.",
    },
  ],
};

export default tseslint.config(
  { ignores: [".build-*/**", "dist/**", "node_modules/**", "out/**", "test/corpus/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      ...determinism,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // The real world: real clocks, real timers, real randomness are the point here (the
    // Maelstrom harness's real-time host and its processes included).
    files: [
      "src/runtime/**",
      "src/maelstrom/real/**",
      "src/cli/**",
      "bench/**",
      "**/*.test.ts",
      "*.config.*",
      "test/**",
    ],
    rules: {
      "no-restricted-properties": "off",
      "no-restricted-globals": "off",
      "no-restricted-syntax": "off",
    },
  },
);
