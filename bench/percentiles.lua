-- wrk prints 50/75/90/99% only; the benchmarks report p50 and p95 (latency is in microseconds).
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2fms\n", latency:percentile(50) / 1000))
  io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
