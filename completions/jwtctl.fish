# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jwtctl_global_optspecs
    string join \n color= pretty compact h/help V/version
end

function __fish_jwtctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jwtctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jwtctl_using_subcommand
    set -l cmd (__fish_jwtctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jwtctl -n "__fish_jwtctl_needs_command" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_needs_command" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "sign" -d 'Create a signed token (JWS) from claims'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "verify" -d 'Verify a token\'s signature and claims; exit 0 only if it is valid'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "present" -d 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "dpop" -d 'Make a DPoP proof of possession (RFC 9449) for one HTTP request'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "token" -d 'Get an access token from an identity provider (an OAuth 2.0 client for scripts)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "inspect" -d 'Decode a token WITHOUT verifying it, and point out what looks wrong'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "encrypt" -d 'Encrypt a payload to a key or password (JWE)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decrypt" -d 'Decrypt a JWE; with --verify-key, verify the nested JWT inside'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "keygen" -d 'Generate a key for an algorithm (or of a given type), as PEM or JWK'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "jwks" -d 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "serve" -d 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "generate-docs" -d 'Write the committed completions/ and man/ folders (for maintainers)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l alg -d 'Signature algorithm. `none` is refused unless --allow-unsecured. Optional for a key that admits one algorithm: EC keys (ES256, ES384, ES512, ES256K), Ed25519/Ed448 keys (EdDSA) and JWKs with an "alg"; RSA keys and secrets need it' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''
none\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l key -d 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l secret -d 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l passphrase -d 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l kid -d 'Key id to put in the header (default: the JWK\'s kid, if any)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l typ -d 'Header typ (default: JWT for claims, none for --payload)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l cty -d 'Header cty (content type)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l header -d 'Extra protected header member: NAME=VALUE (string) or NAME:=JSON' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l x5c -d 'Certificate chain to carry in the x5c header: PEM certificates, leaf first; the leaf\'s key must be the signing key' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l sd -d 'SD-JWT (RFC 9901): make this claim selectively disclosable (repeatable): `email`, `address.street_address`, `nationalities[]` (every element), `nationalities[1]`. An object and a member inside it give recursive disclosures. The output is `<JWT>~<disclosure>~...~`' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l sd-decoys -d 'SD-JWT: add N decoy digests to every _sd array written (0 to 100)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l holder-key -d 'SD-JWT: the holder\'s key (public or private; the public part is used) for key binding, written as cnf.jwk (RFC 7800)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l iss -d 'Issuer (iss)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l sub -d 'Subject (sub)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l aud -d 'Audience (aud); once gives a string, repeated gives an array' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l exp -d 'Expiry (exp): RFC 3339, Unix seconds, or a duration from now (15m, 1h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l nbf -d 'Not before (nbf): RFC 3339, Unix seconds, or a duration from now' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l iat -d 'Issued at (iat); default: now' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l jti -d 'Token id (jti)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l claim -d 'Claim: NAME=VALUE gives a string, NAME:=JSON raw JSON (n:=5, roles:=\'["a"]\')' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l now -d 'The time "now" for iat and relative times (for reproducible tokens)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l serialization -d 'Output serialization' -r -f -a "compact\t'header.payload.signature'
flattened\t'JSON with one signature'
general\t'JSON with a "signatures" array'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l payload -d 'Sign the bytes of FILE (`-` for stdin) instead of a claims set: any payload, not only JWT claims' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l from -d 'Start from this token\'s claims (TOKEN, @FILE or -), decoded without verification: edit and sign again. Flags override its members; iat is kept unless --iat or --no-iat' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l unset -d 'Remove this claim after the others are applied (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l allow-weak-key -d 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l x5t -d 'With --x5c: also write x5t#S256, the leaf certificate\'s SHA-256 thumbprint'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l no-iat -d 'Leave iat out'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l jti-random -d 'Set jti to 128 random bits (base64url)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l detached -d 'Leave the payload out of the output (RFC 7515 appendix F); verify with --payload'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l unencoded -d 'Do not base64url-encode the payload (RFC 7797, header b64: false)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l allow-unsecured -d 'Allow --alg none (an unsigned token; it still warns)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -l keep-header -d 'With --from: keep the token\'s header members too (not alg, kid, x5c, x5t, jwk, jku, x5u, crit or b64)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sign" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key -d 'Key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, X.509), DER, JWK or JWKS; the format is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret -d 'HMAC secret: env:NAME, file:PATH or @PATH (raw bytes), prompt, b64:VALUE, or a literal (which warns: it leaks through shell history and ps)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l passphrase -d 'Passphrase of an encrypted private key (same sources as --secret); asked on the terminal when needed and not given' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l jwks -d 'JWK Set: a file, or an https:// URL (fetched and cached); the key is chosen by the token\'s kid, then by algorithm' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l issuer -d 'Issuer whose keys verify the token, found by OpenID Connect discovery (else RFC 8414) at URL/.well-known/...; repeatable: the token\'s iss picks one of them, and must' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l ca -d 'Trust anchor(s) for tokens that carry their key as an x5c certificate chain: a PEM or DER file of one or more certificates (repeatable). The key is the chain\'s leaf\'s, once a path from it reaches an anchor; nothing is fetched' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leaf-name -d 'With --ca: the leaf\'s subjectAltName DNS name (without a SAN, its subject CN) must be NAME, compared without regard to ASCII case; wildcards are not expanded' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leaf-oid -d 'With --ca: the leaf must carry an extension with this OID, e.g. Apple\'s 1.2.840.113635.100.6.11.1 (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l crl -d 'With --ca: a certificate revocation list, PEM or DER (repeatable); a certificate of the path that a CRL signed by its issuer lists is rejected. Nothing is fetched' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l max-chain -d 'With --ca: most certificates allowed in x5c (1 to 100, default 10)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l kb-aud -d 'SD-JWT: the KB-JWT\'s aud must be AUD (implies --require-kb)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l nonce -d 'SD-JWT: the KB-JWT\'s nonce must be NONCE (implies --require-kb)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l kb-max-age -d 'SD-JWT: the KB-JWT\'s iat may be at most this old (default 5m)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l dpop -d 'A DPoP proof (text or @FILE) sent with the token: checked, and the token must be bound to its key (cnf.jkt)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l htm -d 'The request\'s HTTP method the proof must name' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l htu -d 'The request\'s URL the proof must name (compared without query and fragment, after RFC 3986 normalization)' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l dpop-nonce -d 'The server nonce the proof must carry' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l dpop-max-age -d 'Oldest proof accepted, by its iat [default: 5m]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l cacert -d 'Extra trusted CA certificates (PEM), on top of the system\'s trust store' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l timeout -d 'Per request, from connecting to the last byte (default 10s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l refresh-cooldown -d 'Least time between two refetches of one key set URL for a token whose kid is not in it (default 30s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l alg -d 'Allowed algorithm (repeatable). Default: the algorithms that fit the key (narrowed to those an issuer\'s discovery document lists)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l iss -d 'Accepted issuer (repeatable: any one)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l aud -d 'Accepted audience (repeatable: any one). A token with aud is rejected without it' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l sub -d 'Expected subject' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l typ -d 'Expected header typ (application/ prefix optional, case-insensitive)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l require -d 'Claim that must be present (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leeway -d 'Clock skew allowed on exp, nbf and iat' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l max-age -d 'Reject tokens whose iat is older than this' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l now -d 'Judge time claims as of this TIME instead of the clock' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l revoked -d 'File of revoked token ids (jti), one per line, # comments' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l output -d 'What to print on success' -r -f -a "claims\t'The claims as JSON'
full\t'{"header":...,"claims":...}'
payload\t'The payload bytes exactly as signed'
none\t'Nothing; use the exit status'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l payload -d 'Detached payload (RFC 7515 appendix F, RFC 7797)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l jobs -d 'Worker threads for --batch (default: every core). Output order is kept' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-weak-key -d 'Accept HMAC secrets shorter than the hash output and RSA keys under 2048 bits (with a warning), for legacy tokens'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l require-kb -d 'SD-JWT: reject one without a key-binding JWT (KB-JWT). A KB-JWT that is present is always checked against the SD-JWT\'s cnf.jwk'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l no-cache -d 'Fetch afresh, ignoring cached copies (the cache is updated)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l offline -d 'Use only cached copies, fresh or not; never the network'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l any-aud -d 'Accept any audience (skip the aud check)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l ignore-exp -d 'Do not check exp (for old test vectors)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l batch -d 'Verify one token per line of standard input; print one JSON line per token'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l explain -d 'Print the check-by-check report to standard error'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l disclose -d 'Reveal this claim (repeatable): `email`, `address.street_address`, `nationalities[]`, `nationalities[1]`; the disclosures above it that make it reachable come too' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l holder-key -d 'The holder\'s private key (its public part must be the SD-JWT\'s cnf.jwk): appends a key-binding JWT' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l passphrase -d 'Passphrase of an encrypted --holder-key (same sources as --secret)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l kb-aud -d 'The KB-JWT\'s aud: the verifier' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l nonce -d 'The KB-JWT\'s nonce, from the verifier' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l kb-iat -d 'The KB-JWT\'s iat (default: now)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l alg -d 'The KB-JWT\'s algorithm (default: the one the key fits; needed for RSA)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -l disclose-all -d 'Reveal every claim the SD-JWT\'s disclosures open'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand present" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l key -d 'The private key the proof is signed with (asymmetric; its public JWK goes in the header)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l passphrase -d 'Passphrase of an encrypted --key (same sources as --secret)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l htm -d 'The request\'s HTTP method (htm)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l htu -d 'The request\'s URL (htu; the query and fragment are dropped)' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l access-token -d 'The access token sent with the request: its hash goes in ath (text or @FILE)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l nonce -d 'A nonce the server provided (DPoP-Nonce)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l alg -d 'The algorithm (default: the one the key fits; needed for RSA)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l iat -d 'iat (default: now)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l jti -d 'jti (default: 128 random bits)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand dpop" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l issuer -d 'The identity provider: its discovery document names the endpoints' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l token-endpoint -d 'The token endpoint, directly (no discovery)' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l client-id -d 'The client\'s id' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l client-secret -d 'The client\'s secret (env:NAME, @FILE, prompt, or the text): client_secret_basic, or client_secret_post with --client-auth post' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l client-auth -d 'How the secret is sent' -r -f -a "basic\t'client_secret_basic: HTTP Basic'
post\t'client_secret_post: in the form'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l client-key -d 'The client\'s private key: private_key_jwt (RFC 7523)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l client-alg -d 'The assertion\'s algorithm (default: the key\'s JWK alg, else the one its type fits; RS256 for RSA)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l passphrase -d 'Passphrase of an encrypted --client-key or --dpop key (same sources as --secret)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l grant -d 'The grant' -r -f -a "client_credentials\t''
refresh_token\t''
device_code\t''
authorization_code\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l scope -d 'A scope (repeatable; joined with spaces)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l audience -d 'An audience, sent as audience= (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l resource -d 'A resource indicator, sent as resource= (RFC 8707; repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l param -d 'Another request parameter NAME=VALUE (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l refresh-token -d 'The refresh token for --grant refresh_token (default: the cached one)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l redirect-port -d 'The loopback port for --grant authorization_code (default: a free one); the redirect URI is http://127.0.0.1:PORT/callback' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l dpop -d 'DPoP (RFC 9449): every token request carries a proof made with this private key, and the token must come back DPoP-bound' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l min-ttl -d 'A cached token is used while it has more than this left [default: 60s]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l output -d 'What to print' -r -f -a "token\t'The access token and a newline'
json\t'The token response, plus expires_at (Unix seconds)'
header\t'Authorization: Bearer|DPoP <token>'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l cacert -d 'Extra trusted CA certificates (PEM), on top of the system\'s trust store' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l timeout -d 'Per request, from connecting to the last byte (default 10s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l no-browser -d 'Never open a browser; the URL goes to standard error'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l no-cache -d 'Neither read nor write the token cache'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -l forget -d 'Delete the cached token for these settings and exit 0'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand token" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l key -d 'Describe a key file instead (twice: do they form a pair?); with a token, whether the key fits its alg and kid' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l passphrase -d 'Passphrase for encrypted keys given with --key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l now -d 'Judge time claims as of this TIME instead of the clock' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l min-ttl -d 'A freshness check for scripts: exit 0 when the token\'s exp is at least DURATION away, exit 1 (code expiring) when it is closer, past or absent. Decodes only: the signature is not checked' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -l json -d 'Print the decoded token and warnings as JSON'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l alg -d 'Key management algorithm. Default: from the key (RSA: RSA-OAEP-256; EC, X25519/X448: ECDH-ES+A256KW; secret: the matching A*KW, dir when sized for --enc, else PBES2-HS512+A256KW)' -r -f -a "dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l enc -d 'Content encryption' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l key -d 'Recipient key file (public key, or a secret as an oct JWK)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l secret -d 'Secret or password (dir, A*KW, A*GCMKW, PBES2): env:NAME, @FILE, prompt (asked twice), b64:VALUE, literal' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l passphrase -d 'Passphrase of an encrypted key file' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l kid -d 'Key id for the header (default: the JWK\'s kid, if any)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l cty -d 'Header cty; use JWT for a nested (signed, then encrypted) token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l typ -d 'Header typ' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l zip -d 'Compress the plaintext before encrypting' -r -f -a "DEF\t'DEFLATE (RFC 1951)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l header -d 'Extra protected header member: NAME=VALUE or NAME:=JSON' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l p2c -d 'PBES2 iteration count, 1000 to 2147483647. The default, 10000, is what common libraries (panva/jose, jwcrypto, latchset jose) accept by default; more warns' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l serialization -d 'Output serialization' -r -f -a "compact\t'header.payload.signature'
flattened\t'JSON with one signature'
general\t'JSON with a "signatures" array'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l key -d 'Private key file (PEM, DER, JWK or JWKS; an oct JWK for symmetric algorithms)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l secret -d 'Secret or password (dir, A*KW, A*GCMKW, PBES2)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l jwks -d 'JWK Set: a file or an https:// URL; the key is chosen by the token\'s kid, then by algorithm' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l passphrase -d 'Passphrase of an encrypted key file' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l alg -d 'Allowed key management algorithm (repeatable). Default: those that fit the key' -r -f -a "dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l enc -d 'Allowed content encryption (repeatable). Default: all' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-p2c -d 'Highest PBES2 iteration count accepted, 1 to 2147483647: the budget of the whole token, summed over every recipient tried, checked before each key derivation' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-plaintext -d 'Largest plaintext accepted, in bytes (K, M, G suffixes); inflating stops there' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l verify-key -d 'Nested JWT: verify the decrypted JWS with this key (a key file, or a JWK Set file or https:// URL) and print its claims' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l cacert -d 'Extra trusted CA certificates (PEM), on top of the system\'s trust store' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l timeout -d 'Per request, from connecting to the last byte (default 10s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l refresh-cooldown -d 'With --verify-key URL: least time between two refetches of the set for an unknown kid (default 30s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l verify-alg -d 'Allowed algorithm of the inner JWS (repeatable; with --verify-key)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l iss -d 'Accepted issuer (repeatable: any one)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l aud -d 'Accepted audience (repeatable: any one). A token with aud is rejected without it' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l sub -d 'Expected subject' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l typ -d 'Expected header typ (application/ prefix optional, case-insensitive)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l require -d 'Claim that must be present (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l leeway -d 'Clock skew allowed on exp, nbf and iat' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l max-age -d 'Reject tokens whose iat is older than this' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l now -d 'Judge time claims as of this TIME instead of the clock' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l revoked -d 'File of revoked token ids (jti), one per line, # comments' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l output -d 'With --verify-key: what to print on success (as verify --output)' -r -f -a "claims\t'The claims as JSON'
full\t'{"header":...,"claims":...}'
payload\t'The payload bytes exactly as signed'
none\t'Nothing; use the exit status'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l allow-rsa1_5 -d 'Accept the deprecated RSA1_5 key encryption (RFC 8725 3.2)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l no-cache -d 'Fetch afresh, ignoring cached copies (the cache is updated)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l offline -d 'Use only cached copies, fresh or not; never the network'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l any-aud -d 'Accept any audience (skip the aud check)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l ignore-exp -d 'Do not check exp (for old test vectors)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l alg -d 'Make a key that fits this JWS or JWE algorithm' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l enc -d 'Content encryption, to size a key for --alg dir' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l kty -d 'Key type, instead of --alg' -r -f -a "RSA\t''
EC\t''
OKP\t''
oct\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l bits -d 'Key size: RSA 2048-8192 (default 2048), oct any multiple of 8 (default 256)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l crv -d 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448' -r -f -a "P-256\t''
P-384\t''
P-521\t''
secp256k1\t''
Ed25519\t''
Ed448\t''
X25519\t''
X448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l format -d 'Output format (default: pem; jwk for symmetric keys)' -r -f -a "pem\t'PKCS#8 private key and SubjectPublicKeyInfo public key'
jwk\t'JSON Web Key (RFC 7517)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l out -d 'Write the private key here (mode 0600) instead of standard output' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l pub-out -d 'Write the public key here (mode 0644)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l kid -d 'Key id for JWK output (default: the RFC 7638 thumbprint)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l use -d 'JWK "use" (default: from --alg)' -r -f -a "sig\t'Signatures'
enc\t'Encryption'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l passphrase -d 'Encrypt the PEM private key (PKCS#8, AES-256-CBC) with this passphrase; prompt asks twice' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -l force -d 'Overwrite existing files (atomically)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l issuer -d 'Print the key set of this issuer (found by OpenID Connect or RFC 8414 discovery)' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l cacert -d 'Extra trusted CA certificates (PEM), on top of the system\'s trust store' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l timeout -d 'Per request, from connecting to the last byte (default 10s)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l kid -d 'kid for each KEY, in order (default: the key\'s own kid, else its RFC 7638 thumbprint); with --to-pem, the member to convert' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l use -d 'Set "use" on the keys added' -r -f -a "sig\t'Signatures'
enc\t'Encryption'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l alg -d 'Set "alg" on the keys added' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''
dir\t''
A128KW\t''
A192KW\t''
A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l merge -d 'Add to this existing set (key rotation); its order is kept' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l remove -d 'Remove the key with this kid (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l passphrase -d 'Passphrase for encrypted private keys' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l to-pem -d 'Convert a JWK, or the set member chosen by --kid, to PEM' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l no-cache -d 'Fetch afresh, ignoring cached copies (the cache is updated)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l offline -d 'Use only cached copies, fresh or not; never the network'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l private -d 'Include private members (a private set; needed for oct keys)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l thumbprint -d 'Print each key\'s RFC 7638 SHA-256 thumbprint, one per line'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l key -d 'Key file (repeatable; any format --key reads): the first signs, every one is published' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l passphrase -d 'Passphrase of encrypted key files' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l alg -d 'Signing algorithm of the first key (default: its JWK alg, else RS256, ES256/384/512, ES256K, EdDSA or HS256 by key type)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
Ed448\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l addr -d 'Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free one' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l tls-cert -d 'TLS certificate chain (PEM): serve https' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l tls-key -d 'TLS private key (PEM) of --tls-cert' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l issuer-url -d 'The issuer URL to publish and put in iss (default: the address served, e.g. when it is reached through another name or a proxy)' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l client -d 'A client (repeatable): ID:SECRET is confidential, ID alone is public (PKCE, no secret). Without any, every client is accepted' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l redirect-uri -d 'A redirect URI every client may use, matched exactly (repeatable). Without any registered, loopback URIs of any port and path are allowed' -r -f
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l user -d 'A user who can sign in (repeatable): SUB, or SUB:CLAIMS_JSON as \'alice:{"email":"alice@example.com","name":"Alice"}\'' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l login -d 'The login page: form shows it; auto signs in at once (headless tests)' -r -f -a "form\t'Show the login page'
auto\t'Sign in at once: the login_hint, else the first --user, else "user"'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l config -d 'A JSON file with clients, users and any flag\'s value under its long name ("login": "auto"); flags add to it' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l aud -d 'Audience of the tokens (repeatable), unless the request names one (audience or resource parameter)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l exp -d 'Token lifetime [default: 15m]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l claim -d 'Extra claim in every access token: NAME=VALUE (a string) or NAME:=JSON (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l rotate -d 'Every DURATION, sign with a fresh key of the first key\'s kind; the previous one stays published for one more period' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l admin-token -d 'Answer the control API (/_jwtctl/) to non-loopback peers presenting this bearer token (same sources as --secret); loopback peers need none' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -l dpop-nonce -d 'Demand DPoP server nonces: proofs without the current one get use_dpop_nonce'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand generate-docs" -l color -d 'When to use colour: auto (only on a terminal, and not with NO_COLOR or TERM=dumb), always, never' -r -f -a "auto\t'Colour on a terminal only'
always\t'Always colour (overrides NO_COLOR)'
never\t'Never colour'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand generate-docs" -l pretty -d 'Pretty-print JSON output (the default on a terminal)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand generate-docs" -l compact -d 'Print JSON output on one line (the default when piped)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand generate-docs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand generate-docs" -s V -l version -d 'Print version'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "sign" -d 'Create a signed token (JWS) from claims'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "verify" -d 'Verify a token\'s signature and claims; exit 0 only if it is valid'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "present" -d 'Make an SD-JWT presentation: keep the disclosures for the claims to reveal, and add a key-binding JWT'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "dpop" -d 'Make a DPoP proof of possession (RFC 9449) for one HTTP request'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "token" -d 'Get an access token from an identity provider (an OAuth 2.0 client for scripts)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "inspect" -d 'Decode a token WITHOUT verifying it, and point out what looks wrong'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "encrypt" -d 'Encrypt a payload to a key or password (JWE)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "decrypt" -d 'Decrypt a JWE; with --verify-key, verify the nested JWT inside'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "keygen" -d 'Generate a key for an algorithm (or of a given type), as PEM or JWK'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "jwks" -d 'Build, merge and convert JWK Sets; print RFC 7638 thumbprints'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "serve" -d 'Run a local mock identity provider: discovery, a JWK Set, tokens, sign-in with a login page, userinfo'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "completions" -d 'Print a shell completion script'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "generate-docs" -d 'Write the committed completions/ and man/ folders (for maintainers)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from sign verify present dpop token inspect encrypt decrypt keygen jwks serve completions generate-docs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
