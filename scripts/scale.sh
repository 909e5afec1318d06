#!/usr/bin/env bash
# Measures a sweep, a recheck and the reports at one or more scales of the
# simulated world, each in its own process against 'exposure sim' served
# from another, so the figures are the sweeping process's alone.
#
#   scripts/scale.sh 1 10        # the study's size, then ten times it
#
# Prints one line per scale: sweep time, posts read and posts/s, the sweep's
# peak RSS, database size, and the time of 'review list', 'report' and the
# recheck, then the requests each platform served. Needs GNU time
# (/usr/bin/time, Debian package 'time') for peak RSS, curl, bc and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/exposure" ./cmd/exposure
bin="$work/exposure"
for k in BEARER_TOKEN CONSUMER_KEY CONSUMER_SECRET ACCESS_TOKEN ACCESS_SECRET; do
  export "EXPOSURE_TWITTER_$k=scale-run"
done
export EXPOSURE_OPERATOR="scale run"

# secs runs a command and prints its wall time in seconds.
secs() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# requests summarises a /_sim/status document: requests per Twitter
# endpoint and to the site.
requests() {
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(", ".join("%s %d" % kv for kv in sorted(s["twitter_requests"].items())) + "; site %d" % s["site_requests"])' "$1"
}

requests=()
printf '%-6s %9s %10s %9s %9s %9s %9s %9s %9s\n' scale sweep_s posts posts/s peak_MB db_MB list_s report_s recheck_s
for scale in "${@:-1}"; do
  dir="$work/s$scale"
  mkdir -p "$dir"
  "$bin" sim --scale "$scale" --config-out "$dir/sweep.yaml" >"$dir/sim.out" 2>"$dir/sim.err" &
  sim=$!
  for _ in $(seq 600); do [ -s "$dir/sweep.yaml" ] && break; sleep 0.5; done
  url=$(grep -m1 -o 'http://127\.0\.0\.1:[0-9]*' "$dir/sweep.yaml")
  db="$dir/e.db"

  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$dir/rss" "$bin" --db "$db" --log-level warn sweep --config "$dir/sweep.yaml" --workers 8 >"$dir/sweep.out" 2>"$dir/sweep.err"
  t1=$(date +%s.%N)
  sweep=$(echo "$t1 - $t0" | bc)
  posts=$(awk '/posts read/ {gsub(",", "", $3); print $3; exit}' "$dir/sweep.out")
  curl -fsS "$url/_sim/status" >"$dir/status-sweep.json"
  rss=$(( $(cat "$dir/rss") / 1024 ))
  dbmb=$(( $(stat -c %s "$db") / 1024 / 1024 ))

  "$bin" --db "$db" review confirm --all --reviewer "DS Scale" >/dev/null 2>&1
  "$bin" --db "$db" refer --all-forces --by "DS Scale" >/dev/null 2>&1
  list=$(secs "$bin" --db "$db" review list --state all --limit 0)
  "$bin" sim advance --months 12 --url "$url" >/dev/null
  recheck=$(secs "$bin" --db "$db" --log-level warn recheck --config "$dir/sweep.yaml" --due 0)
  curl -fsS "$url/_sim/status" >"$dir/status-recheck.json"
  report=$(secs "$bin" --db "$db" report --format html --out "$dir/report.html")

  printf '%-6s %9.1f %10s %9.0f %9s %9s %9.2f %9.2f %9.1f\n' "$scale" "$sweep" "$posts" \
    "$(echo "$posts / $sweep" | bc -l)" "$rss" "$dbmb" "$list" "$report" "$recheck"
  requests+=("$scale: sweep $(requests "$dir/status-sweep.json"); after the recheck $(requests "$dir/status-recheck.json")")
  kill "$sim"; wait "$sim" 2>/dev/null || true
done
echo
echo "Requests the simulated platforms served (cumulative), to price a sweep at the real rate limits:"
printf '  %s\n' "${requests[@]}"
