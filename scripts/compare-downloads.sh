#!/usr/bin/env bash
# compare-downloads.sh FAKE_BIN POSTS LATENCY_MS PORT RUNS BIN... : two builds (or more)
# side by side against one fake, interleaved run by run (the machine is shared, so a
# burst of load hits every build alike).
#
# FAKE_BIN's `fake-server` serves POSTS posts, answering every request after LATENCY_MS
# (a build with `--latency`). Each BIN gets its own HOME (state.json), authorizes once,
# then each run, for each BIN in turn: a first `download --all -q` into an empty folder,
# three re-runs into that folder (nothing new) and a `feed --all --json > /dev/null`.
# With CURL=1, each run also fetches the same files with `xargs -P4 curl` (the URLs from
# `feed --all --json`, as scripts/download-bench.sh). One line per measurement with the
# load average before it, then the medians.
#
#   scripts/compare-downloads.sh new/instatui 230 40 18600 3 old/instatui new/instatui
set -euo pipefail
FAKE_BIN=$(realpath "$1"); POSTS=$2; LATENCY=$3; PORT=$4; RUNS=$5; shift 5
BINS=(); for b in "$@"; do BINS+=("$(realpath "$b")"); done
T=$(mktemp -d)
export INSTATUI_BASE_URL=http://127.0.0.1:$PORT INSTATUI_APP_SECRET=3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c
"$FAKE_BIN" fake-server --port "$PORT" --posts "$POSTS" --latency "$LATENCY" >"$T/fake.log" 2>&1 &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

as() { # as I CMD...: run build I's CMD in its own HOME
  local i=$1; shift; local H=$T/home$i
  HOME=$H XDG_CONFIG_HOME=$H/config XDG_DATA_HOME=$H/data XDG_CACHE_HOME=$H/cache \
    "${BINS[$i]}" "$@"
}
for i in "${!BINS[@]}"; do
  mkdir -p "$T/home$i"
  as "$i" setup --app-id 990602627938098 --redirect-uri https://localhost/instatui/auth/ >/dev/null
  URL=$(as "$i" authorize 2>/dev/null)
  curl -s -o /dev/null -w '%{redirect_url}' "$URL&fake_login=larch_and_lake" | as "$i" exchange >/dev/null
done
as 0 feed --all --json >"$T/feed.json"
jq -r '.[] | (if .children then .children.data[] else . end)
  | if .media_type == "VIDEO" and .media_url == null then .thumbnail_url else .media_url end' \
  "$T/feed.json" >"$T/urls"
echo "# $POSTS posts, $(wc -l <"$T/urls") files, ${LATENCY} ms a request, $RUNS runs, $(nproc) cores"

seconds() { # seconds CMD...: wall time of CMD, 2 decimals
  local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }'
}
declare -A all
note() { # note KEY SECONDS EXTRA
  echo "run $run $1: $2 s ($3load $(cut -d' ' -f1 /proc/loadavg))"; all[$1]+="$2 "
}
for run in $(seq "$RUNS"); do
  for i in "${!BINS[@]}"; do
    out=$T/out$i; rm -rf "$out"; mkdir -p "$out"
    t=$(seconds as "$i" download --all -q --out "$out"); note "build$i first" "$t" "$(find "$out" -type f | wc -l) files, "
    for r in 1 2 3; do t=$(seconds as "$i" download --all -q --out "$out"); note "build$i re-run" "$t" ""; done
    t=$(seconds as "$i" feed --all --json); note "build$i feed --all --json" "$t" ""
  done
  if [ "${CURL:-0}" = 1 ]; then
    out=$T/curl; rm -rf "$out"; mkdir -p "$out"
    t=$(seconds bash -c "cd '$out' && nl -w1 -s' ' '$T/urls' | xargs -P4 -n2 curl -s -o")
    note "xargs -P4 curl" "$t" "$(find "$out" -type f | wc -l) files, "
  fi
done
for i in "${!BINS[@]}"; do echo "# build$i: ${BINS[$i]}"; done
for key in "${!all[@]}"; do
  median=$(echo "${all[$key]}" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  echo "median $key: $median s (${all[$key]% })"
done | sort
