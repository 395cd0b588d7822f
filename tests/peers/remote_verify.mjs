// panva/jose fetching a JWK Set over HTTP and verifying a token with it:
//   node remote_verify.mjs JWKS_URL ISSUER AUDIENCE TOKEN
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(jwksUrl));
const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
console.log(JSON.stringify({ payload, protectedHeader }));
