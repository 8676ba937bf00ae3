#!/usr/bin/env bash
# Pictures in real terminal windows: runs `instatui --demo` in xterm (plain
# and -ti vt340), in kitty and in tmux inside a sixel xterm, all under Xvfb,
# drives it with xdotool, and checks screenshots of the picture region: a
# picture there (many colours), not placeholder boxes or text; also after
# moving the selection, after a resize, in the full-screen view and in the
# grid (t).
#
# Usage: .ci/real-terminals.sh [path/to/instatui]   (default: the debug build)
# Screenshots are kept in $SHOTS (default: a temporary directory, printed).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(xvfb xterm kitty xdotool x11-apps imagemagick tmux)
COMMANDS=(Xvfb xterm kitty xdotool xwd convert tmux)

skip() {
  echo "real-terminals: SKIPPED: $*" >&2
  exit 0
}

missing() {
  local c
  for c in "${COMMANDS[@]}"; do
    command -v "$c" >/dev/null 2>&1 || return 0
  done
  # Some images ship a `convert` stand-in that only shows PNGs: the checks
  # below need ImageMagick's own.
  convert -version 2>/dev/null | grep -q ImageMagick || return 0
  return 1
}

if missing; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    skip "needs ${PACKAGES[*]} (install them, or run as root on Debian/Ubuntu)"
  fi
  echo "== installing ${PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } >/tmp/real-terminals-apt.log 2>&1; then
    skip "could not install ${PACKAGES[*]} (see /tmp/real-terminals-apt.log)"
  fi
  missing && skip "still missing one of: ${COMMANDS[*]}"
fi

