// For tests that start real processes: whether a pid still names a running process (signal 0
// checks without sending anything), so a test can show that every process it started is gone.

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
