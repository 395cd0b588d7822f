#!/usr/bin/env bash
# Checks what scripts/dist.sh made: the tarball's contents, the Debian package's metadata and
# files, the unpacked binary's --version, and the checksums. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
dist=target/dist
name="jwtctl-$version-x86_64-unknown-linux-gnu"
tarball="$dist/$name.tar.gz"
deb="$dist/jwtctl_${version}-1_amd64.deb"
fail() { echo "dist check: $*" >&2; exit 1; }

(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match"

listing=$(tar -tzf "$tarball")
for f in jwtctl README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE man/jwtctl.1 man/jwtctl-verify.1 \
  man/jwtctl-present.1 completions/jwtctl.bash completions/_jwtctl completions/jwtctl.fish; do
  grep -qx "$name/$f" <<<"$listing" || fail "the tarball lacks $name/$f"
done
if grep -vq "^$name/" <<<"$listing"; then fail "the tarball has members outside $name/"; fi
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -C "$unpacked" -xzf "$tarball"
got=$("$unpacked/$name/jwtctl" --version)
[ "$got" = "jwtctl $version" ] || fail "the unpacked binary says '$got', not 'jwtctl $version'"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = jwtctl ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version-1" ] || fail "Version is $(field Version)"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is $(field Architecture)"
# Captured first: `grep -q` stops reading at the first match, and under pipefail the writer's
# SIGPIPE would fail the check at random.
depends=$(field Depends)
description=$(field Description)
grep -q 'libc6' <<<"$depends" || fail "Depends lacks libc6: $depends"
grep -qi 'JSON Web Token' <<<"$description" || fail "the description does not say what it is"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/jwtctl ./usr/share/man/man1/jwtctl.1.gz ./usr/share/man/man1/jwtctl-verify.1.gz \
  ./usr/share/bash-completion/completions/jwtctl ./usr/share/zsh/vendor-completions/_jwtctl \
  ./usr/share/fish/vendor_completions.d/jwtctl.fish ./usr/share/doc/jwtctl/copyright; do
  grep -qx "$f" <<<"$files" || fail "the .deb lacks $f"
done
dpkg-deb -x "$deb" "$unpacked/deb"
got=$("$unpacked/deb/usr/bin/jwtctl" --version)
[ "$got" = "jwtctl $version" ] || fail "the packaged binary says '$got'"
grep -q 'Apache' "$unpacked/deb/usr/share/doc/jwtctl/copyright" || fail "the copyright file lacks the licence"
echo "dist check: ok ($(du -h "$tarball" | cut -f1) tarball, $(du -h "$deb" | cut -f1) .deb)"
