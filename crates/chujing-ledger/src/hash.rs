//! Keyed pseudonymisation: subject keys become 128-bit SipHash-1-3 values under a per-deployment secret.
//!
//! Resident ID numbers have little entropy (region × birth date × sequence), so an unkeyed hash could be
//! reversed by enumeration; a keyed PRF cannot without the key. 128 bits keep collisions negligible (the law's
//! exact thresholds tolerate no undercount; with 64 bits, 10⁹ individuals would collide with probability ≈ 3%).

use std::fmt;

use siphasher::sip128::SipHasher13;

use crate::error::LedgerError;

/// The per-deployment secret key (16 bytes). Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct HashKey([u8; 16]);

impl HashKey {
    /// Wraps 16 secret bytes.
    pub fn new(bytes: [u8; 16]) -> HashKey {
        HashKey(bytes)
    }

    /// Parses 32 hex digits.
    pub fn from_hex(hex: &str) -> Result<HashKey, LedgerError> {
        let hex = hex.trim();
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LedgerError::KeyFormat);
        }
        if hex.len() != 32 {
            return Err(LedgerError::KeyLength(hex.len() / 2));
        }
        let mut array = [0u8; 16];
        for (byte, pair) in array.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let digits = std::str::from_utf8(pair).map_err(|_| LedgerError::KeyFormat)?;
            *byte = u8::from_str_radix(digits, 16).map_err(|_| LedgerError::KeyFormat)?;
        }
        Ok(HashKey(array))
    }

    /// The key as 32 hex digits (to store it; never log it).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey(<secret>)")
    }
}

/// Hashes normalised subject keys under a secret key.
#[derive(Clone)]
pub struct SubjectHasher {
    hasher: SipHasher13,
    key_id: String,
}

/// Only the key's id: the SipHash state holds the key itself.
impl fmt::Debug for SubjectHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectHasher")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SubjectHasher {
    /// A hasher under `key`.
    pub fn new(key: &HashKey) -> SubjectHasher {
        let hasher = SipHasher13::new_with_key(&key.0);
        // The key id is a hash of a fixed label under the key: it names the key without revealing it.
        let id = hasher.hash(b"chujing key id").as_u128();
        SubjectHasher {
            hasher,
            key_id: format!("sip13:{:016x}", (id >> 64) as u64),
        }
    }

    /// A short identifier of the key, recorded with every batch so counts stay reproducible across rotation.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The 128-bit pseudonym of a normalised key.
    #[inline]
    pub fn hash(&self, normalised: &str) -> u128 {
        self.hasher.hash(normalised.as_bytes()).as_u128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_key() {
        // Before: SubjectHasher's derived Debug printed the SipHash state, which holds the key.
        let key = HashKey::new([0xAB; 16]);
        let hasher = SubjectHasher::new(&key);
        for shown in [
            format!("{key:?}"),
            format!("{hasher:?}"),
            format!("{hasher:#?}"),
        ] {
            assert!(!shown.to_lowercase().contains("abab"), "{shown}");
            assert!(
                !shown.contains(&u64::from_le_bytes([0xAB; 8]).to_string()),
                "{shown}"
            );
        }
        assert!(format!("{hasher:?}").contains(hasher.key_id()));
    }

    #[test]
    fn keyed_and_stable() {
        let a = SubjectHasher::new(&HashKey::new([1; 16]));
        let b = SubjectHasher::new(&HashKey::new([2; 16]));
        assert_eq!(a.hash("110105194912310021"), a.hash("110105194912310021"));
        assert_ne!(a.hash("110105194912310021"), b.hash("110105194912310021"));
        assert_ne!(a.key_id(), b.key_id());
        assert!(!format!("{:?}", HashKey::new([7; 16])).contains('7'));
    }

    #[test]
    fn hex_round_trip() {
        let k = HashKey::new([0xab; 16]);
        assert_eq!(HashKey::from_hex(&k.to_hex()).unwrap(), k);
        assert!(HashKey::from_hex("abcd").is_err());
        assert!(matches!(
            HashKey::from_hex(&"zz".repeat(16)),
            Err(LedgerError::KeyFormat)
        ));
        assert!(matches!(
            HashKey::from_hex("abcd"),
            Err(LedgerError::KeyLength(2))
        ));
    }
}
