# mem.sh PORT BIN...: peak RSS of `feed --all --json` at 10,000 posts, each BIN
PORT=$1; shift; H=$(mktemp -d)
export HOME=$H XDG_CONFIG_HOME=$H/config XDG_DATA_HOME=$H/data XDG_CACHE_HOME=$H/cache
export INSTATUI_BASE_URL=http://127.0.0.1:$PORT INSTATUI_APP_SECRET=3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c
$1 fake-server --port $PORT --posts 10000 > /dev/null 2>&1 & FAKE=$!; sleep 2
$1 setup --app-id 990602627938098 --redirect-uri https://localhost/instatui/auth/ >/dev/null
URL=$($1 authorize 2>/dev/null); curl -s -o /dev/null -w '%{redirect_url}' "$URL&fake_login=larch_and_lake" | $1 exchange >/dev/null 2>&1
for BIN in "$@"; do
  for i in 1 2 3; do /usr/bin/time -f "$BIN: maxrss %M KiB, %e s" $BIN feed --all --json > /dev/null; done
  $BIN feed --all --json | md5sum
done
kill $FAKE; rm -rf $H
