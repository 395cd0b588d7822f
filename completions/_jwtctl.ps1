
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jwtctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jwtctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jwtctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Create a signed token (JWS) from claims')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature and claims; exit 0 only if it is valid')
            [CompletionResult]::new('present', 'present', [CompletionResultType]::ParameterValue, 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT')
            [CompletionResult]::new('dpop', 'dpop', [CompletionResultType]::ParameterValue, 'Make a DPoP proof of possession (RFC 9449) for one HTTP request')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Get an access token from an identity provider (an OAuth 2.0 client for scripts)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token WITHOUT verifying it, and point out what looks wrong')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a payload to a key or password (JWE)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE; with --verify-key, verify the nested JWT inside')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key for an algorithm (or of a given type), as PEM or JWK')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Write the committed completions/ and man/ folders (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;sign' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Signature algorithm. `none` is refused unless --allow-unsecured. Optional for a key that admits one algorithm: EC keys (ES256, ES384, ES512, ES256K), Ed25519/Ed448 keys (EdDSA) and JWKs with an "alg"; RSA keys and secrets need it')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id to put in the header (default: the JWK''s kid, if any)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header typ (default: JWT for claims, none for --payload)')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, 'Header cty (content type)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra protected header member: NAME=VALUE (string) or NAME:=JSON')
            [CompletionResult]::new('--x5c', '--x5c', [CompletionResultType]::ParameterName, 'Certificate chain to carry in the x5c header: PEM certificates, leaf first; the leaf''s key must be the signing key')
            [CompletionResult]::new('--sd', '--sd', [CompletionResultType]::ParameterName, 'SD-JWT (RFC 9901): make this claim selectively disclosable (repeatable): `email`, `address.street_address`, `nationalities[]` (every element), `nationalities[1]`. An object and a member inside it give recursive disclosures. The output is `<JWT>~<disclosure>~...~`')
            [CompletionResult]::new('--sd-decoys', '--sd-decoys', [CompletionResultType]::ParameterName, 'SD-JWT: add N decoy digests to every _sd array written (0 to 100)')
            [CompletionResult]::new('--holder-key', '--holder-key', [CompletionResultType]::ParameterName, 'SD-JWT: the holder''s key (public or private; the public part is used) for key binding, written as cnf.jwk (RFC 7800)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Issuer (iss)')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Subject (sub)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Audience (aud); once gives a string, repeated gives an array')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Expiry (exp): RFC 3339, Unix seconds, or a duration from now (15m, 1h)')
            [CompletionResult]::new('--nbf', '--nbf', [CompletionResultType]::ParameterName, 'Not before (nbf): RFC 3339, Unix seconds, or a duration from now')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'Issued at (iat); default: now')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'Token id (jti)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Claim: NAME=VALUE gives a string, NAME:=JSON raw JSON (n:=5, roles:=''["a"]'')')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time "now" for iat and relative times (for reproducible tokens)')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'Output serialization')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Sign the bytes of FILE (`-` for stdin) instead of a claims set: any payload, not only JWT claims')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start from this token''s claims (TOKEN, @FILE or -), decoded without verification: edit and sign again. Flags override its members; iat is kept unless --iat or --no-iat')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove this claim after the others are applied (repeatable)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens')
            [CompletionResult]::new('--x5t', '--x5t', [CompletionResultType]::ParameterName, 'With --x5c: also write x5t#S256, the leaf certificate''s SHA-256 thumbprint')
            [CompletionResult]::new('--no-iat', '--no-iat', [CompletionResultType]::ParameterName, 'Leave iat out')
            [CompletionResult]::new('--jti-random', '--jti-random', [CompletionResultType]::ParameterName, 'Set jti to 128 random bits (base64url)')
            [CompletionResult]::new('--detached', '--detached', [CompletionResultType]::ParameterName, 'Leave the payload out of the output (RFC 7515 appendix F); verify with --payload')
            [CompletionResult]::new('--unencoded', '--unencoded', [CompletionResultType]::ParameterName, 'Do not base64url-encode the payload (RFC 7797, header b64: false)')
            [CompletionResult]::new('--allow-unsecured', '--allow-unsecured', [CompletionResultType]::ParameterName, 'Allow --alg none (an unsigned token; it still warns)')
            [CompletionResult]::new('--keep-header', '--keep-header', [CompletionResultType]::ParameterName, 'With --from: keep the token''s header members too (not alg, kid, x5c, x5t, jwk, jku, x5u, crit or b64)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;verify' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWK Set: a file, or an https:// URL (fetched and cached); the key is chosen by the token''s kid, then by algorithm')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer whose keys verify the token, found by OpenID Connect discovery (else RFC 8414) at URL/.well-known/...; repeatable: the token''s iss picks one of them, and must')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust anchor(s) for tokens that carry their key as an x5c certificate chain: a PEM or DER file of one or more certificates (repeatable). The key is the chain''s leaf''s, once a path from it reaches an anchor; nothing is fetched')
            [CompletionResult]::new('--leaf-name', '--leaf-name', [CompletionResultType]::ParameterName, 'With --ca: the leaf''s subjectAltName DNS name (without a SAN, its subject CN) must be NAME, compared without regard to ASCII case; wildcards are not expanded')
            [CompletionResult]::new('--leaf-oid', '--leaf-oid', [CompletionResultType]::ParameterName, 'With --ca: the leaf must carry an extension with this OID, e.g. Apple''s 1.2.840.113635.100.6.11.1 (repeatable)')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'With --ca: a certificate revocation list, PEM or DER (repeatable); a certificate of the path that a CRL signed by its issuer lists is rejected. Nothing is fetched')
            [CompletionResult]::new('--max-chain', '--max-chain', [CompletionResultType]::ParameterName, 'With --ca: most certificates allowed in x5c (1 to 100, default 10)')
            [CompletionResult]::new('--kb-aud', '--kb-aud', [CompletionResultType]::ParameterName, 'SD-JWT: the KB-JWT''s aud must be AUD (implies --require-kb)')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'SD-JWT: the KB-JWT''s nonce must be NONCE (implies --require-kb)')
            [CompletionResult]::new('--kb-max-age', '--kb-max-age', [CompletionResultType]::ParameterName, 'SD-JWT: the KB-JWT''s iat may be at most this old (default 5m)')
            [CompletionResult]::new('--dpop', '--dpop', [CompletionResultType]::ParameterName, 'A DPoP proof (text or @FILE) sent with the token: checked, and the token must be bound to its key (cnf.jkt)')
            [CompletionResult]::new('--htm', '--htm', [CompletionResultType]::ParameterName, 'The request''s HTTP method the proof must name')
            [CompletionResult]::new('--htu', '--htu', [CompletionResultType]::ParameterName, 'The request''s URL the proof must name (compared without query and fragment, after RFC 3986 normalization)')
            [CompletionResult]::new('--dpop-nonce', '--dpop-nonce', [CompletionResultType]::ParameterName, 'The server nonce the proof must carry')
            [CompletionResult]::new('--dpop-max-age', '--dpop-max-age', [CompletionResultType]::ParameterName, 'Oldest proof accepted, by its iat [default: 5m]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted CA certificates (PEM), on top of the system''s trust store')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per request, from connecting to the last byte (default 10s)')
            [CompletionResult]::new('--refresh-cooldown', '--refresh-cooldown', [CompletionResultType]::ParameterName, 'Least time between two refetches of one key set URL for a token whose kid is not in it (default 30s)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Allowed algorithm (repeatable). Default: the algorithms that fit the key (narrowed to those an issuer''s discovery document lists)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Accepted issuer (repeatable: any one)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Accepted audience (repeatable: any one). A token with aud is rejected without it')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Expected subject')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Expected header typ (application/ prefix optional, case-insensitive)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Claim that must be present (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed on exp, nbf and iat')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens whose iat is older than this')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge time claims as of this TIME instead of the clock')
            [CompletionResult]::new('--revoked', '--revoked', [CompletionResultType]::ParameterName, 'File of revoked token ids (jti), one per line, # comments')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print on success')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Detached payload (RFC 7515 appendix F, RFC 7797)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Worker threads for --batch (default: every core). Output order is kept')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens')
            [CompletionResult]::new('--require-kb', '--require-kb', [CompletionResultType]::ParameterName, 'SD-JWT: reject one without a key-binding JWT (KB-JWT). A KB-JWT that is present is always checked against the SD-JWT''s cnf.jwk')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Fetch afresh, ignoring cached copies (the cache is updated)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use only cached copies, fresh or not; never the network')
            [CompletionResult]::new('--any-aud', '--any-aud', [CompletionResultType]::ParameterName, 'Accept any audience (skip the aud check)')
            [CompletionResult]::new('--ignore-exp', '--ignore-exp', [CompletionResultType]::ParameterName, 'Do not check exp (for old test vectors)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Verify one token per line of standard input; print one JSON line per token')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Print the check-by-check report to standard error')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;present' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--disclose', '--disclose', [CompletionResultType]::ParameterName, 'Reveal this claim (repeatable): `email`, `address.street_address`, `nationalities[]`, `nationalities[1]`; the disclosures above it that make it reachable come too')
            [CompletionResult]::new('--holder-key', '--holder-key', [CompletionResultType]::ParameterName, 'The holder''s private key (its public part must be the SD-JWT''s cnf.jwk): appends a key-binding JWT')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted --holder-key (same sources as --secret)')
            [CompletionResult]::new('--kb-aud', '--kb-aud', [CompletionResultType]::ParameterName, 'The KB-JWT''s aud: the verifier')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The KB-JWT''s nonce, from the verifier')
            [CompletionResult]::new('--kb-iat', '--kb-iat', [CompletionResultType]::ParameterName, 'The KB-JWT''s iat (default: now)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The KB-JWT''s algorithm (default: the one the key fits; needed for RSA)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--disclose-all', '--disclose-all', [CompletionResultType]::ParameterName, 'Reveal every claim the SD-JWT''s disclosures open')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;dpop' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The private key the proof is signed with (asymmetric; its public JWK goes in the header)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted --key (same sources as --secret)')
            [CompletionResult]::new('--htm', '--htm', [CompletionResultType]::ParameterName, 'The request''s HTTP method (htm)')
            [CompletionResult]::new('--htu', '--htu', [CompletionResultType]::ParameterName, 'The request''s URL (htu; the query and fragment are dropped)')
            [CompletionResult]::new('--access-token', '--access-token', [CompletionResultType]::ParameterName, 'The access token sent with the request: its hash goes in ath (text or @FILE)')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'A nonce the server provided (DPoP-Nonce)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm (default: the one the key fits; needed for RSA)')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'iat (default: now)')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'jti (default: 128 random bits)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;token' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'The identity provider: its discovery document names the endpoints')
            [CompletionResult]::new('--token-endpoint', '--token-endpoint', [CompletionResultType]::ParameterName, 'The token endpoint, directly (no discovery)')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The client''s id')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The client''s secret (env:NAME, @FILE, prompt, or the text): client_secret_basic, or client_secret_post with --client-auth post')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'How the secret is sent')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'The client''s private key: private_key_jwt (RFC 7523)')
            [CompletionResult]::new('--client-alg', '--client-alg', [CompletionResultType]::ParameterName, 'The assertion''s algorithm (default: the key''s JWK alg, else the one its type fits; RS256 for RSA)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted --client-key or --dpop key (same sources as --secret)')
            [CompletionResult]::new('--grant', '--grant', [CompletionResultType]::ParameterName, 'The grant')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope (repeatable; joined with spaces)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'An audience, sent as audience= (repeatable)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A resource indicator, sent as resource= (RFC 8707; repeatable)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Another request parameter NAME=VALUE (repeatable)')
            [CompletionResult]::new('--refresh-token', '--refresh-token', [CompletionResultType]::ParameterName, 'The refresh token for --grant refresh_token (default: the cached one)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The loopback port for --grant authorization_code (default: a free one); the redirect URI is http://127.0.0.1:PORT/callback')
            [CompletionResult]::new('--dpop', '--dpop', [CompletionResultType]::ParameterName, 'DPoP (RFC 9449): every token request carries a proof made with this private key, and the token must come back DPoP-bound')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'A cached token is used while it has more than this left [default: 60s]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted CA certificates (PEM), on top of the system''s trust store')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per request, from connecting to the last byte (default 10s)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Never open a browser; the URL goes to standard error')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache')
            [CompletionResult]::new('--forget', '--forget', [CompletionResultType]::ParameterName, 'Delete the cached token for these settings and exit 0')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;inspect' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Describe a key file instead (twice: do they form a pair?); with a token, whether the key fits its alg and kid')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase for encrypted keys given with --key')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge time claims as of this TIME instead of the clock')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'A freshness check for scripts: exit 0 when the token''s exp is at least DURATION away, exit 1 (code expiring) when it is closer, past or absent. Decodes only: the signature is not checked')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the decoded token and warnings as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;encrypt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Key management algorithm. Default: from the key (RSA: RSA-OAEP-256; EC, X25519/X448: ECDH-ES+A256KW; secret: the matching A*KW, dir when sized for --enc, else PBES2-HS512+A256KW)')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Content encryption')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Recipient key file (public key, or a secret as an oct JWK)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret or password (dir, A*KW, A*GCMKW, PBES2): env:NAME, @FILE, prompt (asked twice), b64:VALUE, literal')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted key file')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id for the header (default: the JWK''s kid, if any)')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, 'Header cty; use JWT for a nested (signed, then encrypted) token')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header typ')
            [CompletionResult]::new('--zip', '--zip', [CompletionResultType]::ParameterName, 'Compress the plaintext before encrypting')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra protected header member: NAME=VALUE or NAME:=JSON')
            [CompletionResult]::new('--p2c', '--p2c', [CompletionResultType]::ParameterName, 'PBES2 iteration count, 1000 to 2147483647. The default, 10000, is what common libraries (panva/jose, jwcrypto, latchset jose) accept by default; more warns')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'Output serialization')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;decrypt' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file (PEM, DER, JWK or JWKS; an oct JWK for symmetric algorithms)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret or password (dir, A*KW, A*GCMKW, PBES2)')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWK Set: a file or an https:// URL; the key is chosen by the token''s kid, then by algorithm')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of an encrypted key file')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Allowed key management algorithm (repeatable). Default: those that fit the key')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Allowed content encryption (repeatable). Default: all')
            [CompletionResult]::new('--max-p2c', '--max-p2c', [CompletionResultType]::ParameterName, 'Highest PBES2 iteration count accepted, 1 to 2147483647: the budget of the whole token, summed over every recipient tried, checked before each key derivation')
            [CompletionResult]::new('--max-plaintext', '--max-plaintext', [CompletionResultType]::ParameterName, 'Largest plaintext accepted, in bytes (K, M, G suffixes); inflating stops there')
            [CompletionResult]::new('--verify-key', '--verify-key', [CompletionResultType]::ParameterName, 'Nested JWT: verify the decrypted JWS with this key (a key file, or a JWK Set file or https:// URL) and print its claims')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted CA certificates (PEM), on top of the system''s trust store')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per request, from connecting to the last byte (default 10s)')
            [CompletionResult]::new('--refresh-cooldown', '--refresh-cooldown', [CompletionResultType]::ParameterName, 'With --verify-key URL: least time between two refetches of the set for an unknown kid (default 30s)')
            [CompletionResult]::new('--verify-alg', '--verify-alg', [CompletionResultType]::ParameterName, 'Allowed algorithm of the inner JWS (repeatable; with --verify-key)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Accepted issuer (repeatable: any one)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Accepted audience (repeatable: any one). A token with aud is rejected without it')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Expected subject')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Expected header typ (application/ prefix optional, case-insensitive)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Claim that must be present (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed on exp, nbf and iat')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Reject tokens whose iat is older than this')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge time claims as of this TIME instead of the clock')
            [CompletionResult]::new('--revoked', '--revoked', [CompletionResultType]::ParameterName, 'File of revoked token ids (jti), one per line, # comments')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With --verify-key: what to print on success (as verify --output)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--allow-rsa1_5', '--allow-rsa1_5', [CompletionResultType]::ParameterName, 'Accept the deprecated RSA1_5 key encryption (RFC 8725 3.2)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Fetch afresh, ignoring cached copies (the cache is updated)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use only cached copies, fresh or not; never the network')
            [CompletionResult]::new('--any-aud', '--any-aud', [CompletionResultType]::ParameterName, 'Accept any audience (skip the aud check)')
            [CompletionResult]::new('--ignore-exp', '--ignore-exp', [CompletionResultType]::ParameterName, 'Do not check exp (for old test vectors)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;keygen' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Make a key that fits this JWS or JWE algorithm')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Content encryption, to size a key for --alg dir')
            [CompletionResult]::new('--kty', '--kty', [CompletionResultType]::ParameterName, 'Key type, instead of --alg')
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'Key size: RSA 2048-8192 (default 2048), oct any multiple of 8 (default 256)')
            [CompletionResult]::new('--crv', '--crv', [CompletionResultType]::ParameterName, 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pem; jwk for symmetric keys)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the private key here (mode 0600) instead of standard output')
            [CompletionResult]::new('--pub-out', '--pub-out', [CompletionResultType]::ParameterName, 'Write the public key here (mode 0644)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id for JWK output (default: the RFC 7638 thumbprint)')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'JWK "use" (default: from --alg)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Encrypt the PEM private key (PKCS#8, AES-256-CBC) with this passphrase; prompt asks twice')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files (atomically)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;jwks' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Print the key set of this issuer (found by OpenID Connect or RFC 8414 discovery)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Extra trusted CA certificates (PEM), on top of the system''s trust store')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per request, from connecting to the last byte (default 10s)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'kid for each KEY, in order (default: the key''s own kid, else its RFC 7638 thumbprint); with --to-pem, the member to convert')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'Set "use" on the keys added')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Set "alg" on the keys added')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Add to this existing set (key rotation); its order is kept')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the key with this kid (repeatable)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase for encrypted private keys')
            [CompletionResult]::new('--to-pem', '--to-pem', [CompletionResultType]::ParameterName, 'Convert a JWK, or the set member chosen by --kid, to PEM')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Fetch afresh, ignoring cached copies (the cache is updated)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use only cached copies, fresh or not; never the network')
            [CompletionResult]::new('--private', '--private', [CompletionResultType]::ParameterName, 'Include private members (a private set; needed for oct keys)')
            [CompletionResult]::new('--thumbprint', '--thumbprint', [CompletionResultType]::ParameterName, 'Print each key''s RFC 7638 SHA-256 thumbprint, one per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;serve' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key file (repeatable; any format --key reads): the first signs, every one is published')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Passphrase of encrypted key files')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Signing algorithm of the first key (default: its JWK alg, else RS256, ES256/384/512, ES256K, EdDSA or HS256 by key type)')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free one')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'TLS certificate chain (PEM): serve https')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'TLS private key (PEM) of --tls-cert')
            [CompletionResult]::new('--issuer-url', '--issuer-url', [CompletionResultType]::ParameterName, 'The issuer URL to publish and put in iss (default: the address served, e.g. when it is reached through another name or a proxy)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'A client (repeatable): ID:SECRET is confidential, ID alone is public (PKCE, no secret). Without any, every client is accepted')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'A redirect URI every client may use, matched exactly (repeatable). Without any registered, loopback URIs of any port and path are allowed')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A user who can sign in (repeatable): SUB, or SUB:CLAIMS_JSON as ''alice:{"email":"alice@example.com","name":"Alice"}''')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'The login page: form shows it; auto signs in at once (headless tests)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A JSON file with clients, users and any flag''s value under its long name ("login": "auto"); flags add to it')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Audience of the tokens (repeatable), unless the request names one (audience or resource parameter)')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Token lifetime [default: 15m]')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim in every access token: NAME=VALUE (a string) or NAME:=JSON (repeatable)')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Every DURATION, sign with a fresh key of the first key''s kind; the previous one stays published for one more period')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Answer the control API (/_jwtctl/) to non-loopback peers presenting this bearer token (same sources as --secret); loopback peers need none')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('--dpop-nonce', '--dpop-nonce', [CompletionResultType]::ParameterName, 'Demand DPoP server nonces: proofs without the current one get use_dpop_nonce')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;generate-docs' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON output (the default on a terminal)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print JSON output on one line (the default when piped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jwtctl;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Create a signed token (JWS) from claims')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature and claims; exit 0 only if it is valid')
            [CompletionResult]::new('present', 'present', [CompletionResultType]::ParameterValue, 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT')
            [CompletionResult]::new('dpop', 'dpop', [CompletionResultType]::ParameterValue, 'Make a DPoP proof of possession (RFC 9449) for one HTTP request')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Get an access token from an identity provider (an OAuth 2.0 client for scripts)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token WITHOUT verifying it, and point out what looks wrong')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a payload to a key or password (JWE)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE; with --verify-key, verify the nested JWT inside')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key for an algorithm (or of a given type), as PEM or JWK')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Write the committed completions/ and man/ folders (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;help;sign' {
            break
        }
        'jwtctl;help;verify' {
            break
        }
        'jwtctl;help;present' {
            break
        }
        'jwtctl;help;dpop' {
            break
        }
        'jwtctl;help;token' {
            break
        }
        'jwtctl;help;inspect' {
            break
        }
        'jwtctl;help;encrypt' {
            break
        }
        'jwtctl;help;decrypt' {
            break
        }
        'jwtctl;help;keygen' {
            break
        }
        'jwtctl;help;jwks' {
            break
        }
        'jwtctl;help;serve' {
            break
        }
        'jwtctl;help;completions' {
            break
        }
        'jwtctl;help;generate-docs' {
            break
        }
        'jwtctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
