#!/usr/bin/env bash
# jwtctl benchmark: batch verification throughput (1 core and all cores) against `openssl speed`
# for the same primitive, measured in the same run, and one-shot latency per subcommand.
# Uses only cargo, openssl and standard Unix tools; makes its own keys and tokens.
#
#   scripts/bench.sh            # full run (a few minutes)
#   QUICK=1 scripts/bench.sh    # smaller inputs, for a smoke test
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
J="$PWD/target/release/jwtctl"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
CORES=$(nproc)
SECS=${SECS:-2}
[ -n "${QUICK:-}" ] && SECS=1

now_ns() { date +%s%N; }

# The machines this runs on are shared VMs whose speed drifts by 10-30% within a minute, so
# every figure is the best of REPEAT runs, openssl's and jwtctl's alike.
REPEAT=${REPEAT:-3}
[ -n "${QUICK:-}" ] && REPEAT=1
best() { sort -g | tail -n 1; }

# openssl speed: verify operations per second for one core, or with MULTI processes (best of
# REPEAT). openssl's own multi-process figure shows how far this machine's cores scale at all.
ossl_verify() { for _ in $(seq "$REPEAT"); do ossl_verify_once "$1"; done | best; }
ossl_verify_multi() { for _ in $(seq "$REPEAT"); do MULTI=$CORES ossl_verify_once "$1"; done | best; }
speed() { openssl speed ${MULTI:+-multi "$MULTI"} "$@"; }
ossl_verify_once() {
  case "$1" in
    RS256|PS256) speed -seconds "$SECS" -mr rsa2048 2>/dev/null | awk -F: '/^\+F2:/{print $5; exit}' ;;
    ES256) speed -seconds "$SECS" -mr ecdsap256 2>/dev/null | awk -F: '/^\+F4:/{print $5; exit}' ;;
    ES384) speed -seconds "$SECS" -mr ecdsap384 2>/dev/null | awk -F: '/^\+F4:/{print $5; exit}' ;;
    ES512) speed -seconds "$SECS" -mr ecdsap521 2>/dev/null | awk -F: '/^\+F4:/{print $5; exit}' ;;
    EdDSA) speed -seconds "$SECS" -mr ed25519 2>/dev/null | awk -F: '/^\+F6:/{print $6; exit}' ;;
    Ed448) speed -seconds "$SECS" -mr ed448 2>/dev/null | awk -F: '/^\+F6:/{print $6; exit}' ;;
    HS256) # HMAC-SHA256 over a 256-byte input (a typical signing input), operations per second.
      speed -seconds "$SECS" -mr -bytes 256 -hmac sha256 2>/dev/null \
        | awk -F: '/^\+F:/{printf "%d\n", $4 / 256; exit}' ;;
  esac
}

# Tokens needed for about SECS seconds on one core, from the primitive's speed.
count_for() { local ops=$1; local n=$(( ${ops%.*} * SECS )); [ "$n" -lt 2000 ] && n=2000; echo "$n"; }

keyargs() {
  case "$1" in
    HS256) echo "--secret @$W/hs.bin" ;;
    *) echo "--key $W/$1.pem" ;;
  esac
}
# The JWS "alg" of a row: Ed448 is EdDSA with an Ed448 key.
jwsalg() { [ "$1" = Ed448 ] && echo EdDSA || echo "$1"; }
pubargs() {
  case "$1" in
    HS256) echo "--secret @$W/hs.bin" ;;
    *) echo "--key $W/$1.pub.pem" ;;
  esac
}

openssl rand 32 > "$W/hs.bin"
for alg in RS256 PS256 ES256 ES384 ES512 ES256K EdDSA Ed448; do
  "$J" keygen --alg "$alg" --out "$W/$alg.pem" --pub-out "$W/$alg.pub.pem"
done

rate() { # tokens seconds -> tokens/s
  awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'
}

