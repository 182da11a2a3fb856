-- wrk script for the latency workload: every connection pauses 5 ms after each response before
-- its next request, so 11 connections make a steady, moderate load of about 2,000 req/s (the
-- achieved rate is in each run's note). wrk then reports latency percentiles to the microsecond,
-- where hey's summary has steps of 0.1 ms.
function delay()
  return 5
end
