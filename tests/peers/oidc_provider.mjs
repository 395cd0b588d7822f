// panva's oidc-provider (a certified OpenID Provider) for `jwtctl token`'s tests, on
// 127.0.0.1: client credentials with client_secret_basic, client_secret_post and
// private_key_jwt, DPoP with server nonces, and resource indicators. Prints its issuer URL
// on the first line once it listens; stops on SIGTERM.
//   node oidc_provider.mjs CLIENT_PUBLIC_JWK_FILE SECRET
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const [jwkFile, secret, nonces = 'nonce'] = process.argv.slice(2);
const clientJwk = JSON.parse(readFileSync(jwkFile, 'utf8'));

const server = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => resolve(s));
});
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'ES256', use: 'sig' };
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [
    { client_id: 'basic', client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: 'post', client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'client_secret_post' },
    { client_id: 'device', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'none' },
    { client_id: 'pkjwt', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [clientJwk] } },
  ],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => nonces === 'nonce' },
    resourceIndicators: {
      enabled: true,
      // The device client's tokens are for userinfo (opaque); the others for urn:api (JWT).
      defaultResource: (ctx, client) => (client?.clientId === 'device' ? undefined : 'urn:api'),
      getResourceServerInfo: () => ({ scope: 'read write', audience: 'urn:api', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      useGrantedResource: () => true,
    },
  },
  jwks: { keys: [signingKey] },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  scopes: ['openid', 'offline_access', 'email', 'read', 'write'],
  claims: { email: ['email'] },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com` }) }),
  enabledJWA: { dPoPSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'] },
});
provider.proxy = false;
server.on('request', provider.callback());
console.log(issuer);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
