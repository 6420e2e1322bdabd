// Everything a primitive takes, for production, in one call: a real clock, real timers and crypto
// randomness. `const { clock, timers, random } = realRuntime();`

import { CryptoRandom } from "./CryptoRandom.js";
import { RealClock, type RealClockOptions } from "./RealClock.js";
import { RealTimers } from "./RealTimers.js";

export interface RealRuntime {
  readonly clock: RealClock;
  readonly timers: RealTimers;
  readonly random: CryptoRandom;
}

export function realRuntime(options: RealClockOptions = {}): RealRuntime {
  return { clock: new RealClock(options), timers: new RealTimers(), random: new CryptoRandom() };
}
