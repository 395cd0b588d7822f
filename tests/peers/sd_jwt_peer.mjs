// SD-JWT peer for jwtctl's interoperability tests: @sd-jwt/core (the OpenWallet Foundation's
// TypeScript implementation) with @sd-jwt/crypto-nodejs. Reads one JSON request on stdin:
//   {"op":"issue","claims":{...},"frame":{...},"issuer_jwk":{private},"holder_jwk":{public}?}
//   {"op":"present","sdjwt":"...","frame":{...},"holder_jwk":{private}?,"aud":"...","nonce":"...","iat":N}
//   {"op":"verify","sdjwt":"...","issuer_jwk":{public},"nonce":"..."?,"now":N?}
// and writes one JSON answer on stdout: {"sdjwt"} or {"payload","kb"} or {"error"}.
import { SDJwtInstance } from '@sd-jwt/core';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));

const kbVerifier = async (data, sig, payload) => {
  const jwk = payload?.cnf?.jwk;
  if (!jwk) return false;
  return (await ES256.getVerifier(jwk))(data, sig);
};

async function instance(req) {
  const cfg = { hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, kbVerifier };
  if (req.issuer_jwk?.d) {
    cfg.signer = await ES256.getSigner(req.issuer_jwk);
    cfg.signAlg = ES256.alg;
  } else if (req.issuer_jwk) {
    cfg.verifier = await ES256.getVerifier(req.issuer_jwk);
  }
  if (req.holder_jwk?.d) {
    cfg.kbSigner = await ES256.getSigner(req.holder_jwk);
    cfg.kbSignAlg = ES256.alg;
  }
  return new SDJwtInstance(cfg);
}

try {
  const sd = await instance(input);
  let out;
  if (input.op === 'issue') {
    const claims = { ...input.claims };
    if (input.holder_jwk) claims.cnf = { jwk: input.holder_jwk };
    out = { sdjwt: await sd.issue(claims, input.frame) };
  } else if (input.op === 'present') {
    const opts = input.holder_jwk
      ? { kb: { payload: { iat: input.iat, aud: input.aud, nonce: input.nonce } } }
      : undefined;
    out = { sdjwt: await sd.present(input.sdjwt, input.frame, opts) };
  } else if (input.op === 'verify') {
    const opts = {};
    if (input.nonce) opts.keyBindingNonce = input.nonce;
    if (input.now) opts.currentDate = input.now;
    const v = await sd.verify(input.sdjwt, opts);
    out = { payload: v.payload, kb: v.kb?.payload ?? null };
  } else {
    out = { error: `unknown op ${input.op}` };
  }
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.message ?? e) }));
}
