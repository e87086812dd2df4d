-- wrk script for the timed GET phases (product list, /healthz): a machine-readable summary.
function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"answered": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, "statuses": {"non_2xx_3xx": %d}, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
