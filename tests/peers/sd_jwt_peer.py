"""SD-JWT peer for jwtctl's interoperability tests: the Python reference implementation
(`sd-jwt` on PyPI, OpenWallet Foundation), compact serialization only (its JSON form predates
RFC 9901 section 8). Reads one JSON request on stdin and writes one JSON answer:
  {"op":"issue","claims":{...},"sd":["email","address","address.street","nat[1]"],
   "issuer_jwk":{private},"holder_jwk":{public}?,"decoys":bool}      -> {"sdjwt"}
  {"op":"present","sdjwt":"...","disclose":{...},"holder_jwk":{private}?,"aud","nonce"} -> {"sdjwt"}
  {"op":"verify","sdjwt":"...","issuer_jwk":{public},"aud"?,"nonce"?}  -> {"payload"} | {"error"}
"""
import json
import re
import sys

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def wrap(claims, paths):
    """Marks the claims the paths name as selectively disclosable (SDObj keys/elements)."""
    def mark(node, steps):
        step, rest = steps[0], steps[1:]
        m = re.fullmatch(r"(.+)\[(\d+)\]", step)
        if m:
            name, index = m.group(1), int(m.group(2))
            key = next(k for k in node if (k.value if isinstance(k, SDObj) else k) == name)
            if rest:
                mark(node[key][index], rest)
            else:
                node[key][index] = SDObj(node[key][index])
            return
        key = next(k for k in node if (k.value if isinstance(k, SDObj) else k) == step)
        if rest:
            mark(node[key], rest)
        else:
            node[SDObj(step)] = node.pop(key)
    # Deepest first, as the names of enclosing objects change when they are wrapped.
    for p in sorted(paths, key=lambda p: -p.count(".")):
        mark(claims, p.split("."))
    return claims


def main():
    req = json.load(sys.stdin)
    op = req["op"]
    try:
        if op == "issue":
            holder = JWK.from_json(json.dumps(req["holder_jwk"])) if req.get("holder_jwk") else None
            issuer = SDJWTIssuer(
                wrap(req["claims"], req["sd"]),
                JWK.from_json(json.dumps(req["issuer_jwk"])),
                holder_key=holder,
                sign_alg="ES256",
                add_decoy_claims=bool(req.get("decoys")),
            )
            out = {"sdjwt": issuer.sd_jwt_issuance}
        elif op == "present":
            holder = SDJWTHolder(req["sdjwt"])
            key = JWK.from_json(json.dumps(req["holder_jwk"])) if req.get("holder_jwk") else None
            holder.create_presentation(
                req["disclose"], req.get("nonce"), req.get("aud"), key, "ES256"
            )
            out = {"sdjwt": holder.sd_jwt_presentation}
        elif op == "verify":
            key = JWK.from_json(json.dumps(req["issuer_jwk"]))
            v = SDJWTVerifier(
                req["sdjwt"],
                lambda iss, header: key,
                req.get("aud"),
                req.get("nonce"),
            )
            out = {"payload": v.get_verified_payload()}
        else:
            out = {"error": "unknown op " + op}
    except Exception as e:  # the test reads the error text
        out = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout)


main()
