// panva/jose and DPoP proofs (RFC 9449).
//   node dpop_peer.mjs verify PROOF             -> {"header":..., "payload":..., "jkt":...}
//   node dpop_peer.mjs keygen                   -> {"jwk": private JWK, "jkt": thumbprint}
//   node dpop_peer.mjs make JWK HTM HTU ATH     -> {"proof": ...}
import { EmbeddedJWK, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'verify') {
  const { payload, protectedHeader } = await jwtVerify(args[0], EmbeddedJWK, { typ: 'dpop+jwt' });
  const jkt = await calculateJwkThumbprint(protectedHeader.jwk);
  console.log(JSON.stringify({ header: protectedHeader, payload, jkt }));
} else if (mode === 'keygen') {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d, ...pub } = jwk;
  console.log(JSON.stringify({ jwk, jkt: await calculateJwkThumbprint(pub) }));
} else {
  const [jwkText, htm, htu, ath] = args;
  const jwk = JSON.parse(jwkText);
  const key = await importJWK(jwk, 'ES256');
  const { d, ...pub } = jwk;
  const proof = await new SignJWT({ htm, htu, ath, jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: pub })
    .setIssuedAt()
    .sign(key);
  console.log(JSON.stringify({ proof }));
}