echo "# jwtctl benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: $(uname -m), $CORES cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')"
echo "# $(openssl version)"
echo
echo "## Batch verification (verify --batch --output none)"
echo
echo "| alg | openssl verify/s (1 core) | jwtctl tokens/s, 1 core | ratio | jwtctl tokens/s, $CORES cores | scaling | openssl's scaling |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for alg in HS256 RS256 PS256 ES256 ES384 ES512 EdDSA Ed448; do
  ossl=$(ossl_verify "$alg")
  ossl=${ossl%.*}
  ossl_all=$(ossl_verify_multi "$alg")
  ossl_scaling=$(awk -v a="${ossl_all%.*}" -v b="$ossl" -v c="$CORES" 'BEGIN { printf "%.2f × %d", a / b / c, c }')
  n=$(count_for "$ossl")
  [ "$alg" = HS256 ] && n=$(( n > 1000000 ? 1000000 : n ))
  # shellcheck disable=SC2046
  t=$("$J" sign --alg "$(jwsalg "$alg")" $(keyargs "$alg") --sub bench --aud api --exp 1h)
  awk -v t="$t" -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print t }' > "$W/tokens.txt"
  run_batch() { # jobs -> tokens/s, best of REPEAT
    for _ in $(seq "$REPEAT"); do
      local s; s=$(now_ns)
      # shellcheck disable=SC2046
      "$J" verify --batch --jobs "$1" --output none --aud api $(pubargs "$alg") < "$W/tokens.txt" > /dev/null
      rate "$n" $(( $(now_ns) - s )); echo
    done | best
  }
  one=$(run_batch 1)
  all=$(run_batch "$CORES")
  ratio=$(awk -v a="$one" -v b="$ossl" 'BEGIN { printf "%.2f", a / b }')
  scaling=$(awk -v a="$all" -v b="$one" -v c="$CORES" 'BEGIN { printf "%.2f × %d", a / b / c, c }')
  [ "$alg" = HS256 ] && ossl="$ossl (HMAC, 256 B)"
  echo "| $alg | $ossl | $one | $ratio | $all | $scaling | $ossl_scaling |"
done

echo
echo "## SD-JWT presentations and x5c chains in a batch, beside plain ES256 tokens"
echo
# An SD-JWT presentation costs two ES256 verifications (the issuer's and the KB-JWT's) and ten
# digests; a token carrying its certificate chain costs one verification once the batch has
# validated that chain (each distinct chain is validated once).
n=$(count_for "$(ossl_verify ES256)")
n=$(( n / 2 ))
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench-root \
  -days 2 -keyout "$W/root.key" -out "$W/root.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2> /dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench-ca \
  -keyout "$W/ca.key" -out "$W/ca.csr" 2> /dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$W/ca.ext"
openssl x509 -req -in "$W/ca.csr" -CA "$W/root.pem" -CAkey "$W/root.key" -CAcreateserial \
  -days 2 -extfile "$W/ca.ext" -out "$W/ca.pem" 2> /dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench-signer \
  -keyout "$W/leaf.key" -out "$W/leaf.csr" 2> /dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' > "$W/leaf.ext"
openssl x509 -req -in "$W/leaf.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial \
  -days 2 -extfile "$W/leaf.ext" -out "$W/leaf.pem" 2> /dev/null
cat "$W/leaf.pem" "$W/ca.pem" > "$W/chain.pem"
printf '{"given_name":"Erika","family_name":"Mustermann","email":"erika@example.com","phone":"+49 30 1234567","birthdate":"1963-08-12","nationalities":["DE","FR"],"address":{"street_address":"Heidestr. 17","locality":"Köln","country":"DE"}}' > "$W/sd.json"
"$J" keygen --alg ES256 --out "$W/holder.pem" --pub-out "$W/holder.pub.pem"
sd=$("$J" sign --alg ES256 --key "$W/ES256.pem" --holder-key "$W/holder.pub.pem" --aud api --exp 1h \
  --sd given_name --sd family_name --sd email --sd phone --sd birthdate --sd 'nationalities[]' \
  --sd address --sd address.street_address --sd address.locality @"$W/sd.json")