BUILT="${1:-${CARGO_TARGET_DIR:-target}/debug/instatui}"
[ -x "$BUILT" ] || { echo "real-terminals: no instatui binary at $BUILT (build first)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/real-terminals.XXXXXX)"
SHOTS="${SHOTS:-$WORK/shots}"
mkdir -p "$SHOTS"
# A copy: a rebuild meanwhile cannot swap the binary under the windows.
BIN="$WORK/instatui"
cp "$BUILT" "$BIN"

PIDS=()
TMUX_SOCKET="rt$$"
cleanup() {
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" >/dev/null 2>&1 || true; done
  rm -f "$BIN"
}
trap cleanup EXIT

# A free display number.
for n in $(seq 60 99); do
  [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { DISPLAY_NUM=$n; break; }
done
[ -n "${DISPLAY_NUM:-}" ] || skip "no free X display number"
Xvfb ":$DISPLAY_NUM" -screen 0 1400x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
export DISPLAY=":$DISPLAY_NUM"
up=0
for _ in $(seq 50); do
  if xwd -root -silent >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
[ "$up" -eq 1 ] || skip "Xvfb did not start (see $WORK/xvfb.log)"

FAILED=0
fail() {
  echo "  FAIL: $*" >&2
  FAILED=1
}

# Screenshot of one window.
shot() { # window name
  xwd -id "$1" -silent | convert xwd:- "$SHOTS/$2.png"
}

# Distinct colours in a region given in fractions of the window:
# colours <file> <x0> <y0> <x1> <y1>
colours() {
  local w h
  read -r w h < <(convert "$1" -format '%w %h' info:)
  local x0 y0 cw ch
  x0=$(awk "BEGIN{print int($w*$2)}"); y0=$(awk "BEGIN{print int($h*$3)}")
  cw=$(awk "BEGIN{print int($w*($4-$2))}"); ch=$(awk "BEGIN{print int($h*($5-$3))}")
  convert "$1" -crop "${cw}x${ch}+${x0}+${y0}" +repage -format %k info:
}

# The detail pane's picture region (wide layout: the pane is the right 55%,
# the picture its upper half).
PIC=(0.47 0.10 0.99 0.50)
# The demo's pictures have a hundred colours and more (sixel quantises to a
# palette); text, borders and placeholder boxes a handful (anti-aliased
# text a few dozen).
MIN_COLOURS=80
# The grid's left tiles: where the list's text is before `t`.
GRID=(0.02 0.15 0.44 0.85)

# Waits until the picture region of window $1 holds a picture; the last
# screenshot is kept as $2.png. Prints the colour count.
await_picture() { # window name [region...]
  local win=$1 name=$2 count=0
  shift 2
  local region=("$@")
  [ ${#region[@]} -eq 4 ] || region=("${PIC[@]}")
  for _ in $(seq 40); do
    shot "$win" "$name"
    count=$(colours "$SHOTS/$name.png" "${region[@]}")
    [ "$count" -ge "$MIN_COLOURS" ] && break
    sleep 0.25
  done
  echo "$count"
}

# Sends keys to the focused window, one at a time with a pause for the app.
keys() { # pause key...
  local pause=$1
  shift
  local k
  for k in "$@"; do
    xdotool key "$k"
    sleep "$pause"
  done
}

# Finds the window titled $1 and focuses it (xterm ignores synthetic key
# events, so keys go through XTEST to the focused window).
focus() {
  local win
  win=$(timeout 15 xdotool search --sync --name "^$1\$" | head -1) || return 1
  for _ in $(seq 20); do
    xdotool windowfocus --sync "$win" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "$win"
}

# The demo's way to the Feed with the first post's details open: s saves
# the credentials, o and Enter allow the consent stand-in, Enter exchanges,
# 4 goes to the Feed, Enter opens the details.
to_details() {
  sleep 1
  keys 0.6 s o Return
  keys 1.2 Return
  keys 0.8 4
  keys 0.3 Return
}

# One terminal: start it (command line in "$@"), walk to a post, check the
# picture, move the selection, resize, open the full view.
check() { # name protocol cmd...
  local name=$1 expect=$2
  shift 2
  local started=$SECONDS
  echo "== $name"
  env INSTATUI_DEMO_LOG_DIR="$WORK/log-$name" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  local win
  win=$(focus "rt-$name") || { fail "$name: no window"; return; }
  to_details
  local n
  n=$(await_picture "$win" "$name-1-details")
  echo "  details: $n colours"
  [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no picture in the detail pane ($n colours, $SHOTS/$name-1-details.png)"
  # Which protocol the terminal's answers led to, from the demo's log.
  local chose
  chose=$(grep -o 'protocol=[A-Za-z0-9]*' "$WORK/log-$name/instatui.log" | tail -1 | cut -d= -f2)
  echo "  protocol: ${chose:-?}"
  [ "$chose" = "$expect" ] || fail "$name: expected $expect pictures, the demo chose ${chose:-nothing}"
  # Stock xterm is white: its answer to OSC 11 brings the light theme.
  local theme
  theme=$(grep -o 'theme="\?[a-z]*' "$WORK/log-$name/instatui.log" | tail -1 | tr -d '"' | cut -d= -f2)
  echo "  theme: ${theme:-?}"
  case $name in
    xterm | xterm-vt340) [ "$theme" = light ] || fail "$name: a white xterm got the ${theme:-dark} theme" ;;
  esac

  keys 0.3 j j
  n=$(await_picture "$win" "$name-2-moved")
  echo "  after moving: $n colours"
  [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no picture after moving the selection"
  if convert "$SHOTS/$name-1-details.png" "$SHOTS/$name-2-moved.png" -compose difference -composite -format '%[fx:mean]' info: | awk '{exit !($1 < 0.002)}'; then
    fail "$name: the picture did not follow the selection"
  fi

  xdotool windowsize "$win" 1100 700
  sleep 0.5
  n=$(await_picture "$win" "$name-3-resized")
  echo "  after a resize: $n colours"
  [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no picture after a resize"

  keys 0.3 v
  n=$(await_picture "$win" "$name-4-full" 0.05 0.05 0.95 0.95)
  echo "  full screen: $n colours"
  [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no full-screen picture"
  keys 0.3 Escape
  n=$(await_picture "$win" "$name-5-back")
  # The list (left, below its title) looks exactly as before the full
  # view: not one pixel of the picture left, even beside wide characters.
  local crop diff
  crop=$(convert "$SHOTS/$name-3-resized.png" -format '%[fx:int(w*0.44)]x%[fx:int(h*0.82)]+0+%[fx:int(h*0.08)]' info:)
  diff=$(convert "$SHOTS/$name-3-resized.png" "$SHOTS/$name-5-back.png" -crop "$crop" +repage \
    -compose difference -composite -threshold 1% -format '%[fx:int(mean*w*h)]' info:)
  echo "  back: $n colours in the picture; $diff pixels of the list changed"
  [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no picture after the full view"
  [ "$diff" -eq 0 ] || fail "$name: pieces of the full-screen picture left over the list ($diff pixels)"

  # The grid (t): pictures in the tiles where the list's text was. Only
  # where that text has few colours (xterm's); kitty's anti-aliased text
  # alone has hundreds, so a count there would prove nothing.
  local before
  before=$(colours "$SHOTS/$name-5-back.png" "${GRID[@]}")
  keys 0.3 t
  if [ "$before" -lt "$MIN_COLOURS" ]; then
    n=$(await_picture "$win" "$name-6-grid" "${GRID[@]}")
    echo "  grid: $n colours where the list had $before"
    [ "$n" -ge "$MIN_COLOURS" ] || fail "$name: no pictures in the grid's tiles ($n colours, $SHOTS/$name-6-grid.png)"
  else
    sleep 2
    shot "$win" "$name-6-grid"
    echo "  grid: not counted (the list's text alone has $before colours here; see $SHOTS/$name-6-grid.png)"
  fi
  keys 0.2 q
  echo "  ($((SECONDS - started)) s)"
}

XTERM=(xterm -geometry 150x45)
check xterm Halfblocks "${XTERM[@]}" -T rt-xterm -e "$BIN" --demo
check xterm-vt340 Sixel "${XTERM[@]}" -ti vt340 -T rt-xterm-vt340 -e "$BIN" --demo
check kitty Halfblocks env LIBGL_ALWAYS_SOFTWARE=1 kitty --config NONE -T rt-kitty \
  -o remember_window_size=no -o initial_window_width=1000 -o initial_window_height=640 \
  -o font_size=9 "$BIN" --demo
# tmux 3.3 passes sixel through to the xterm it runs in once allowed; and
# a forced --images sixel inside tmux loses no key (the walk needs them all).
check tmux-vt340 Sixel "${XTERM[@]}" -ti vt340 -T rt-tmux-vt340 -e \
  tmux -L "$TMUX_SOCKET" -f /dev/null new-session \
  "tmux set -g allow-passthrough on; tmux set -g status off; $BIN --demo --images sixel"

echo "screenshots: $SHOTS"
if [ "$FAILED" -ne 0 ]; then
  echo "real-terminals: FAILED" >&2
  exit 1
fi
echo "real-terminals: ok (${SECONDS} s)"
