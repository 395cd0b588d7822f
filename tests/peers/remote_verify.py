"""PyJWT's PyJWKClient fetching a JWK Set over HTTP and verifying a token with it:
    python remote_verify.py JWKS_URL ISSUER AUDIENCE TOKEN
"""
import json
import sys

import jwt

jwks_url, issuer, audience, token = sys.argv[1:5]
client = jwt.PyJWKClient(jwks_url)
key = client.get_signing_key_from_jwt(token)
claims = jwt.decode(token, key.key, algorithms=[key.algorithm_name], audience=audience, issuer=issuer)
print(json.dumps({"claims": claims, "header": jwt.get_unverified_header(token)}))
