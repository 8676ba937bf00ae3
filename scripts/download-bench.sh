#!/usr/bin/env bash
# download-bench.sh BIN POSTS LATENCY_MS PORT [RUNS]
#
# A first `instatui download --all` against `instatui fake-server` answering every
# request after LATENCY_MS, side by side with `xargs -P4 curl` and `xargs -P16 curl`
# fetching the same files (one curl process per file, the URLs from `feed --all --json`,
# album items each, a cover for a video the API offers no file for). Each tool runs
# RUNS times (3 by default) into a fresh folder; one line per run (seconds), then the
# medians, and the load average before each run (the machine is shared).
#
#   scripts/download-bench.sh target/release/instatui 230 40 18500
#   scripts/download-bench.sh target/release/instatui 10000 40 18501 3
set -euo pipefail
BIN=$(realpath "$1")
POSTS=$2
LATENCY=$3
PORT=$4
RUNS=${5:-3}
H=$(mktemp -d)
export HOME=$H XDG_CONFIG_HOME=$H/config XDG_DATA_HOME=$H/data XDG_CACHE_HOME=$H/cache
export INSTATUI_BASE_URL=http://127.0.0.1:$PORT INSTATUI_APP_SECRET=3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c
"$BIN" fake-server --port "$PORT" --posts "$POSTS" --latency "$LATENCY" >"$H/fake.log" 2>&1 &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; rm -rf "$H"' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.1
done
"$BIN" setup --app-id 990602627938098 --redirect-uri https://localhost/instatui/auth/ >/dev/null
URL=$("$BIN" authorize 2>/dev/null)
# The fake's login page: log in as the demo account, which redirects with the code.
curl -s -o /dev/null -w '%{redirect_url}' "$URL&fake_login=larch_and_lake" | "$BIN" exchange >/dev/null

"$BIN" feed --all --json >"$H/feed.json"
jq -r '.[] | (if .children then .children.data[] else . end)
  | if .media_type == "VIDEO" and .media_url == null then .thumbnail_url else .media_url end' \
  "$H/feed.json" >"$H/urls"
FILES=$(wc -l <"$H/urls")
echo "# $POSTS posts, $FILES files, ${LATENCY} ms a request, $RUNS runs each, $(nproc) cores"

seconds() { # seconds CMD...: wall time of CMD, 2 decimals
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }'
}
instatui() { "$BIN" download --all -q --out "$H/out" >"$H/summary"; }
curls() { (cd "$H/out" && nl -w1 -s' ' "$H/urls" | xargs -P"$1" -n2 curl -s -o); }

declare -A all
for run in $(seq "$RUNS"); do
  for tool in instatui curl-P4 curl-P16; do
    rm -rf "$H/out"
    mkdir -p "$H/out"
    load=$(cut -d' ' -f1 /proc/loadavg)
    case $tool in
      instatui) t=$(seconds instatui) ;;
      curl-P4) t=$(seconds curls 4) ;;
      curl-P16) t=$(seconds curls 16) ;;
    esac
    got=$(find "$H/out" -type f | wc -l)
    echo "run $run $tool: $t s ($got files, load $load)"
    all[$tool]+="$t "
  done
done
for tool in instatui curl-P4 curl-P16; do
  median=$(echo "${all[$tool]}" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  echo "median $tool: $median s (${all[$tool]% })"
done
