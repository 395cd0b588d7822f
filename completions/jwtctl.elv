
use builtin;
use str;

set edit:completion:arg-completer[jwtctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jwtctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jwtctl'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Create a signed token (JWS) from claims'
            cand verify 'Verify a token''s signature and claims; exit 0 only if it is valid'
            cand present 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT'
            cand dpop 'Make a DPoP proof of possession (RFC 9449) for one HTTP request'
            cand inspect 'Decode a token WITHOUT verifying it, and point out what looks wrong'
            cand encrypt 'Encrypt a payload to a key or password (JWE)'
            cand decrypt 'Decrypt a JWE; with --verify-key, verify the nested JWT inside'
            cand keygen 'Generate a key for an algorithm (or of a given type), as PEM or JWK'
            cand jwks 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints'
            cand serve 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo'
            cand completions 'Print a shell completion script'
            cand generate-docs 'Write the committed completions/ and man/ folders (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;sign'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --alg 'Signature algorithm. `none` is refused unless --allow-unsecured. Optional for a key that admits one algorithm: EC keys (ES256, ES384, ES512, ES256K), Ed25519/Ed448 keys (EdDSA) and JWKs with an "alg"; RSA keys and secrets need it'
            cand --key 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content'
            cand --secret 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)'
            cand --passphrase 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given'
            cand --kid 'Key id to put in the header (default: the JWK''s kid, if any)'
            cand --typ 'Header typ (default: JWT for claims, none for --payload)'
            cand --cty 'Header cty (content type)'
            cand --header 'Extra protected header member: NAME=VALUE (string) or NAME:=JSON'
            cand --x5c 'Certificate chain to carry in the x5c header: PEM certificates, leaf first; the leaf''s key must be the signing key'
            cand --sd 'SD-JWT (RFC 9901): make this claim selectively disclosable (repeatable): `email`, `address.street_address`, `nationalities[]` (every element), `nationalities[1]`. An object and a member inside it give recursive disclosures. The output is `<JWT>~<disclosure>~...~`'
            cand --sd-decoys 'SD-JWT: add N decoy digests to every _sd array written (0 to 100)'
            cand --holder-key 'SD-JWT: the holder''s key (public or private; the public part is used) for key binding, written as cnf.jwk (RFC 7800)'
            cand --iss 'Issuer (iss)'
            cand --sub 'Subject (sub)'
            cand --aud 'Audience (aud); once gives a string, repeated gives an array'
            cand --exp 'Expiry (exp): RFC 3339, Unix seconds, or a duration from now (15m, 1h)'
            cand --nbf 'Not before (nbf): RFC 3339, Unix seconds, or a duration from now'
            cand --iat 'Issued at (iat); default: now'
            cand --jti 'Token id (jti)'
            cand --claim 'Claim: NAME=VALUE gives a string, NAME:=JSON raw JSON (n:=5, roles:=''["a"]'')'
            cand --now 'The time "now" for iat and relative times (for reproducible tokens)'
            cand --serialization 'Output serialization'
            cand --payload 'Sign the bytes of FILE (`-` for stdin) instead of a claims set: any payload, not only JWT claims'
            cand --from 'Start from this token''s claims (TOKEN, @FILE or -), decoded without verification: edit and sign again. Flags override its members; iat is kept unless --iat or --no-iat'
            cand --unset 'Remove this claim after the others are applied (repeatable)'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --allow-weak-key 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens'
            cand --x5t 'With --x5c: also write x5t#S256, the leaf certificate''s SHA-256 thumbprint'
            cand --no-iat 'Leave iat out'
            cand --jti-random 'Set jti to 128 random bits (base64url)'
            cand --detached 'Leave the payload out of the output (RFC 7515 appendix F); verify with --payload'
            cand --unencoded 'Do not base64url-encode the payload (RFC 7797, header b64: false)'
            cand --allow-unsecured 'Allow --alg none (an unsigned token; it still warns)'
            cand --keep-header 'With --from: keep the token''s header members too (not alg, kid, x5c, x5t, jwk, jku, x5u, crit or b64)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;verify'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --key 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content'
            cand --secret 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)'
            cand --passphrase 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given'
            cand --jwks 'JWK Set: a file, or an https:// URL (fetched and cached); the key is chosen by the token''s kid, then by algorithm'
            cand --issuer 'Issuer whose keys verify the token, found by OpenID Connect discovery (else RFC 8414) at URL/.well-known/...; repeatable: the token''s iss picks one of them, and must'
            cand --ca 'Trust anchor(s) for tokens that carry their key as an x5c certificate chain: a PEM or DER file of one or more certificates (repeatable). The key is the chain''s leaf''s, once a path from it reaches an anchor; nothing is fetched'
            cand --leaf-name 'With --ca: the leaf''s subjectAltName DNS name (without a SAN, its subject CN) must be NAME, compared without regard to ASCII case; wildcards are not expanded'
            cand --leaf-oid 'With --ca: the leaf must carry an extension with this OID, e.g. Apple''s 1.2.840.113635.100.6.11.1 (repeatable)'
            cand --crl 'With --ca: a certificate revocation list, PEM or DER (repeatable); a certificate of the path that a CRL signed by its issuer lists is rejected. Nothing is fetched'
            cand --max-chain 'With --ca: most certificates allowed in x5c (1 to 100, default 10)'
            cand --kb-aud 'SD-JWT: the KB-JWT''s aud must be AUD (implies --require-kb)'
            cand --nonce 'SD-JWT: the KB-JWT''s nonce must be NONCE (implies --require-kb)'
            cand --kb-max-age 'SD-JWT: the KB-JWT''s iat may be at most this old (default 5m)'
            cand --dpop 'A DPoP proof (text or @FILE) sent with the token: checked, and the token must be bound to its key (cnf.jkt)'
            cand --htm 'The request''s HTTP method the proof must name'
            cand --htu 'The request''s URL the proof must name (compared without query and fragment, after RFC 3986 normalization)'
            cand --dpop-nonce 'The server nonce the proof must carry'
            cand --dpop-max-age 'Oldest proof accepted, by its iat [default: 5m]'
            cand --cacert 'Extra trusted CA certificates (PEM), on top of the system''s trust store'
            cand --timeout 'Per request, from connecting to the last byte (default 10s)'
            cand --refresh-cooldown 'Least time between two refetches of one key set URL for a token whose kid is not in it (default 30s)'
            cand --alg 'Allowed algorithm (repeatable). Default: the algorithms that fit the key (narrowed to those an issuer''s discovery document lists)'
            cand --iss 'Accepted issuer (repeatable: any one)'
            cand --aud 'Accepted audience (repeatable: any one). A token with aud is rejected without it'
            cand --sub 'Expected subject'
            cand --typ 'Expected header typ (application/ prefix optional, case-insensitive)'
            cand --require 'Claim that must be present (repeatable)'
            cand --leeway 'Clock skew allowed on exp, nbf and iat'
            cand --max-age 'Reject tokens whose iat is older than this'
            cand --now 'Judge time claims as of this TIME instead of the clock'
            cand --revoked 'File of revoked token ids (jti), one per line, # comments'
            cand --output 'What to print on success'
            cand --payload 'Detached payload (RFC 7515 appendix F, RFC 7797)'
            cand --jobs 'Worker threads for --batch (default: every core). Output order is kept'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --allow-weak-key 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens'
            cand --require-kb 'SD-JWT: reject one without a key-binding JWT (KB-JWT). A KB-JWT that is present is always checked against the SD-JWT''s cnf.jwk'
            cand --no-cache 'Fetch afresh, ignoring cached copies (the cache is updated)'
            cand --offline 'Use only cached copies, fresh or not; never the network'
            cand --any-aud 'Accept any audience (skip the aud check)'
            cand --ignore-exp 'Do not check exp (for old test vectors)'
            cand --batch 'Verify one token per line of standard input; print one JSON line per token'
            cand --explain 'Print the check-by-check report to standard error'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;present'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --disclose 'Reveal this claim (repeatable): `email`, `address.street_address`, `nationalities[]`, `nationalities[1]`; the disclosures above it that make it reachable come too'
            cand --holder-key 'The holder''s private key (its public part must be the SD-JWT''s cnf.jwk): appends a key-binding JWT'
            cand --passphrase 'Passphrase of an encrypted --holder-key (same sources as --secret)'
            cand --kb-aud 'The KB-JWT''s aud: the verifier'
            cand --nonce 'The KB-JWT''s nonce, from the verifier'
            cand --kb-iat 'The KB-JWT''s iat (default: now)'
            cand --alg 'The KB-JWT''s algorithm (default: the one the key fits; needed for RSA)'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --disclose-all 'Reveal every claim the SD-JWT''s disclosures open'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;dpop'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --key 'The private key the proof is signed with (asymmetric; its public JWK goes in the header)'
            cand --passphrase 'Passphrase of an encrypted --key (same sources as --secret)'
            cand --htm 'The request''s HTTP method (htm)'
            cand --htu 'The request''s URL (htu; the query and fragment are dropped)'
            cand --access-token 'The access token sent with the request: its hash goes in ath (text or @FILE)'
            cand --nonce 'A nonce the server provided (DPoP-Nonce)'
            cand --alg 'The algorithm (default: the one the key fits; needed for RSA)'
            cand --iat 'iat (default: now)'
            cand --jti 'jti (default: 128 random bits)'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;inspect'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --key 'Describe a key file instead (twice: do they form a pair?); with a token, whether the key fits its alg and kid'
            cand --passphrase 'Passphrase for encrypted keys given with --key'
            cand --now 'Judge time claims as of this TIME instead of the clock'
            cand --min-ttl 'A freshness check for scripts: exit 0 when the token''s exp is at least DURATION away, exit 1 (code expiring) when it is closer, past or absent. Decodes only: the signature is not checked'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --json 'Print the decoded token and warnings as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;encrypt'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --alg 'Key management algorithm. Default: from the key (RSA: RSA-OAEP-256; EC, X25519/X448: ECDH-ES+A256KW; secret: the matching A*KW, dir when sized for --enc, else PBES2-HS512+A256KW)'
            cand --enc 'Content encryption'
            cand --key 'Recipient key file (public key, or a secret as an oct JWK)'
            cand --secret 'Secret or password (dir, A*KW, A*GCMKW, PBES2): env:NAME, @FILE, prompt (asked twice), b64:VALUE, literal'
            cand --passphrase 'Passphrase of an encrypted key file'
            cand --kid 'Key id for the header (default: the JWK''s kid, if any)'
            cand --cty 'Header cty; use JWT for a nested (signed, then encrypted) token'
            cand --typ 'Header typ'
            cand --zip 'Compress the plaintext before encrypting'
            cand --header 'Extra protected header member: NAME=VALUE or NAME:=JSON'
            cand --p2c 'PBES2 iteration count, 1000 to 2147483647. The default, 10000, is what common libraries (panva/jose, jwcrypto, latchset jose) accept by default; more warns'
            cand --serialization 'Output serialization'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;decrypt'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --key 'Private key file (PEM, DER, JWK or JWKS; an oct JWK for symmetric algorithms)'
            cand --secret 'Secret or password (dir, A*KW, A*GCMKW, PBES2)'
            cand --jwks 'JWK Set: a file or an https:// URL; the key is chosen by the token''s kid, then by algorithm'
            cand --passphrase 'Passphrase of an encrypted key file'
            cand --alg 'Allowed key management algorithm (repeatable). Default: those that fit the key'
            cand --enc 'Allowed content encryption (repeatable). Default: all'
            cand --max-p2c 'Highest PBES2 iteration count accepted, 1 to 2147483647: the budget of the whole token, summed over every recipient tried, checked before each key derivation'
            cand --max-plaintext 'Largest plaintext accepted, in bytes (K, M, G suffixes); inflating stops there'
            cand --verify-key 'Nested JWT: verify the decrypted JWS with this key (a key file, or a JWK Set file or https:// URL) and print its claims'
            cand --cacert 'Extra trusted CA certificates (PEM), on top of the system''s trust store'
            cand --timeout 'Per request, from connecting to the last byte (default 10s)'
            cand --refresh-cooldown 'With --verify-key URL: least time between two refetches of the set for an unknown kid (default 30s)'
            cand --verify-alg 'Allowed algorithm of the inner JWS (repeatable; with --verify-key)'
            cand --iss 'Accepted issuer (repeatable: any one)'
            cand --aud 'Accepted audience (repeatable: any one). A token with aud is rejected without it'
            cand --sub 'Expected subject'
            cand --typ 'Expected header typ (application/ prefix optional, case-insensitive)'
            cand --require 'Claim that must be present (repeatable)'
            cand --leeway 'Clock skew allowed on exp, nbf and iat'
            cand --max-age 'Reject tokens whose iat is older than this'
            cand --now 'Judge time claims as of this TIME instead of the clock'
            cand --revoked 'File of revoked token ids (jti), one per line, # comments'
            cand --output 'With --verify-key: what to print on success (as verify --output)'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --allow-rsa1_5 'Accept the deprecated RSA1_5 key encryption (RFC 8725 3.2)'
            cand --no-cache 'Fetch afresh, ignoring cached copies (the cache is updated)'
            cand --offline 'Use only cached copies, fresh or not; never the network'
            cand --any-aud 'Accept any audience (skip the aud check)'
            cand --ignore-exp 'Do not check exp (for old test vectors)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;keygen'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --alg 'Make a key that fits this JWS or JWE algorithm'
            cand --enc 'Content encryption, to size a key for --alg dir'
            cand --kty 'Key type, instead of --alg'
            cand --bits 'Key size: RSA 2048-8192 (default 2048), oct any multiple of 8 (default 256)'
            cand --crv 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448'
            cand --format 'Output format (default: pem; jwk for symmetric keys)'
            cand --out 'Write the private key here (mode 0600) instead of standard output'
            cand --pub-out 'Write the public key here (mode 0644)'
            cand --kid 'Key id for JWK output (default: the RFC 7638 thumbprint)'
            cand --use 'JWK "use" (default: from --alg)'
            cand --passphrase 'Encrypt the PEM private key (PKCS#8, AES-256-CBC) with this passphrase; prompt asks twice'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --force 'Overwrite existing files (atomically)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;jwks'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --issuer 'Print the key set of this issuer (found by OpenID Connect or RFC 8414 discovery)'
            cand --cacert 'Extra trusted CA certificates (PEM), on top of the system''s trust store'
            cand --timeout 'Per request, from connecting to the last byte (default 10s)'
            cand --kid 'kid for each KEY, in order (default: the key''s own kid, else its RFC 7638 thumbprint); with --to-pem, the member to convert'
            cand --use 'Set "use" on the keys added'
            cand --alg 'Set "alg" on the keys added'
            cand --merge 'Add to this existing set (key rotation); its order is kept'
            cand --remove 'Remove the key with this kid (repeatable)'
            cand --passphrase 'Passphrase for encrypted private keys'
            cand --to-pem 'Convert a JWK, or the set member chosen by --kid, to PEM'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --no-cache 'Fetch afresh, ignoring cached copies (the cache is updated)'
            cand --offline 'Use only cached copies, fresh or not; never the network'
            cand --private 'Include private members (a private set; needed for oct keys)'
            cand --thumbprint 'Print each key''s RFC 7638 SHA-256 thumbprint, one per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;serve'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --key 'Key file (repeatable; any format --key reads): the first signs, every one is published'
            cand --passphrase 'Passphrase of encrypted key files'
            cand --alg 'Signing algorithm of the first key (default: its JWK alg, else RS256, ES256/384/512, ES256K, EdDSA or HS256 by key type)'
            cand --addr 'Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free one'
            cand --tls-cert 'TLS certificate chain (PEM): serve https'
            cand --tls-key 'TLS private key (PEM) of --tls-cert'
            cand --issuer-url 'The issuer URL to publish and put in iss (default: the address served, e.g. when it is reached through another name or a proxy)'
            cand --client 'A client (repeatable): ID:SECRET is confidential, ID alone is public (PKCE, no secret). Without any, every client is accepted'
            cand --redirect-uri 'A redirect URI every client may use, matched exactly (repeatable). Without any registered, loopback URIs of any port and path are allowed'
            cand --user 'A user who can sign in (repeatable): SUB, or SUB:CLAIMS_JSON as ''alice:{"email":"alice@example.com","name":"Alice"}'''
            cand --login 'The login page: form shows it; auto signs in at once (headless tests)'
            cand --config 'A JSON file with clients, users and any flag''s value under its long name ("login": "auto"); flags add to it'
            cand --aud 'Audience of the tokens (repeatable), unless the request names one (audience or resource parameter)'
            cand --exp 'Token lifetime [default: 15m]'
            cand --claim 'Extra claim in every access token: NAME=VALUE (a string) or NAME:=JSON (repeatable)'
            cand --rotate 'Every DURATION, sign with a fresh key of the first key''s kind; the previous one stays published for one more period'
            cand --admin-token 'Answer the control API (/_jwtctl/) to non-loopback peers presenting this bearer token (same sources as --secret); loopback peers need none'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand --dpop-nonce 'Demand DPoP server nonces: proofs without the current one get use_dpop_nonce'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;completions'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;generate-docs'= {
            cand --color 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never'
            cand --pretty 'Pretty-print JSON output (the default on a terminal)'
            cand --compact 'Print JSON output on one line (the default when piped)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jwtctl;help'= {
            cand sign 'Create a signed token (JWS) from claims'
            cand verify 'Verify a token''s signature and claims; exit 0 only if it is valid'
            cand present 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT'
            cand dpop 'Make a DPoP proof of possession (RFC 9449) for one HTTP request'
            cand inspect 'Decode a token WITHOUT verifying it, and point out what looks wrong'
            cand encrypt 'Encrypt a payload to a key or password (JWE)'
            cand decrypt 'Decrypt a JWE; with --verify-key, verify the nested JWT inside'
            cand keygen 'Generate a key for an algorithm (or of a given type), as PEM or JWK'
            cand jwks 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints'
            cand serve 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo'
            cand completions 'Print a shell completion script'
            cand generate-docs 'Write the committed completions/ and man/ folders (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;sign'= {
        }
        &'jwtctl;help;verify'= {
        }
        &'jwtctl;help;present'= {
        }
        &'jwtctl;help;dpop'= {
        }
        &'jwtctl;help;inspect'= {
        }
        &'jwtctl;help;encrypt'= {
        }
        &'jwtctl;help;decrypt'= {
        }
        &'jwtctl;help;keygen'= {
        }
        &'jwtctl;help;jwks'= {
        }
        &'jwtctl;help;serve'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;generate-docs'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
