// panva's openid-client against `jwtctl serve --login auto --dpop-nonce`: private_key_jwt and
// client_secret_jwt authentication, introspection, revocation, the device flow, token
// exchange through the generic grant, and DPoP with the server-nonce retry, at the token
// endpoint and at userinfo. Prints one JSON object of what happened.
//   node oidc_grants.mjs ISSUER PRIVATE_JWK_FILE SECRET
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';

const [issuer, jwkFile, secret] = process.argv.slice(2);
const insecure = { execute: [client.allowInsecureRequests] };
const url = new URL(issuer);
const jwk = JSON.parse(readFileSync(jwkFile, 'utf8'));
const privateKey = await crypto.subtle.importKey(
  'jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'],
);

async function refusal(promise) {
  try {
    await promise;
    return 'accepted';
  } catch (e) {
    return e.error ?? e.code ?? e.message;
  }
}

const out = {};
const pk = await client.discovery(url, 'pkjwt', undefined, client.PrivateKeyJwt(privateKey), insecure);
const pkToken = await client.clientCredentialsGrant(pk, { scope: 'read' });
out.private_key_jwt = { token_type: pkToken.token_type, scope: pkToken.scope };

const sj = await client.discovery(url, 'jwt', undefined, client.ClientSecretJwt(secret), insecure);
const sjToken = await client.clientCredentialsGrant(sj);
out.client_secret_jwt = { token_type: sjToken.token_type };
const wrong = await client.discovery(url, 'jwt', undefined, client.ClientSecretJwt('x'.repeat(40)), insecure);
out.wrong_secret_jwt = await refusal(client.clientCredentialsGrant(wrong));

// Introspection and revocation, by the confidential private_key_jwt client.
const intro = await client.tokenIntrospection(pk, pkToken.access_token);
await client.tokenRevocation(pk, pkToken.access_token);
const after = await client.tokenIntrospection(pk, pkToken.access_token);
out.introspection = { before: intro.active, client_id: intro.client_id, scope: intro.scope, after: after.active };

// The device flow (--login auto approves at once; openid-client waits the interval).
const pub = await client.discovery(url, 'pub', undefined, client.None(), insecure);
const device = await client.initiateDeviceAuthorization(pub, { scope: 'openid email' });
const deviceTokens = await client.pollDeviceAuthorizationGrant(pub, device);
out.device = {
  user_code: device.user_code,
  sub: deviceTokens.claims()?.sub,
  refresh: typeof deviceTokens.refresh_token === 'string',
};

// Token exchange.
const exchanged = await client.genericGrantRequest(pk, 'urn:ietf:params:oauth:grant-type:token-exchange', {
  subject_token: sjToken.access_token,
  subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  actor_token: pkToken.access_token === undefined ? '' : (await client.clientCredentialsGrant(pk)).access_token,
  actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  audience: 'orders',
});
const payload = JSON.parse(Buffer.from(exchanged.access_token.split('.')[1], 'base64url'));
out.exchange = { issued_token_type: exchanged.issued_token_type, aud: payload.aud, act: payload.act, sub: payload.sub };

// DPoP: the first request is refused with use_dpop_nonce and retried with the nonce.
const keyPair = await client.randomDPoPKeyPair('ES256');
const dpop = client.getDPoPHandle(pk, keyPair);
const bound = await client.clientCredentialsGrant(pk, { scope: 'openid' }, { DPoP: dpop });
const boundPayload = JSON.parse(Buffer.from(bound.access_token.split('.')[1], 'base64url'));
const info = await client.fetchUserInfo(pk, bound.access_token, client.skipSubjectCheck, { DPoP: dpop });
const withoutProof = await refusal(client.fetchUserInfo(pk, bound.access_token, client.skipSubjectCheck));
out.dpop = { token_type: bound.token_type, jkt: boundPayload.cnf?.jkt, userinfo_sub: info.sub, without_proof: withoutProof };
console.log(JSON.stringify(out));
