// A peer for jwtctl's interop tests: panva/jose (npm). Reads a JSON array of cases on stdin
// and writes a JSON array of results, as python_peer.py does (same case format).
import * as jose from 'jose';

const b64d = (s) => Buffer.from(s, 'base64url');
const b64e = (b) => Buffer.from(b).toString('base64url');

async function key(c) {
  if (c.password_b64) return new Uint8Array(b64d(c.password_b64));
  return jose.importJWK(c.jwk, c.alg);
}

async function run(c) {
  switch (c.op) {
    case 'sign':
      return { token: await new jose.SignJWT(c.claims).setProtectedHeader({ alg: c.alg, typ: 'JWT' }).sign(await key(c)) };
    case 'verify': {
      const { payload } = await jose.jwtVerify(c.token, await key(c), { algorithms: [c.alg] });
      return { claims: payload };
    }
    case 'encrypt': {
      const token = await new jose.CompactEncrypt(new Uint8Array(b64d(c.plaintext_b64)))
        .setProtectedHeader({ alg: c.alg, enc: c.enc })
        .encrypt(await key(c));
      return { token };
    }
    case 'decrypt': {
      const { plaintext } = await jose.compactDecrypt(c.token, await key(c), {
        keyManagementAlgorithms: [c.alg],
        contentEncryptionAlgorithms: [c.enc],
      });
      return { plaintext_b64: b64e(plaintext) };
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString());
const results = [];
for (const c of cases) {
  try {
    results.push({ ok: true, ...(await run(c)) });
  } catch (e) {
    results.push({ ok: false, error: `${e.name}: ${e.message}` });
  }
}
process.stdout.write(JSON.stringify(results));
