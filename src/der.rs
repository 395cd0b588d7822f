//! Just enough DER to recognise a key without OpenSSL: a strict reader of definite-length
//! TLVs and a writer for the one structure jwtctl builds itself (an RSA public key from a
//! JWK's `n` and `e`). Anything the reader does not like is simply "not recognised": the
//! callers then hand the bytes to OpenSSL, which parses everything and words the errors.

/// DER tags used by key structures.
pub mod tag {
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
}

/// Reads TLVs from a byte string, front to back.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// What has not been read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// True when everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next TLV, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next TLV as (tag, contents). Only single-byte tags and minimal definite lengths
    /// (as DER requires) are accepted.
    pub fn any(&mut self) -> Option<(u8, &'a [u8])> {
        let (&t, after_tag) = self.rest.split_first()?;
        if t & 0x1f == 0x1f {
            return None; // multi-byte tag numbers never occur in key structures
        }
        let (&first, after_len) = after_tag.split_first()?;
        let (len, body) = if first < 0x80 {
            (usize::from(first), after_len)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None; // indefinite length, or longer than any key file
            }
            let (len_bytes, body) = after_len.split_at_checked(n)?;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            let minimal = len >= 0x80 && len_bytes.first() != Some(&0);
            if !minimal {
                return None;
            }
            (len, body)
        };
        let (contents, rest) = body.split_at_checked(len)?;
        self.rest = rest;
        Some((t, contents))
    }

    /// The contents of the next TLV, which must have tag `want`.
    pub fn expect(&mut self, want: u8) -> Option<&'a [u8]> {
        if self.peek_tag()? != want {
            return None;
        }
        self.any().map(|(_, c)| c)
    }

    /// The next TLV if it has tag `want`; nothing (and nothing consumed) otherwise.
    pub fn optional(&mut self, want: u8) -> Option<&'a [u8]> {
        if self.peek_tag() == Some(want) {
            self.any().map(|(_, c)| c)
        } else {
            None
        }
    }

    /// A non-negative INTEGER's magnitude, without the sign byte. Negative or non-minimal
    /// encodings are refused.
    pub fn unsigned(&mut self) -> Option<&'a [u8]> {
        let c = self.expect(tag::INTEGER)?;
        match c {
            [] => None,
            [b, ..] if b & 0x80 != 0 => None,
            [0, next, ..] if next & 0x80 == 0 => None,
            [0, rest @ ..] if !rest.is_empty() => Some(rest),
            _ => Some(c),
        }
    }

    /// A BIT STRING with no unused bits, as bytes.
    pub fn bit_string(&mut self) -> Option<&'a [u8]> {
        match self.expect(tag::BIT_STRING)? {
            [0, bytes @ ..] => Some(bytes),
            _ => None,
        }
    }
}

/// Parses `bytes` as exactly one TLV with tag `want` and returns a reader over its contents.
pub fn whole(bytes: &[u8], want: u8) -> Option<Reader<'_>> {
    let mut r = Reader::new(bytes);
    let contents = r.expect(want)?;
    r.is_empty().then(|| Reader::new(contents))
}

/// Bit length of a big-endian unsigned magnitude (no leading zero bytes).
pub fn bit_len(magnitude: &[u8]) -> u32 {
    let bytes = u32::try_from(magnitude.len()).unwrap_or(u32::MAX);
    match magnitude.first() {
        None => 0,
        Some(&b) => bytes
            .saturating_sub(1)
            .saturating_mul(8)
            .saturating_add(8u32.saturating_sub(b.leading_zeros())),
    }
}

fn push_tlv(out: &mut Vec<u8>, t: u8, contents: &[u8]) {
    out.push(t);
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(contents);
}

fn push_unsigned(out: &mut Vec<u8>, magnitude: &[u8]) {
    let trimmed = {
        let skip = magnitude.iter().take_while(|&&b| b == 0).count();
        magnitude.get(skip..).unwrap_or_default()
    };
    let mut contents = Vec::with_capacity(trimmed.len().saturating_add(1));
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    push_tlv(out, tag::INTEGER, &contents);
}

/// DER SubjectPublicKeyInfo (RFC 5280 4.1) for an algorithm identified by an OID alone (no
/// parameters, as for Ed25519/Ed448) and the key bytes.
pub fn spki(oid: &[u8], key: &[u8]) -> Vec<u8> {
    let mut alg = Vec::with_capacity(oid.len().saturating_add(2));
    push_tlv(&mut alg, tag::OID, oid);
    let mut body = Vec::with_capacity(alg.len().saturating_add(key.len()).saturating_add(8));
    push_tlv(&mut body, tag::SEQUENCE, &alg);
    let mut bits = Vec::with_capacity(key.len().saturating_add(1));
    bits.push(0);
    bits.extend_from_slice(key);
    push_tlv(&mut body, tag::BIT_STRING, &bits);
    let mut out = Vec::with_capacity(body.len().saturating_add(4));
    push_tlv(&mut out, tag::SEQUENCE, &body);
    out
}

/// DER `RSAPublicKey` (RFC 8017 A.1.1) from big-endian `n` and `e`.
pub fn rsa_public_key(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut ints = Vec::with_capacity(n.len().saturating_add(e.len()).saturating_add(16));
    push_unsigned(&mut ints, n);
    push_unsigned(&mut ints, e);
    let mut out = Vec::with_capacity(ints.len().saturating_add(4));
    push_tlv(&mut out, tag::SEQUENCE, &ints);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lengths_strictly() {
        // Short and long form.
        assert_eq!(
            Reader::new(&[0x04, 0x01, 0xaa]).any(),
            Some((4, &[0xaa][..]))
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(Reader::new(&long).any().map(|(_, c)| c.len()), Some(0x80));
        // Non-minimal long form, indefinite length, truncation: not recognised.
        assert_eq!(Reader::new(&[0x04, 0x81, 0x01, 0xaa]).any(), None);
        assert_eq!(Reader::new(&[0x30, 0x80, 0, 0]).any(), None);
        assert_eq!(Reader::new(&[0x04, 0x05, 1, 2]).any(), None);
        assert_eq!(Reader::new(&[0x04]).any(), None);
        assert!(whole(&[0x30, 0x00, 0x00], tag::SEQUENCE).is_none());
    }

    #[test]
    fn integers_round_trip() {
        let der = rsa_public_key(&[0x00, 0xc0, 0x01], &[0x01, 0x00, 0x01]);
        assert_eq!(
            der,
            [
                0x30, 0x0a, 0x02, 0x03, 0x00, 0xc0, 0x01, 0x02, 0x03, 0x01, 0x00, 0x01
            ]
        );
        let mut seq = whole(&der, tag::SEQUENCE).unwrap_or(Reader::new(&[]));
        assert_eq!(seq.unsigned(), Some(&[0xc0, 0x01][..]));
        assert_eq!(seq.unsigned(), Some(&[0x01, 0x00, 0x01][..]));
        assert!(seq.is_empty());
        // Negative and padded integers are refused.
        assert_eq!(Reader::new(&[0x02, 0x01, 0x80]).unsigned(), None);
        assert_eq!(Reader::new(&[0x02, 0x02, 0x00, 0x01]).unsigned(), None);
        assert_eq!(bit_len(&[0x01, 0x00]), 9);
        assert_eq!(bit_len(&[0x80; 256]), 2048);
    }
}
