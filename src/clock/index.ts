export * from "./NtpConfig.js";
export * from "./PhysicalClock.js";
