#!/usr/bin/env bash
# Builds instatui's Debian package and checks it as a user would get it:
# installed into a throwaway root (`dpkg -x`), its `instatui --version` names
# this commit, every manual page reads with `man -l` (or groff) and is where
# `man` looks, every page another one names is there, and the completion
# scripts parse and land where bash, zsh and fish look.
#
#   bash scripts/package-deb.sh            # from the repository's top
#
# Installs cargo-deb (`cargo install cargo-deb --locked`) when it is
# missing; when that cannot be done, says so in one sentence and exits 0
# ("skipped"). CARGO_CMD runs cargo through a wrapper (default: cargo).
# Exits 1 when a check fails. The manual pages and completions are made by
# the release binary itself into target/package-deb/, where
# [package.metadata.deb] in Cargo.toml takes them from.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo=${CARGO_CMD:-cargo}
target=${CARGO_TARGET_DIR:-target}
gen=target/package-deb
started=$SECONDS
step() { echo "== package-deb: $1 ($((SECONDS - started))s so far)"; }
fail() { echo "package-deb: FAIL: $1" >&2; exit 1; }

for tool in dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "package-deb: skipped: $tool is not installed here, so the package cannot be unpacked to check it"
    exit 0
  fi
done

if ! command -v cargo-deb >/dev/null 2>&1; then
  step "installing cargo-deb (cargo install cargo-deb --locked)"
  scratch=$(mktemp -d)
  if ! CARGO_TARGET_DIR="$scratch" $cargo install cargo-deb --locked >"$scratch.log" 2>&1; then
    echo "package-deb: skipped: cargo-deb could not be installed here ($(tail -n 1 "$scratch.log"))"
    rm -rf "$scratch" "$scratch.log"
    exit 0
  fi
  echo "  cargo-deb: $(grep 'Finished' "$scratch.log" | tail -n 1 | sed 's/^ *//')"
  rm -rf "$scratch" "$scratch.log"
fi

step "cargo build --release --locked -p instatui"
$cargo build --release --locked -p instatui
bin="$target/release/instatui"

step "manual pages and completions into $gen/"
rm -rf "$gen"
mkdir -p "$gen/completions"
"$bin" man --out-dir "$gen/man" >/dev/null
"$bin" completions bash >"$gen/completions/instatui.bash"
"$bin" completions zsh >"$gen/completions/_instatui"
"$bin" completions fish >"$gen/completions/instatui.fish"
made=$(find "$gen/man" -name '*.1' | wc -l | tr -d ' ')

step "cargo deb --no-build"
rm -rf "$target/debian"
$cargo deb --no-build -p instatui
deb=$(find "$target/debian" -maxdepth 1 -name 'instatui_*.deb' | head -n 1)
[ -n "$deb" ] || fail "cargo deb made no instatui_*.deb in $target/debian"

step "installing $(basename "$deb") into a throwaway root"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"

# --version names the commit this tree is at.
version=$("$root/usr/bin/instatui" --version) || fail "the packaged instatui --version did not run"
echo "$version" | sed 's/^/  /'
if head=$(git rev-parse --short=9 HEAD 2>/dev/null); then
  echo "$version" | grep -q "^commit: *$head" \
    || fail "the packaged instatui --version does not name HEAD ($head)"
else
  echo "  (not a git checkout: the commit is not compared)"
fi

# Every page: reads, and is where man looks. The pages hold UTF-8 (…, —):
# read in a UTF-8 locale, or troff warns about them (CI may set none).
export LC_ALL=C.UTF-8
mandir="$root/usr/share/man"
pages=$(find "$mandir/man1" -name 'instatui*.1*' | sort)
count=$(echo "$pages" | grep -c . || true)
[ "$count" = "$made" ] || fail "the package holds $count manual pages, $made were made"
for page in $pages; do
  name=$(basename "$page"); name=${name%.gz}; name=${name%.1}
  if command -v man >/dev/null 2>&1; then
    out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null) || fail "man -l $name failed: $out"
    [ -z "$out" ] || fail "man -l $name warned: $out"
    man -M "$mandir" -w "$name" >/dev/null 2>&1 || fail "man does not find $name under usr/share/man"
  elif command -v groff >/dev/null 2>&1; then
    out=$( (zcat -f "$page" | groff -man -Tutf8 -ww >/dev/null) 2>&1) || fail "groff failed on $name: $out"
  fi
  # Each page another page points to (`instatui-keep-alive(1)`) is there.
  for named in $(zcat -f "$page" | grep -o 'instatui\(\\-[a-z0-9]*\)*(1)' | sed 's/\\-/-/g; s/(1)//' | sort -u); do
    ls "$mandir/man1/$named.1"* >/dev/null 2>&1 || fail "$name names $named(1), which the package lacks"
  done
done
if command -v man >/dev/null 2>&1; then
  echo "  $count manual pages read with man -l and are found by man -M"
elif command -v groff >/dev/null 2>&1; then
  echo "  $count manual pages read with groff (man is not installed here)"
else
  echo "  $count manual pages packaged; neither man nor groff is installed here to read them"
fi

# Completions where the shells look, parsing.
bash_c="$root/usr/share/bash-completion/completions/instatui"
[ -f "$bash_c" ] || fail "no bash completion at /usr/share/bash-completion/completions/instatui"
bash -n "$bash_c" || fail "the bash completion does not parse"
bash -c "source '$bash_c' && complete -p instatui" >/dev/null || fail "the bash completion registers nothing for instatui"
[ -f "$root/usr/share/zsh/vendor-completions/_instatui" ] || fail "no zsh completion at /usr/share/zsh/vendor-completions/_instatui"
[ -f "$root/usr/share/fish/vendor_completions.d/instatui.fish" ] || fail "no fish completion at /usr/share/fish/vendor_completions.d/instatui.fish"
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_instatui" || fail "the zsh completion does not parse"
fi
if command -v fish >/dev/null 2>&1; then
  fish -n "$root/usr/share/fish/vendor_completions.d/instatui.fish" || fail "the fish completion does not parse"
fi
echo "  completions: bash (bash -n, complete -p), zsh, fish at the distribution's paths"

for doc in README.md LICENSE; do
  [ -f "$root/usr/share/doc/instatui/$doc" ] || fail "no /usr/share/doc/instatui/$doc"
done

echo "package-deb: ok: $deb ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - started))s"
