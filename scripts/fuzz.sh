#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), seeded from tests/fixtures.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). A crash is saved
# under fuzz/artifacts/<target>/; minimise it (cargo +nightly fuzz tmin <target> <file>) and
# commit it under fuzz/regressions/<target>/, where `cargo test` replays it on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_inspect verify_jws decrypt_jwe load_key time_parse claims_validate remote_documents x5c_chain sd_jwt issuer_requests dpop_proof oauth_answers)
fi
cargo build --locked --quiet
python3 scripts/fuzz-seeds.py target/debug/jwtctl
# -a: debug assertions, so that integer overflow panics here as it would in a debug build.
(cd fuzz && cargo +nightly fuzz build -a)
status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "== $t: ${secs}s"
  log="fuzz/artifacts/$t/last-run.log"
  # Regression inputs are part of the corpus, so every run starts by replaying them.
  if (cd fuzz && cargo +nightly fuzz run -a "$t" "corpus/$t" "regressions/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=512 -timeout=10 -max_len=65536 \
        -print_final_stats=1 >"../$log" 2>&1); then
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" | tr '\n' ' '
    grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1
  else
    echo "FAILED: $t (see $log and fuzz/artifacts/$t/)"
    tail -30 "$log"
    status=1
  fi
done
exit $status
