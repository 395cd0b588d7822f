#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets into fuzz/corpus/<target>/ from tests/fixtures:
every token in the test vectors (compact and JSON serializations), every key fixture and JWK,
tokens that jwtctl makes for the fuzz keys (so the fuzzer starts from inputs that verify or
decrypt), and a few times, durations and claim sets. Usage: fuzz-seeds.py JWTCTL_BINARY
"""
import hashlib
import base64
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")
OUT = os.path.join(ROOT, "fuzz", "corpus")
COMPACT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){2,4}$")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def walk(value, tokens, keys):
    if isinstance(value, dict):
        if "kty" in value:
            keys.append(json.dumps(value))
        if "keys" in value and isinstance(value["keys"], list):
            keys.append(json.dumps(value))
        if ("signature" in value or "signatures" in value or "ciphertext" in value):
            tokens.append(json.dumps(value))
        for v in value.values():
            walk(v, tokens, keys)
    elif isinstance(value, list):
        for v in value:
            walk(v, tokens, keys)
    elif isinstance(value, str) and COMPACT.match(value) and len(value) > 20:
        tokens.append(value)


def main():
    jwtctl = sys.argv[1]
    tokens, keys = [], []
    for dirpath, _, files in os.walk(os.path.join(FIX, "vectors")):
        for name in files:
            if name.endswith(".json"):
                with open(os.path.join(dirpath, name)) as f:
                    walk(json.load(f), tokens, keys)
    kdir = os.path.join(FIX, "keys")
    for name in sorted(os.listdir(kdir)):
        if name.endswith((".pem", ".der", ".bin")):
            with open(os.path.join(kdir, name), "rb") as f:
                put("load_key", f.read())
    for k in keys:
        put("load_key", k)
    # Certificate chains: the fixture certificate as PEM, as DER, and in a header's x5c.
    with open(os.path.join(kdir, "rsa.cert.pem"), "rb") as f:
        cert_pem = f.read()
    put("x5c_chain", cert_pem)
    body = b"".join(l for l in cert_pem.splitlines() if l and not l.startswith(b"-----"))
    put("x5c_chain", base64.b64decode(body))
    # SD-JWT: a compact one with a disclosure, the RFC 9901 example disclosure, a JSON form.
    disc = "WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    put("sd_jwt", ("eyJhbGciOiJFUzI1NiJ9.eyJfc2QiOlsidXV0bEJ1WWVNRHlqTExUcGY2SnhpN3lOa0VGMzVqZHlXTW45VTdiX1JZWSJdfQ.c2ln~" + disc + "~").encode())
    put("sd_jwt", json.dumps({"_sd": ["uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY"], "x": disc, "a": [{"...": "x"}]}).encode())
    put("sd_jwt", json.dumps({"protected": "eyJhbGciOiJFUzI1NiJ9", "payload": "e30", "signature": "c2ln", "header": {"disclosures": [disc], "kb_jwt": "a.b.c"}}).encode())
    # The mock identity provider: sign in on the login page, exchange the code, refresh,
    # call userinfo, sign out (steps split by 0xFF; see fuzz/harness.rs).
    ch = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    ver = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    cb = "http%3A%2F%2F127.0.0.1%3A9%2Fcb"
    steps = [
        b"\x00response_type=code&client_id=web&redirect_uri=" + cb.encode() + b"&scope=openid+email&state=s&nonce=n&code_challenge=" + ch.encode() + b"&code_challenge_method=S256",
        b"\x01ticket=TICKET&csrf=CSRF&user=alice",
        b"\x03grant_type=authorization_code&client_id=web&code=CODE&redirect_uri=" + cb.encode() + b"&code_verifier=" + ver.encode(),
        b"\x03grant_type=refresh_token&client_id=web&refresh_token=REFRESH",
        b"\x05ACCESS",
        b"\x02post_logout_redirect_uri=" + cb.encode() + b"&state=x",
    ]
    put("issuer_requests", b"\xff".join(steps))
    put("issuer_requests", b"\x04grant_type=client_credentials&scope=a")
    # DPoP: a proof made by jwtctl for the rules the target checks (mode byte 3: nonce and ath).
    p = subprocess.run([jwtctl, "dpop", "--key", os.path.join(FIX, "keys", "ec-p256.pkcs8.pem"), "--htm", "POST",
                        "--htu", "https://as.example/token", "--nonce", "n-1", "--access-token", "tok",
                        "--iat", "2026-11-18T11:05:00Z"], capture_output=True, text=True).stdout.strip()
    if p:
        put("dpop_proof", b"\x03" + p.encode())
        put("dpop_proof", b"\x00HTTPS://AS.example:443/./token?x#y")
    # OAuth answers: a token response, an error, a cache entry, a callback line.
    put("oauth_answers", json.dumps({"access_token": "a", "token_type": "DPoP", "expires_in": 60, "refresh_token": "r", "scope": "x"}).encode())
    put("oauth_answers", json.dumps({"error": "invalid_grant", "error_description": "no"}).encode())
    put("oauth_answers", json.dumps({"response": {"access_token": "a", "token_type": "Bearer"}, "expires_at": 1}).encode())
    put("oauth_answers", b"GET /callback?code=c&state=s&iss=https%3A%2F%2Fx HTTP/1.1")
    put("x5c_chain", json.dumps({"alg": "RS256", "x5c": [body.decode(), body.decode()], "x5t#S256": "AAAA"}).encode())

    def run(*args, stdin=None):
        r = subprocess.run([jwtctl, *args], input=stdin, capture_output=True)
        return r.stdout.decode().strip() if r.returncode == 0 else None

    hmac = "b64:AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
    for ser in ["compact", "flattened", "general"]:
        for extra in [[], ["--iss", "https://issuer.example", "--aud", "api", "--sub", "alice", "--jti", "j", "--exp", "1h", "--now", "1795000000"]]:
            t = run("sign", "--alg", "HS256", "--secret", hmac, "--kid", "h", "--serialization", ser, *extra)
            if t:
                tokens.append(t)
    aes = os.path.join(OUT, "aes.jwk")
    os.makedirs(OUT, exist_ok=True)
    with open(aes, "w") as f:
        f.write('{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}')
    jwe = []
    for alg, enc in [("A128KW", "A128GCM"), ("dir", "A128GCM"), ("A128GCMKW", "A256CBC-HS512")]:
        for ser in ["compact", "flattened", "general"]:
            t = run("encrypt", "--key", aes, "--alg", alg, "--enc", enc, "--zip", "DEF", "--serialization", ser, "payload")
            if t:
                jwe.append(t)
    for alg in ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"]:
        t = run("encrypt", "--key", os.path.join(kdir, "rsa.spki.pem"), "--alg", alg, "--zip", "DEF", "payload")
        if t:
            jwe.append(t)
    t = run("encrypt", "--secret", "fuzz password", "--p2c", "1000", "payload")
    if t:
        jwe.append(t)
    os.remove(aes)
    for t in tokens + jwe:
        put("parse_inspect", t)
        put("decrypt_jwe", t)
        for mode in range(8):
            put("verify_jws", bytes([mode]) + t.encode())
    for s in ["2026-11-23T10:00:00Z", "2026-11-23T11:00:00+01:00", "1795000000", "-1d 3h",
              "+2h", "15m", "now", "2026-02-29", "9999-12-31T23:59:60.999Z", "30s", "1h 30m", "90"]:
        put("time_parse", s)
    for c in [{"iss": "https://issuer.example", "aud": ["api"], "sub": "alice", "exp": 1795003600,
               "iat": 1795000000, "nbf": 1795000000, "jti": "j"},
              {"exp": 1e300, "iat": -1e300, "aud": "other", "jti": "revoked"},
              {"exp": "soon", "nbf": None, "aud": [1, 2], "iat": 1.5}]:
        put("claims_validate", json.dumps(c))
    # What servers send and the cache keeps: discovery documents, key sets, cache entries.
    put("remote_documents", json.dumps({"issuer": "https://issuer.example",
                                        "jwks_uri": "https://issuer.example/jwks.json",
                                        "id_token_signing_alg_values_supported": ["RS256", "none"]}))
    for k in keys:
        put("remote_documents", k)
    for headers in [[["cache-control", "max-age=300"], ["etag", "\"v1\""]],
                    [["cache-control", "no-cache"], ["last-modified", "Tue, 01 Dec 2026 10:00:00 GMT"]],
                    [["expires", "Wed, 02 Dec 2026 10:00:00 GMT"], ["age", "100"], ["date", "Tue, 01 Dec 2026 10:00:00 GMT"]],
                    [["cache-control", "no-store"]], []]:
        put("remote_documents", json.dumps({
            "format": "jwtctl-cache-1",
            "url": "https://issuer.example/.well-known/openid-configuration",
            "stored": 1795000000, "fresh_until": 1795000300, "status": 200,
            "headers": headers, "body": '{"keys":[]}'}))
    print(f"seeds: {len(tokens)} JWS, {len(jwe)} JWE, {len(keys)} JWK/JWKS", file=sys.stderr)


if __name__ == "__main__":
    main()
