// How far from true rate any clock model may run, and so how hard NTP may slew one: beyond ±10% a
// "clock" is broken hardware, and a monotonic clock slewed back that hard could stop; we refuse it.
export const MAX_DRIFT_PPM = 100_000;
