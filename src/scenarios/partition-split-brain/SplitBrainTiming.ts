// Timing that the split-brain scenario's replicas and clients share.

/** How often a primary tells the others it is alive (and how often replicas check on it). */
export const HEARTBEAT_MS = 50;
/** How long any request waits for an answer before it counts as lost. */
export const REQUEST_TIMEOUT_MS = 150;
