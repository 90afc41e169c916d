//! Random secrets (session tokens, API tokens, CSRF tokens) and the hashes
//! under which they are stored: 256 bits from the OS, only SHA-256 kept.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// A fresh 256-bit secret, URL-safe base64, with a readable prefix.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not something a server can work around.
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random source is unavailable");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// 256 random bits from the OS, raw.
pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random source is unavailable");
    bytes
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_distinct_and_stored_only_as_hashes() {
        let a = new_secret("zj_");
        let b = new_secret("zj_");
        assert_ne!(a, b);
        assert!(a.starts_with("zj_") && a.len() == 3 + 43);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), hash_secret(&b));
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same("a", "ab"));
    }
}