pres=$(echo "$sd" | "$J" present --disclose-all --holder-key "$W/holder.pem" --kb-aud https://verifier.example --nonce n-0S6)
plain=$("$J" sign --alg ES256 --key "$W/ES256.pem" --sub bench --aud api --exp 1h)
x5c=$("$J" sign --alg ES256 --key "$W/leaf.key" --x5c "$W/chain.pem" --sub bench --aud api --exp 1h)
batch_rate() { # file jobs args... -> tokens/s, best of REPEAT
  local f=$1 jobs=$2 lines; shift 2
  lines=$(wc -l < "$f")
  for _ in $(seq "$REPEAT"); do
    local s; s=$(now_ns)
    "$J" verify --batch --jobs "$jobs" --output none --aud api "$@" < "$f" > /dev/null
    rate "$lines" $(( $(now_ns) - s )); echo
  done | best
}
echo "| tokens | tokens/s, 1 core | vs plain | tokens/s, $CORES cores | vs plain |"
echo "|---|---:|---:|---:|---:|"
for kind in plain sd x5c; do
  case $kind in
    plain) t=$plain; what="plain ES256"; args=(--key "$W/ES256.pub.pem") ;;
    sd) t=$pres; what="SD-JWT presentation: 10 disclosures (one array element, nested), KB-JWT"
      args=(--key "$W/ES256.pub.pem" --kb-aud https://verifier.example --nonce n-0S6 --kb-max-age 1h) ;;
    x5c) t=$x5c; what="x5c: leaf, intermediate; root given with --ca"; args=(--ca "$W/root.pem") ;;
  esac
  awk -v t="$t" -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print t }' > "$W/kind.txt"
  one=$(batch_rate "$W/kind.txt" 1 "${args[@]}")
  all=$(batch_rate "$W/kind.txt" "$CORES" "${args[@]}")
  [ "$kind" = plain ] && { p1=$one; pn=$all; }
  echo "| $what | $one | $(awk -v a="$one" -v b="$p1" 'BEGIN { printf "%.2f", a / b }') | $all | $(awk -v a="$all" -v b="$pn" 'BEGIN { printf "%.2f", a / b }') |"
done

echo
if [ -x /usr/bin/time ]; then
  t=$("$J" sign --alg HS256 --secret "@$W/hs.bin" --sub bench --aud api --exp 1h)
  n=${RSS_TOKENS:-1000000}
  [ -n "${QUICK:-}" ] && n=200000
  awk -v t="$t" -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print t }' > "$W/tokens.txt"
  rss=$( { /usr/bin/time -f '%M' "$J" verify --batch --output none --aud api --secret "@$W/hs.bin" < "$W/tokens.txt" > /dev/null; } 2>&1 | tail -n 1)
  echo "Peak RSS verifying $n HS256 tokens on all cores: $(( rss / 1024 )) MiB."
fi

echo
echo "## One-shot latency (median wall time of one process over ${RUNS:=50} runs; p90 in brackets)"
echo
# Each run is timed with bash's EPOCHREALTIME (no extra process), so a figure is what a shell
# loop pays per call: fork, exec, the run, exit.
summary() { # milliseconds, one per line -> "median (p90)"
  sort -g | awk '{ v[NR] = $1 } END { printf "%.2f (%.2f)", v[int((NR + 1) / 2)], v[int(NR * 0.9)] }'
}
oneshot() { # command... -> "median (p90)" in ms
  local s e i
  for ((i = 0; i < RUNS; i++)); do
    s=$EPOCHREALTIME
    "$@" > /dev/null 2>&1 || true
    e=$EPOCHREALTIME
    echo "$s $e"
  done | awk '{ print ($2 - $1) * 1000 }' | summary
}
# Instructions one run executes (valgrind's callgrind counts them repeatably).
instr() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null | awk '/Collected/ { print $4 }'; }
echo "Process start floor on this machine (\`/bin/true\`): $(oneshot /bin/true) ms; \`jwtctl --version\`: $(oneshot "$J" --version) ms."
echo
echo "| alg | sign ms | verify ms | inspect ms |"
echo "|---|---:|---:|---:|"
for alg in HS256 RS256 PS256 ES256 ES384 ES512 ES256K EdDSA Ed448; do
  a=$(jwsalg "$alg")
  # shellcheck disable=SC2046
  t=$("$J" sign --alg "$a" $(keyargs "$alg") --sub bench --exp 1h)
  # shellcheck disable=SC2046
  sg=$(oneshot "$J" sign --alg "$a" $(keyargs "$alg") --sub bench --exp 1h)
  # shellcheck disable=SC2046
  vf=$(oneshot "$J" verify $(pubargs "$alg") "$t")
  in=$(oneshot "$J" inspect "$t")
  echo "| $alg | $sg | $vf | $in |"
