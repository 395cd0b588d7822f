"""PyJWT, configured as a careful API gateway would be, against `jwtctl serve`'s flawed
tokens: keys from the issuer's JWKS by kid, ES256 only, issuer, audience, exp required, and
the RFC 9068 typ. Reads {"name": token, ...} on stdin; prints {"name": "accepted" or the
exception's class name}.
    python flawed_pyjwt.py JWKS_URL ISSUER AUDIENCE
"""
import json
import sys

import jwt

jwks_url, issuer, audience = sys.argv[1:4]
client = jwt.PyJWKClient(jwks_url, cache_keys=False)
out = {}
for name, token in json.load(sys.stdin).items():
    try:
        header = jwt.get_unverified_header(token)
        if str(header.get("typ", "")).lower() not in ("at+jwt", "application/at+jwt"):
            raise jwt.InvalidTokenError("typ")
        key = client.get_signing_key_from_jwt(token)
        jwt.decode(
            token,
            key.key,
            algorithms=["ES256"],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
        out[name] = "accepted"
    except Exception as e:  # the class names the reason
        out[name] = type(e).__name__ + (": typ" if str(e) == "typ" else "")
print(json.dumps(out))
