// panva's openid-client (a certified OpenID Connect relying party) signing in against
// `jwtctl serve --login auto`: discovery, authorization with PKCE, state and nonce, the code
// exchange with ID token validation, userinfo, refresh, end session, and the refusals a
// relying party meets. Prints one JSON object of what happened.
//   node oidc_rp.mjs ISSUER
import * as client from 'openid-client';

const [issuer] = process.argv.slice(2);
const CB = 'http://127.0.0.1:9/cb';
const insecure = { execute: [client.allowInsecureRequests] };

// What the browser does with --login auto: one request, one redirect back.
async function authorize(config, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CB,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (!location) throw new Error(`no redirect from ${url}: ${res.status}`);
  return { callback: new URL(location), verifier, state, nonce };
}

async function refusal(promise) {
  try {
    await promise;
    return 'accepted';
  } catch (e) {
    return e.error ?? e.code ?? e.message;
  }
}

async function signIn(config) {
  const a = await authorize(config);
  const tokens = await client.authorizationCodeGrant(config, a.callback, {
    pkceCodeVerifier: a.verifier,
    expectedState: a.state,
    expectedNonce: a.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const refreshedClaims = refreshed.claims();
  const reuse = await refusal(client.refreshTokenGrant(config, tokens.refresh_token));
  const afterReuse = await refusal(client.refreshTokenGrant(config, refreshed.refresh_token));
  const end = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: 'http://127.0.0.1:9/bye',
    state: 'so-long',
  });
  const ended = await fetch(end, { redirect: 'manual' });
  return {
    sub: claims.sub,
    email: claims.email,
    name: claims.name,
    nonce_checked: claims.nonce === a.nonce,
    iss_in_callback: a.callback.searchParams.get('iss'),
    userinfo,
    refreshed_sub: refreshedClaims?.sub,
    refresh_rotated: refreshed.refresh_token !== tokens.refresh_token,
    reuse,
    after_reuse: afterReuse,
    end_session: { status: ended.status, location: ended.headers.get('location') },
    id_token: tokens.id_token,
  };
}

const out = {};
const spa = await client.discovery(new URL(issuer), 'spa', undefined, client.None(), insecure);
out.spa = await signIn(spa);
const basic = await client.discovery(new URL(issuer), 'conf', undefined, client.ClientSecretBasic('s3cret'), insecure);
out.basic = await signIn(basic);
const post = await client.discovery(new URL(issuer), 'conf', undefined, client.ClientSecretPost('s3cret'), insecure);
out.post = await signIn(post);

// Refusals.
const wrongSecret = await client.discovery(new URL(issuer), 'conf', undefined, client.ClientSecretBasic('nope'), insecure);
let a = await authorize(wrongSecret);
out.wrong_secret = await refusal(client.authorizationCodeGrant(wrongSecret, a.callback, {
  pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce,
}));
a = await authorize(spa);
out.wrong_verifier = await refusal(client.authorizationCodeGrant(spa, a.callback, {
  pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: a.state, expectedNonce: a.nonce,
}));
a = await authorize(spa);
await client.authorizationCodeGrant(spa, a.callback, {
  pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce,
});
out.reused_code = await refusal(client.authorizationCodeGrant(spa, a.callback, {
  pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce,
}));
a = await authorize(spa, { prompt: 'none' });
out.prompt_none = a.callback.searchParams.get('error');
a = await authorize(spa, { response_type: 'token' });
out.unsupported_response_type = await refusal(client.authorizationCodeGrant(spa, a.callback, {
  pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce,
}));
console.log(JSON.stringify(out));
