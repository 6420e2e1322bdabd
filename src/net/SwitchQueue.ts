// A switch output port: the queue in front of one receiving node's link. Packets leave one at a
// time, each taking `transmissionMicrosPerPacket` on the wire; the port buffers at most
// `capacityPackets` (the one on the wire included) and drops any arrival that finds it full
// (drop-tail). This is where queueing delay and tail latency come from when many senders talk to
// one receiver (incast), and where a full buffer turns congestion into loss.
//
// The state is O(1): only the time at which the last admitted packet finishes leaving. The
// occupancy an arrival sees is the backlog in front of it divided by the transmission time,
// rounded up: ceil((lastDepartureMicros - arrivalMicros) / transmissionMicrosPerPacket).
// Arrivals normally come in time order, but propagation delays differ, so a packet can reach the
// port "earlier" than one already admitted. Such a late-admitted early packet is placed behind
// everything already admitted (its departure is still >= its arrival), and its occupancy counts
// packets admitted after it in real order. That is the approximation: exact for in-order arrivals,
// conservative (slightly more queueing and drops) for out-of-order ones, and never wrong about
// causality.

import { ConfigError } from "../core/errors.js";
import { requireInteger, requireKnownKeys } from "../core/validate.js";
import { assert } from "../core/assert.js";

export interface SwitchQueueConfig {
  /** Packets the port can hold, the one being transmitted included; >= 1. */
  capacityPackets: number;
  /** Wire time of one packet in whole microseconds; >= 1. */
  transmissionMicrosPerPacket: number;
}

/** Checks an untrusted switch-queue config; `field` is its path, e.g. `network.switchQueue`. */
export function validateSwitchQueueConfig(config: unknown, field: string): SwitchQueueConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError({
      field,
      value: config,
      expected: "an object with capacityPackets and transmissionMicrosPerPacket",
      fix: 'write e.g. {"capacityPackets":1000,"transmissionMicrosPerPacket":12}',
    });
  }
  const record = config as Record<string, unknown>;
  requireKnownKeys(field, record, ["capacityPackets", "transmissionMicrosPerPacket"]);
  return {
    capacityPackets: requireInteger(`${field}.capacityPackets`, record.capacityPackets, 1),
    transmissionMicrosPerPacket: requireInteger(
      `${field}.transmissionMicrosPerPacket`,
      record.transmissionMicrosPerPacket,
      1,
    ),
  };
}

export class SwitchQueue {
  readonly capacityPackets: number;
  readonly transmissionMicrosPerPacket: number;

  /** Packets admitted (not dropped). */
  packets = 0;
  /** Packets dropped because the port was full. */
  drops = 0;
  /** Largest occupancy seen right after an admission, the admitted packet included. */
  maxQueueDepthPackets = 0;
  /** Sum over admitted packets of the time spent waiting behind others (own wire time excluded). */
  totalQueueingMicros = 0;

  /** When the last admitted packet finishes leaving; the port is idle from then on. */
  private lastDepartureMicros = -Infinity;

  constructor(config: SwitchQueueConfig, field = "network.switchQueue") {
    const valid = validateSwitchQueueConfig(config, field);
    this.capacityPackets = valid.capacityPackets;
    this.transmissionMicrosPerPacket = valid.transmissionMicrosPerPacket;
  }

  /** Packets in the port at `atMicros` (in front of an arrival at that instant). */
  depthAt(atMicros: number): number {
    const backlogMicros = this.lastDepartureMicros - atMicros;
    return backlogMicros <= 0 ? 0 : Math.ceil(backlogMicros / this.transmissionMicrosPerPacket);
  }

  /**
   * Admits a packet arriving at `arrivalMicros` and returns when it has left the port, or -1 when
   * the port already holds `capacityPackets` packets at that instant (the packet is dropped).
   */
  admit(arrivalMicros: number): number {
    assert(Number.isInteger(arrivalMicros), () => `arrival must be whole µs, got ${arrivalMicros}`);
    const depth = this.depthAt(arrivalMicros);
    if (depth >= this.capacityPackets) {
      this.drops++;
      return -1;
    }
    const startMicros = Math.max(arrivalMicros, this.lastDepartureMicros);
    const departureMicros = startMicros + this.transmissionMicrosPerPacket;
    this.lastDepartureMicros = departureMicros;
    this.packets++;
    this.totalQueueingMicros += startMicros - arrivalMicros;
    if (depth + 1 > this.maxQueueDepthPackets) this.maxQueueDepthPackets = depth + 1;
    return departureMicros;
  }

  /** Mean waiting time of admitted packets, in microseconds (0 before any). */
  meanQueueingMicros(): number {
    return this.packets === 0 ? 0 : this.totalQueueingMicros / this.packets;
  }
}
