#!/bin/sh
# Replays issue 11's SIGKILL audit: `instatui setup` (which saves state.json)
# killed with SIGKILL at a random moment, N times, in a throw-away home.
# Then checks that state.json was never torn, counts the temp files the kills
# left, starts instatui once, and counts again: none may be left.
#
#   cargo build && scripts/replay-sigkill.sh [N] [path/to/instatui]
#
# Prints one summary line; exits 1 if state.json is torn or a temp file stays.
set -eu
n=${1:-400}
bin=${2:-${CARGO_TARGET_DIR:-target}/debug/instatui}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    XDG_CACHE_HOME="$home/cache" INSTATUI_APP_SECRET=3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c
unset INSTATUI_CONFIG_DIR INSTATUI_DATA_DIR INSTATUI_CACHE_DIR
dir="$home/config/instatui"
count() { find "$dir" -maxdepth 1 -name '.state.json.*.tmp' 2>/dev/null | wc -l | tr -d ' '; }
i=0
hits=0
secret=0
while [ "$i" -lt "$n" ]; do
    # A new app id each time, so that every run has something to write.
    "$bin" setup --app-id "99060262793$(printf %04d "$i")" \
        --redirect-uri https://example.org/auth/ >/dev/null 2>&1 &
    pid=$!
    # Anywhere from before the write to after it (0-9 ms).
    sleep "0.00$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # What this kill left (the next start removes it).
    if [ "$(count)" -gt 0 ]; then
        hits=$((hits + 1))
        if grep -q "$INSTATUI_APP_SECRET" "$dir"/.state.json.*.tmp 2>/dev/null; then
            secret=$((secret + 1))
        fi
    fi
    i=$((i + 1))
done
torn=0
if [ -f "$dir/state.json" ]; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/state.json" || torn=1
fi
left=$(count)
"$bin" status >/dev/null 2>&1 || true
after=$(count)
echo "$n kills: state.json torn: $torn; kills that left a temp file: $hits ($secret holding the app secret); left at the end: $left; after one more start: $after"
[ "$torn" -eq 0 ] && [ "$after" -eq 0 ]
