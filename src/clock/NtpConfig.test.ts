import { describe, expect, it } from "vitest";
import { NTP_LAN, NTP_WAN, validateNtpConfig } from "./NtpConfig.js";

describe("validateNtpConfig", () => {
  it("shows that the presets are ±35 ms LAN and ±100 ms WAN with ntpd's threshold and slew", () => {
    expect(validateNtpConfig(NTP_LAN, "ntp")).toEqual(NTP_LAN);
    expect(NTP_LAN.errorMs).toBe(35);
    expect(NTP_WAN.errorMs).toBe(100);
    expect(validateNtpConfig({ intervalMs: 1000, errorMs: 5 }, "ntp")).toEqual({
      intervalMs: 1000,
      errorMs: 5,
      stepThresholdMs: 128,
      slewRatePpm: 500,
    });
  });

  it("shows that a zero interval, a negative error and unknown keys fail with the field path", () => {
    expect(() => validateNtpConfig({ intervalMs: 0, errorMs: 5 }, "nodes.n1.ntp")).toThrow(
      /`nodes\.n1\.ntp\.intervalMs` must be > 0/,
    );
    expect(() => validateNtpConfig({ intervalMs: 1, errorMs: -5 }, "ntp")).toThrow(/errorMs/);
    expect(() => validateNtpConfig({ intervalMs: 1, errorMs: 0, slew: 1 }, "ntp")).toThrow(
      /ntp\.slew/,
    );
    expect(validateNtpConfig({ intervalMs: 1, errorMs: 0 }, "ntp").errorMs).toBe(0);
  });
});
