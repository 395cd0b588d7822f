#!/usr/bin/env bash
# Release artifacts, from a clean checkout, into target/dist/:
#   jwtctl-VERSION-x86_64-unknown-linux-gnu.tar.gz  the binary, man/, completions/, README,
#                                                    CHANGELOG and licences in one top folder
#   jwtctl_VERSION-1_amd64.deb                      (cargo-deb; installed when missing)
#   SHA256SUMS                                      over both
# Reproducible where the tools allow: sorted tar members, fixed owner and mtime
# (SOURCE_DATE_EPOCH, else the last commit's time).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=${CARGO_DEB_VERSION:-3.8.0}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
target=x86_64-unknown-linux-gnu
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

cargo build --release --locked
dist=target/dist
rm -rf "$dist"
mkdir -p "$dist"

name="jwtctl-$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp target/release/jwtctl "$stage/$name/"
# Symbols are not needed to run it (the .deb is stripped by cargo-deb too).
strip --strip-unneeded "$stage/$name/jwtctl"
cp -r man completions README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$stage/$name/"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -czf "$dist/$name.tar.gz" "$name"

if ! cargo deb --version >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-deb --version "$CARGO_DEB_VERSION"
fi
cargo deb --no-build --locked --output "$dist/jwtctl_${version}-1_amd64.deb"

(cd "$dist" && sha256sum -- *.tar.gz *.deb > SHA256SUMS)
ls -l "$dist"