done

echo
echo "## Remote keys: a cache hit against the same set from a file"
echo
if command -v python3 > /dev/null; then
  # shellcheck disable=SC2046
  t=$("$J" sign --alg RS256 --key "$W/RS256.pem" --kid r1 --sub bench --exp 1h)
  "$J" jwks --kid r1 "$W/RS256.pub.pem" > "$W/set.json"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$W" && exec python3 -m http.server "$port" --bind 127.0.0.1 > /dev/null 2>&1) &
  server=$!
  sleep 1
  export JWTCTL_CACHE_DIR="$W/cache"
  "$J" verify --jwks "http://127.0.0.1:$port/set.json" "$t" > /dev/null
  echo "| keys | verify ms |"
  echo "|---|---:|"
  echo "| --jwks set.json (a file) | $(oneshot "$J" verify --jwks "$W/set.json" "$t") |"
  echo "| --jwks http://127.0.0.1:$port/set.json (cached) | $(oneshot "$J" verify --jwks "http://127.0.0.1:$port/set.json" "$t") |"
  kill "$server" 2> /dev/null || true
  unset JWTCTL_CACHE_DIR
else
  echo "python3 is not installed: no local server to fetch from, so this part is skipped."
fi

echo
echo "## Instructions per token (valgrind --tool=callgrind, --jobs 1)"
echo
if command -v valgrind > /dev/null; then
  echo "| alg | output | instructions per token |"
  echo "|---|---|---:|"
  for alg in HS256 ES256; do
    # shellcheck disable=SC2046
    t=$("$J" sign --alg "$alg" $(keyargs "$alg") --sub bench --aud api --exp 1h)
    awk -v t="$t" 'BEGIN { for (i = 0; i < 200; i++) print t }' > "$W/few.txt"
    awk -v t="$t" 'BEGIN { for (i = 0; i < 2200; i++) print t }' > "$W/many.txt"
    for out in claims none; do
      # shellcheck disable=SC2046
      a=$(instr "$J" verify --batch --jobs 1 --output "$out" --aud api $(pubargs "$alg") < "$W/few.txt")
      # shellcheck disable=SC2046
      b=$(instr "$J" verify --batch --jobs 1 --output "$out" --aud api $(pubargs "$alg") < "$W/many.txt")
      echo "| $alg | $out | $(( (b - a) / 2000 )) |"
    done
  done
else
  echo "valgrind is not installed: instruction counts are skipped."
fi

