//! Checks on RSA key material that need no crypto library: the consistency of a private key's
//! CRT parts, and the ROCA fingerprint (CVE-2017-15361). Both run on every key path, the
//! aws-lc fast path and the OpenSSL one, so a key is judged the same whichever loaded it.
//!
//! The arithmetic is a minimal unsigned big integer (little-endian `u32` limbs) with just
//! what the checks need — multiply, compare, subtract one, remainder — which for 2048-bit keys
//! costs microseconds, far less than starting OpenSSL's big-number code on the fast path.

use std::cmp::Ordering;

/// An unsigned big integer, little-endian 32-bit limbs, no leading zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_be(bytes: &[u8]) -> Big {
        let mut limbs = Vec::with_capacity(bytes.len().div_ceil(4));
        for chunk in bytes.rchunks(4) {
            let mut limb = 0u32;
            for &b in chunk {
                limb = (limb << 8) | u32::from(b);
            }
            limbs.push(limb);
        }
        Big(limbs).normalized()
    }

    fn normalized(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_one(&self) -> bool {
        self.0 == [1]
    }

    fn bit_len(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len().saturating_sub(1))
                .saturating_mul(32)
                .saturating_add(32usize.saturating_sub(top.leading_zeros() as usize)),
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0
            .get(i / 32)
            .is_some_and(|limb| (limb >> (i % 32)) & 1 == 1)
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u32; self.0.len().saturating_add(other.0.len())];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let Some(slot) = out.get_mut(i.saturating_add(j)) else {
                    continue;
                };
                // a·b + slot + carry < 2^64: (2^32-1)^2 + 2·(2^32-1) = 2^64 - 1.
                let t = u64::from(a)
                    .wrapping_mul(u64::from(b))
                    .wrapping_add(u64::from(*slot))
                    .wrapping_add(carry);
                *slot = t as u32;
                carry = t >> 32;
            }
            if let Some(slot) = out.get_mut(i.saturating_add(other.0.len())) {
                *slot = carry as u32;
            }
        }
        Big(out).normalized()
    }

    /// `self - other`, for `self >= other`.
    fn sub(&self, other: &Big) -> Big {
        let mut out = self.clone();
        out.sub_assign(other);
        out
    }

    /// `self -= other`, for `self >= other`, in place (the division loop runs it per bit).
    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = 0u64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let b = u64::from(other.0.get(i).copied().unwrap_or(0)).wrapping_add(borrow);
            let a = u64::from(*limb);
            if a >= b {
                *limb = (a.wrapping_sub(b)) as u32;
                borrow = 0;
            } else {
                *limb = (a.wrapping_add(1 << 32).wrapping_sub(b)) as u32;
                borrow = 1;
            }
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn minus_one(&self) -> Big {
        self.sub(&Big(vec![1]))
    }

    /// `self << 1 | bit`.
    fn shl1(&mut self, bit: bool) {
        let mut carry = u32::from(bit);
        for limb in &mut self.0 {
            let next = *limb >> 31;
            *limb = (*limb << 1) | carry;
            carry = next;
        }
        if carry != 0 {
            self.0.push(carry);
        }
    }

    /// `self mod m` by binary long division; `None` when `m` is zero.
    fn rem(&self, m: &Big) -> Option<Big> {
        if m.0.is_empty() {
            return None;
        }
        let mut r = Big(Vec::with_capacity(m.0.len().saturating_add(1)));
        for i in (0..self.bit_len()).rev() {
            r.shl1(self.bit(i));
            if r.cmp(m) != Ordering::Less {
                r.sub_assign(m);
            }
        }
        Some(r.normalized())
    }

    fn mod_mul(&self, other: &Big, m: &Big) -> Option<Big> {
        self.mul(other).rem(m)
    }
}

/// The parts of a two-prime RSA private key (RFC 8017 A.1.2), big-endian unsigned.
pub(crate) struct RsaParts<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qi: &'a [u8],
}

