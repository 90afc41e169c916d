//! Password hashing (argon2id, m=19456 KiB, t=2, p=1, OWASP's minimum) and the
//! password policy. The PHC string is stored, so parameters can be raised later.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Refused outright even when long enough: the long entries of the common-password lists.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123123123123",
    "111111111111",
    "000000000000",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "1qaz2wsx3edc",
    "1q2w3e4r5t6y",
    "password1234",
    "password123456",
    "passwordpassword",
    "abcdefghijkl",
    "abc123abc123",
    "iloveyou1234",
    "woaini1314520",
    "woaini520520",
    "admin1234567",
    "administrator",
];

fn argon2() -> Argon2<'static> {
    // The parameters are constants that Params::new accepts.
    let params = Params::new(19456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same work as a real check, so a login for an unknown user takes
/// as long as one with a wrong password.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("zhongjie-dummy-password").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Why a password is refused, in (Chinese, English).
pub fn policy_violation(password: &str, username: &str) -> Option<(&'static str, &'static str)> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some((
            "密码至少需要12个字符。",
            "The password must have at least 12 characters.",
        ));
    }
    if length > MAX_LENGTH {
        return Some((
            "密码不能超过128个字符。",
            "The password must have at most 128 characters.",
        ));
    }
    let lowered = password.to_lowercase();
    if !username.is_empty() && lowered.contains(&username.to_lowercase()) {
        return Some((
            "密码不能包含用户名。",
            "The password must not contain the user name.",
        ));
    }
    if COMMON.contains(&lowered.as_str()) || password.chars().all(|c| password.starts_with(c)) {
        return Some((
            "该密码过于常见，请换一个。",
            "This password is too common; choose another.",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password_and_records_its_parameters() {
        let phc = hash("长城长江黄河泰山2026").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("长城长江黄河泰山2026", &phc));
        assert!(!verify("长城长江黄河泰山2027", &phc));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn policy_table() {
        let cases = [
            ("short", "alice", false),
            ("correct horse battery", "alice", true),
            ("alice-has-a-long-password", "alice", false),
            ("ALICE-has-a-long-password", "alice", false),
            ("password1234", "bob", false),
            ("aaaaaaaaaaaaaaaa", "bob", false),
            ("中文密码也可以用来登录的", "bob", true),
            (&"x1".repeat(65), "bob", false),
        ];
        for (password, username, ok) in cases {
            assert_eq!(
                policy_violation(password, username).is_none(),
                ok,
                "{password}"
            );
        }
    }
}
