#!/usr/bin/env sh
# An example pool, made with weirctl: HTTP on :8080 across two backends, with HTTP health
# checks, a drain timeout, and a guard against draining too much at once.
set -eu
weirctl="$(dirname "$(readlink -f "$0")")/../bin/weirctl"
"$weirctl" pool create web --listen 0.0.0.0:8080 --algorithm least-connections \
  --health-check http --health-path /healthz --health-interval 2s \
  --drain-timeout 5m --max-drain-percent 50
"$weirctl" backend add web 10.0.0.11:8080 --weight 10
"$weirctl" backend add web 10.0.0.12:8080 --weight 10 --wait
"$weirctl" pool show web