echo
echo "## serve: requests per second under $((CORES * 16)) connections (wrk), beside openssl's sign rate"
echo
# The token endpoint signs one token per request, so its ceiling is the machine's signing rate
# on every core: \`openssl speed -multi\` for the same signature, measured here in the same run.
# wrk runs on the same cores as the server, as a CI load test would.
if ! command -v wrk > /dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk > /dev/null 2>&1 || true
fi
if command -v wrk > /dev/null; then
  cat > "$W/post.lua" << 'LUA'
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
  ossl_sign_multi() {
    case "$1" in
      RS256) MULTI=$CORES speed -seconds "$SECS" -mr rsa2048 2> /dev/null | awk -F: '/^\+F2:/{print $4; exit}' ;;
      ES256) MULTI=$CORES speed -seconds "$SECS" -mr ecdsap256 2> /dev/null | awk -F: '/^\+F4:/{print $4; exit}' ;;
    esac
  }
  serve_rate() { # key path [lua] -> requests per second
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$J" serve --key "$1" --addr "127.0.0.1:$port" > /dev/null 2>&1 &
    local pid=$!
    sleep 0.5
    wrk -t"$CORES" -c"$((CORES * 16))" -d"${SECS}s" ${3:+-s "$3"} "http://127.0.0.1:$port$2" 2> /dev/null \
      | awk '/Requests\/sec/ { printf "%d\n", $2 }'
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  }
  # panva's node-oidc-provider (a certified OpenID Provider, pinned in tests/peers) beside it
  # when it is installed (\`npm ci\` in tests/peers): its client_credentials token is an ES256
  # JWT access token too.
  op_rate() { :; }
  op_iss=""
  if command -v node > /dev/null && [ -d tests/peers/node_modules/oidc-provider ]; then
    "$J" jwks "$W/RS256.pub.pem" | awk '{ sub(/^\{"keys":\[/, ""); sub(/\]\}$/, ""); print }' > "$W/client.jwk"
    secret=bench-secret-bench-secret-bench-secret
    node tests/peers/oidc_provider.mjs "$W/client.jwk" "$secret" > "$W/op.out" 2> /dev/null &
    op_pid=$!
    for _ in $(seq 50); do [ -s "$W/op.out" ] && break; sleep 0.1; done
    op_iss=$(head -n 1 "$W/op.out")
    cat > "$W/op.lua" << LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=post&client_secret=$secret"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
    op_rate() { # path [lua] -> requests per second
      wrk -t"$CORES" -c"$((CORES * 16))" -d"${SECS}s" ${2:+-s "$2"} "$op_iss$1" 2> /dev/null \
        | awk '/Requests\/sec/ { printf "%d\n", $2 }'
    }
  fi
  times() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
  echo "| endpoint | req/s | openssl speed -multi $CORES sign/s | ratio | node-oidc-provider req/s | × node-oidc-provider |"
  echo "|---|---:|---:|---:|---:|---:|"
  for alg in RS256 ES256; do
    r=$(for _ in $(seq "$REPEAT"); do serve_rate "$W/$alg.pem" /token "$W/post.lua"; done | best)
    o=$(for _ in $(seq "$REPEAT"); do ossl_sign_multi "$alg"; done | best)
    n=""
    [ "$alg" = ES256 ] && [ -n "$op_iss" ] && n=$(for _ in $(seq "$REPEAT"); do op_rate /token "$W/op.lua"; done | best)
    echo "| POST /token ($alg) | $r | ${o%.*} | $(awk -v a="$r" -v b="$o" 'BEGIN { printf "%.2f", a / b }') | $n | $(times "$r" "$n") |"
  done
  r=$(for _ in $(seq "$REPEAT"); do serve_rate "$W/ES256.pem" /jwks.json; done | best)
  n=""
  [ -n "$op_iss" ] && n=$(for _ in $(seq "$REPEAT"); do op_rate /jwks; done | best)
  echo "| GET /jwks.json | $r | | | $n | $(times "$r" "$n") |"
  [ -n "$op_iss" ] && { kill "$op_pid" 2> /dev/null || true; wait "$op_pid" 2> /dev/null || true; }
else
  echo "wrk is not installed (Debian: apt-get install wrk): skipped."
fi

