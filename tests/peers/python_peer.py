#!/usr/bin/env python3
"""A peer for jwtctl's interop tests: PyJWT and jwcrypto. Reads a JSON array of cases on
stdin, writes a JSON array of results (same order) on stdout. Each case:
  {"lib": "pyjwt"|"jwcrypto", "op": "sign"|"verify"|"encrypt"|"decrypt", "alg", "enc",
   "jwk": {...} (or "password_b64"), "claims", "token", "plaintext_b64"}
A result is {"ok": true, ...} with "token", "claims" or "plaintext_b64", or
{"ok": false, "error": "..."}. Nothing here is jwtctl code: it only calls the libraries.
"""
import base64
import json
import sys

import jwt as pyjwt
from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def pyjwt_key(case):
    return pyjwt.PyJWK(case["jwk"], algorithm=case["alg"]).key


def run_pyjwt(case):
    if case["op"] == "sign":
        token = pyjwt.encode(case["claims"], pyjwt_key(case), algorithm=case["alg"])
        return {"token": token}
    if case["op"] == "verify":
        claims = pyjwt.decode(
            case["token"],
            pyjwt_key(case),
            algorithms=[case["alg"]],
            options={"verify_aud": False},
        )
        return {"claims": claims}
    raise ValueError("PyJWT has no JWE")


def jwcrypto_key(case):
    if "password_b64" in case:
        return jwcrypto_jwk.JWK.from_password(b64d(case["password_b64"]).decode())
    return jwcrypto_jwk.JWK(**case["jwk"])


def run_jwcrypto(case):
    op, alg = case["op"], case["alg"]
    key = jwcrypto_key(case)
    if op == "sign":
        s = jwcrypto_jws.JWS(json.dumps(case["claims"]).encode())
        s.add_signature(key, alg=alg, protected=json.dumps({"alg": alg, "typ": "JWT"}))
        return {"token": s.serialize(compact=True)}
    if op == "verify":
        s = jwcrypto_jws.JWS()
        s.deserialize(case["token"])
        s.verify(key, alg=alg)
        return {"claims": json.loads(s.payload)}
    if op == "encrypt":
        e = jwcrypto_jwe.JWE(
            b64d(case["plaintext_b64"]),
            protected=json.dumps({"alg": alg, "enc": case["enc"]}),
        )
        e.allowed_algs = [alg, case["enc"]]
        e.add_recipient(key)
        return {"token": e.serialize(compact=True)}
    if op == "decrypt":
        e = jwcrypto_jwe.JWE()
        # The algorithms of the case are allowed explicitly: jwcrypto's defaults leave out
        # some (RSA-OAEP-384/512) that it implements.
        e.allowed_algs = [case["alg"], case["enc"]]
        e.deserialize(case["token"], key)
        return {"plaintext_b64": b64e(e.payload)}
    raise ValueError(op)


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            run = run_pyjwt if case["lib"] == "pyjwt" else run_jwcrypto
            out = run(case)
            out["ok"] = True
        except Exception as e:  # every failure is a result for the Rust side to judge
            out = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        results.append(out)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
