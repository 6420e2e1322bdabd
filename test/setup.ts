// Property tests are reproducible like everything else in murphy: fast-check runs from a fixed
// seed, so CI sees the same cases every time. Explore with FC_SEED=random (fast-check prints the
// seed of any failure), or replay one with FC_SEED=<seed>.
import fc from "fast-check";

const seed = process.env.FC_SEED;
if (seed !== "random") fc.configureGlobal({ seed: seed === undefined ? 1 : Number(seed) });