/// What is inconsistent in an RSA private key, or `None` when n = p·q, d·e ≡ 1 (mod p−1)
/// and (mod q−1) through the CRT exponents, the CRT exponents are d reduced, and qi·q ≡ 1
/// (mod p). (OpenSSL's `RSA_check_key` also tests p and q for primality, which costs tens of
/// milliseconds: too much for a one-shot command.)
pub(crate) fn rsa_inconsistency(k: &RsaParts<'_>) -> Option<&'static str> {
    let [n, e, d, p, q, dp, dq, qi] = [k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map(Big::from_be);
    let one = Big(vec![1]);
    if p.cmp(&one) != Ordering::Greater || q.cmp(&one) != Ordering::Greater {
        return Some("the primes p and q must be greater than 1");
    }
    if p.mul(&q) != n {
        return Some("the modulus n is not the product of the primes p and q");
    }
    let (p1, q1) = (p.minus_one(), q.minus_one());
    if d.rem(&p1).as_ref() != Some(&dp) || d.rem(&q1).as_ref() != Some(&dq) {
        return Some("the CRT exponents dp and dq are not d mod (p-1) and d mod (q-1)");
    }
    if !e.mod_mul(&dp, &p1).is_some_and(|r| r.is_one())
        || !e.mod_mul(&dq, &q1).is_some_and(|r| r.is_one())
    {
        return Some("the private exponent d does not invert the public exponent e");
    }
    if !qi.mod_mul(&q, &p).is_some_and(|r| r.is_one()) {
        return Some("the CRT coefficient qi is not the inverse of q mod p");
    }
    None
}

/// The small primes of the ROCA fingerprint: Infineon's generator made every prime
/// p ≡ 65537^a (mod M) for M a primorial, and M has these factors at every key size.
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// True when the modulus has the ROCA fingerprint (Nemec et al., CCS 2017): for every prime r
/// above, n mod r lies in the subgroup of Z_r* generated by 65537. A random modulus passes
/// all 38 tests with probability about 2^-154; a key from the vulnerable generator always does.
pub(crate) fn has_roca_fingerprint(n: &[u8]) -> bool {
    // The modulus is reduced modulo products of several fingerprint primes that fit in 32
    // bits, a 32-bit word at a time, so that each prime's residue costs one more division
    // instead of a pass over the modulus (this runs on every RSA key that verify loads).
    let mut start = 0;
    while start < ROCA_PRIMES.len() {
        let mut end = start;
        let mut product: u64 = 1;
        while let Some(&r) = ROCA_PRIMES.get(end) {
            let next = product.saturating_mul(u64::from(r));
            if next > u64::from(u32::MAX) {
                break;
            }
            product = next;
            end = end.saturating_add(1);
        }
        let residue = residue_mod(n, product);
        let group = ROCA_PRIMES.get(start..end).unwrap_or_default();
        let orders = ROCA_ORDERS.get(start..end).unwrap_or_default();
        for (&r, &order) in group.iter().zip(orders) {
            let x = u32::try_from(residue.checked_rem(u64::from(r)).unwrap_or(0)).unwrap_or(0);
            if x == 0 || pow_mod(x, order, r) != 1 {
                return false;
            }
        }
        start = end.max(start.saturating_add(1));
    }
    true
}

/// `n mod m` for a big-endian `n` and `0 < m < 2^32`.
fn residue_mod(n: &[u8], m: u64) -> u64 {
    let word = |bytes: &[u8]| bytes.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
    // The bytes before the last multiple of four form the first (short) word.
    let (head, words) = n.split_at(n.len() % 4);
    let mut acc = word(head).checked_rem(m).unwrap_or(0);
    for chunk in words.chunks_exact(4) {
        // acc < m < 2^32, so acc·2^32 + word < 2^64.
        acc = ((acc << 32) | word(chunk)).checked_rem(m).unwrap_or(0);
    }
    acc
}

/// The multiplicative order of 65537 modulo the small prime `r` (evaluated at compile time).
const fn order_of_65537(r: u32) -> u32 {
    let g = match 65537u32.checked_rem(r) {
        Some(g) => g,
        None => return 0,
    };
    let mut power = g;
    let mut order = 1u32;
    while power != 1 && order < r {
        power = match power.wrapping_mul(g).checked_rem(r) {
            Some(p) => p,
            None => return 0,
        };
        order = order.wrapping_add(1);
    }
    order
}

/// The order of 65537 modulo each fingerprint prime.
// Evaluated at compile time: an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const ROCA_ORDERS: [u32; 38] = {
    let mut orders = [0u32; 38];
    let mut i = 0;
    while i < 38 {
        orders[i] = order_of_65537(ROCA_PRIMES[i]);
        i += 1;
    }
    orders
};

/// Whether `x` is a power of 65537 modulo the small prime `r` (the tests' statement of the
/// fingerprint, one prime at a time). Z_r* is cyclic, so the
/// subgroup of order d that 65537 generates is exactly the x with x^d ≡ 1 (mod r).
#[cfg(test)]
fn in_subgroup_of_65537(x: u32, r: u32) -> bool {
    let Some(d) = ROCA_PRIMES
        .iter()
        .position(|&p| p == r)
        .and_then(|i| ROCA_ORDERS.get(i).copied())
        .or_else(|| Some(order_of_65537(r)))
    else {
        return false;
    };
    x != 0 && pow_mod(x, d, r) == 1
}

/// `base^exp mod m` for small values (square and multiply in u64).
fn pow_mod(base: u32, mut exp: u32, m: u32) -> u32 {
    let m = u64::from(m);
    let mut b = u64::from(base).checked_rem(m).unwrap_or(0);
    let mut acc = 1u64.checked_rem(m).unwrap_or(0);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(b).checked_rem(m).unwrap_or(0);
        }
        b = b.wrapping_mul(b).checked_rem(m).unwrap_or(0);
        exp >>= 1;
    }
    u32::try_from(acc).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(v: u128) -> Vec<u8> {
        let b = v.to_be_bytes();
        let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b.get(start..).unwrap_or_default().to_vec()
    }

    #[test]
    fn big_arithmetic_matches_u128() {
        let (a, b, m) = (
            0xfedc_ba98_7654_3210u128,
            0x1234_5678_9abc_def1u128,
            0xffff_fffb_u128,
        );
        let (ba, bb, bm) = (
            Big::from_be(&big(a)),
            Big::from_be(&big(b)),
            Big::from_be(&big(m)),
        );
        assert_eq!(ba.mul(&bb), Big::from_be(&big(a * b)));
        assert_eq!(ba.mul(&bb).rem(&bm), Some(Big::from_be(&big(a * b % m))));
        assert_eq!(ba.sub(&bb), Big::from_be(&big(a - b)));
        assert_eq!(Big::from_be(&[0, 0, 1]).bit_len(), 1);
        assert_eq!(ba.rem(&Big(Vec::new())), None);
    }

    #[test]
    fn small_consistent_key() {
        // p = 61, q = 53, n = 3233, e = 17, d = 413 (lcm form), dp = 53, dq = 49, qi = 38.
        let k = |n: u128, d: u128| {
            rsa_inconsistency(&RsaParts {
                n: &big(n),
                e: &big(17),
                d: &big(d),
                p: &big(61),
                q: &big(53),
                dp: &big(413 % 60),
                dq: &big(413 % 52),
                qi: &big(38),
            })
        };
        assert_eq!(k(3233, 413), None);
        assert!(k(3235, 413).is_some_and(|m| m.contains("product")));
        assert!(k(3233, 415).is_some());
    }

    #[test]
    fn roca_subgroup() {
        // 65537 ≡ 2 (mod 5), and 2 generates all of Z_5*; 65537 ≡ 2 (mod 17), whose powers
        // are {1, 2, 4, 8, 16, 15, 13, 9}.
        assert!(in_subgroup_of_65537(3, 5));
        assert!(in_subgroup_of_65537(9, 17));
        assert!(!in_subgroup_of_65537(3, 17));
        assert!(!in_subgroup_of_65537(0, 7));
        // An ordinary modulus: n ≡ 2 (mod 3) fails the very first test.
        assert!(!has_roca_fingerprint(&big(3233 * 5 + 2)));
        // A product of powers of 65537 modulo every fingerprint prime has the fingerprint.
        assert!(has_roca_fingerprint(&big(65537u128.pow(6))));
    }

    #[test]
    fn word_residues_match_byte_residues() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [1usize, 3, 4, 5, 31, 256, 257] {
            let n: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            for m in [3u64, 167, 3_234_846_615, 4_294_967_291] {
                let bytewise = n
                    .iter()
                    .fold(0u64, |acc, &b| (acc * 256 + u64::from(b)) % m);
                assert_eq!(residue_mod(&n, m), bytewise, "len {len} mod {m}");
            }
        }
    }
}