echo
echo "## Side by side with jwt-cli (one-shot, median (p90) ms)"
echo
JWT_CLI=${JWT_CLI:-$(command -v jwt || true)}
if [ -n "$JWT_CLI" ] && "$JWT_CLI" --version 2> /dev/null | grep -qi jwt; then
  t=$("$J" sign --alg RS256 --key "$W/RS256.pem" --sub bench --exp 1h)
  openssl pkey -in "$W/RS256.pem" -pubout -out "$W/RS256.spki.pem" 2> /dev/null
  # The two tools take turns (ours, theirs, ours, ...) so that the machine's drift falls on
  # both alike; each figure is the median (p90) of RUNS turns.
  pair() { # function-a function-b -> "median (p90)|median (p90)"
    local i s m e
    for ((i = 0; i < RUNS; i++)); do
      s=$EPOCHREALTIME; "$1" > /dev/null 2>&1 || true
      m=$EPOCHREALTIME; "$2" > /dev/null 2>&1 || true
      e=$EPOCHREALTIME
      echo "$s $m $e"
    done > "$W/turns"
    echo "$(awk '{ print ($2 - $1) * 1000 }' "$W/turns" | summary)|$(awk '{ print ($3 - $2) * 1000 }' "$W/turns" | summary)"
  }
  ours_version() { "$J" --version; }
  theirs_version() { "$JWT_CLI" --version; }
  ours_verify() { "$J" verify --alg RS256 --key "$W/RS256.spki.pem" "$t"; }
  theirs_verify() { "$JWT_CLI" decode --alg RS256 --secret "@$W/RS256.spki.pem" "$t"; }
  v=$(pair ours_version theirs_version)
  ours_v=${v%%|*} theirs_v=${v##*|}
  v=$(pair ours_verify theirs_verify)
  ours=${v%%|*} theirs=${v##*|}
  ratio() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { printf "%.2f", a / b }'; }
  echo "$("$JWT_CLI" --version) at $JWT_CLI"
  echo
  echo "| what | jwtctl | jwt-cli | ratio |"
  echo "|---|---:|---:|---:|"
  echo "| --version | $ours_v | $theirs_v | $(ratio "$ours_v" "$theirs_v") |"
  echo "| verify RS256 with an SPKI PEM | $ours | $theirs | $(ratio "$ours" "$theirs") |"
  # Repeatable counts beside the noisy wall times: what a run executes and how many pages
  # it faults in (the loader applying relocations to a larger binary is most of the gap).
  if command -v valgrind > /dev/null && [ -x /usr/bin/time ]; then
    counts() { # command... -> "instructions, minor faults"
      local i f
      i=$(instr "$@")
      /usr/bin/time -o "$W/faults" -f '%R' "$@" > /dev/null 2>&1 || true
      f=$(tail -n 1 "$W/faults")
      echo "$(awk -v i="$i" 'BEGIN { printf "%.2f M", i / 1e6 }') instructions, $f faults"
    }
    echo
    echo "| what | jwtctl | jwt-cli |"
    echo "|---|---|---|"
    echo "| --version | $(counts "$J" --version) | $(counts "$JWT_CLI" --version) |"
    echo "| verify RS256 | $(counts "$J" verify --alg RS256 --key "$W/RS256.spki.pem" "$t") | $(counts "$JWT_CLI" decode --alg RS256 --secret "@$W/RS256.spki.pem" "$t") |"
  fi
else
  echo "jwt-cli is not installed (\`cargo install --locked jwt-cli\` installs it as \`jwt\`; or set JWT_CLI=/path/to/jwt): skipped."
fi

echo
echo "## The crate as crates.io builds it, beside the repository's build (one-shot sign)"
echo
# `cargo package` makes the crate a registry serves; built in a folder outside the repository
# (so .cargo/config.toml and its AWS_LC_SYS_NO_JITTER_ENTROPY do not apply), it is what
# `cargo install jwtctl` builds. Set SKIP_PACKAGE=1 to leave this out (a release build).
if [ -z "${SKIP_PACKAGE:-}" ]; then
  cargo package --locked --allow-dirty --no-verify --quiet
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
  pkg="$W/pkg"
  mkdir -p "$pkg"
  tar -C "$pkg" -xzf "target/package/jwtctl-$version.crate"
  (cd "$pkg/jwtctl-$version" && env -u AWS_LC_SYS_NO_JITTER_ENTROPY \
    CARGO_TARGET_DIR="$PWD/../target" cargo build --release --locked --quiet)
  P="$pkg/target/release/jwtctl"
  echo "| build | sign --alg ES256 median (p90) ms | instructions |"
  echo "|---|---:|---:|"
  for b in "$J" "$P"; do
    what=repository; [ "$b" = "$P" ] && what="packaged crate, built outside"
    ms=$(oneshot "$b" sign --alg ES256 --key "$W/ES256.pem" --sub bench)
    n=$(command -v valgrind > /dev/null && instr "$b" sign --alg ES256 --key "$W/ES256.pem" --sub bench || echo n/a)
    echo "| $what | $ms | $n |"
  done
fi
