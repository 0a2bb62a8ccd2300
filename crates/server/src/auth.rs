//! Accounts, sessions and CSRF.
//!
//! - Passwords: argon2id (default parameters) PHC strings; a login for an
//!   unknown email still runs one verification so timing does not tell.
//! - Sessions: a random 256-bit token in an `HttpOnly`, `SameSite=Strict`,
//!   `Path=/` cookie (`Secure` unless turned off for plain-HTTP tests); the
//!   store keeps only its SHA-256. The API also takes the same token as
//!   `Authorization: Bearer`.
//! - CSRF: forms of a logged-in coordinator carry the session's synchroniser
//!   token (the API takes it as `X-CSRF-Token` with cookie auth); public
//!   forms (login, pre-screen, apply) use a double-submit token: a random
//!   value in an `HttpOnly` cookie that the form must repeat.

use crate::{AppError, AppState};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "eligo_session";
pub const CSRF_COOKIE: &str = "eligo_csrf";
/// Header carrying the session's CSRF token for cookie-authenticated API writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Hash a password for storage.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing the password: {e}"))
}

/// Does `password` match the stored PHC string? False for malformed hashes.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spend the time of one verification (logins for unknown emails).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let h = DUMMY.get_or_init(|| hash_password("eligo-dummy-password").unwrap_or_default());
    let _ = verify_password(password, h);
}

/// 32 random bytes as 64 lowercase hex digits.
pub fn random_token() -> Result<String, AppError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| AppError::internal(format!("random: {e}")))?;
    Ok(hex(&b))
}

/// What the store keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Is `s` shaped like one of our tokens?
pub fn well_formed(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compare two tokens without an early exit.
pub fn same_token(a: &str, b: &str) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when set.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear_cookie(name: &str, secure: bool) -> HeaderValue {
    set_cookie(name, "", 0, secure)
}

/// The client's address as the socket saw it (no proxy headers are
/// trusted); unspecified when the connection info is not available.
pub fn client_ip(ext: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    ext.map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// A logged-in coordinator.
#[derive(Debug, Clone)]
pub struct Coordinator {
    pub user_id: i64,
    pub email: String,
    pub csrf_token: String,
    pub token_hash: String,
    pub via: Via,
    pub trials: Vec<String>,
}

impl Coordinator {
    pub fn has_trial(&self, id: &str) -> bool {
        self.trials.iter().any(|t| t == id)
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// The coordinator behind the request's bearer token or session cookie.
pub async fn coordinator(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Coordinator>, AppError> {
    let (token, via) = match bearer(headers) {
        Some(t) => (t, Via::Bearer),
        None => match cookie(headers, SESSION_COOKIE) {
            Some(t) => (t, Via::Cookie),
            None => return Ok(None),
        },
    };
    if !well_formed(&token) {
        return Ok(None);
    }
    let hash = token_hash(&token);
    let now = jiff::Timestamp::now().as_second();
    let Some(s) = state.store().session(&hash, now).await? else {
        return Ok(None);
    };
    let trials = match state.store().user_by_id(s.user_id).await? {
        Some(u) => u.trials,
        None => return Ok(None),
    };
    Ok(Some(Coordinator {
        user_id: s.user_id,
        email: s.email,
        csrf_token: s.csrf_token,
        token_hash: hash,
        via,
        trials,
    }))
}

/// A new session for `user_id`: returns the token for the client and the
/// session's CSRF token.
pub async fn open_session(state: &AppState, user_id: i64) -> Result<(String, String), AppError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let ttl = i64::try_from(state.settings().session_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let now = jiff::Timestamp::now().as_second();
    state
        .store()
        .create_session(&token_hash(&token), user_id, &csrf, now.saturating_add(ttl))
        .await?;
    // Expired sessions go whenever someone logs in.
    let _ = state.store().purge_sessions(now).await;
    Ok((token, csrf))
}

/// The double-submit token for a public form: the request's cookie when it
/// has a well-formed one, else a new one to set.
pub fn public_csrf(
    headers: &HeaderMap,
    secure: bool,
) -> Result<(String, Option<HeaderValue>), AppError> {
    if let Some(t) = cookie(headers, CSRF_COOKIE).filter(|t| well_formed(t)) {
        return Ok((t, None));
    }
    let t = random_token()?;
    let c = set_cookie(CSRF_COOKIE, &t, 12 * 3600, secure);
    Ok((t, Some(c)))
}

/// Check a public form's token against its cookie (403 when they differ).
pub fn check_public_csrf(headers: &HeaderMap, submitted: Option<&str>) -> Result<(), AppError> {
    let cookie = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    match submitted {
        Some(s) if well_formed(s) && same_token(s, &cookie) => Ok(()),
        _ => Err(csrf_error()),
    }
}

/// Check a coordinator form's (or header's) token against the session's.
pub fn check_session_csrf(c: &Coordinator, submitted: Option<&str>) -> Result<(), AppError> {
    match submitted {
        Some(s) if same_token(s, &c.csrf_token) => Ok(()),
        _ => Err(csrf_error()),
    }
}

fn csrf_error() -> AppError {
    AppError::forbidden(
        "the form's security token is missing or expired: reload the page and try again",
    )
}

/// Normalise an email for accounts: trimmed, lower case; None when it does
/// not look like one.
pub fn normalize_email(s: &str) -> Option<String> {
    let e = s.trim().to_lowercase();
    let (user, domain) = e.split_once('@')?;
    let ok = !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    ok.then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_hex_and_hashed() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        // SHA-256 of "abc" (FIPS 180-2 example).
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token("", ""));
    }

    #[test]
    fn cookies_parse_and_carry_their_attributes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; eligo_session=xyz ; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        let c = set_cookie(SESSION_COOKIE, "t", 60, true);
        let c = c.to_str().unwrap();
        for attr in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(c.contains(attr), "{c} lacks {attr}");
        }
        assert!(
            !set_cookie(SESSION_COOKIE, "t", 60, false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalize_email(" Ann@Example.ORG ").as_deref(),
            Some("ann@example.org")
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.org",
            "ann@example",
            "a b@example.org",
            "a@b@c.org",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }
}
