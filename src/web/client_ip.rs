//! The address a request came from, for the sign-ups' record (the collusion
//! signals compare them). Behind a reverse proxy on the same host the peer is
//! a loopback address, so the proxy's `X-Forwarded-For` is believed then —
//! and only then, since anyone else could write that header.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub Option<String>);

/// The client's address from the peer and the forwarded header (pure).
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>) -> Option<String> {
    let forwarded = forwarded_for
        .and_then(|h| h.split(',').next())
        .map(str::trim)
        .and_then(|first| first.parse::<IpAddr>().ok());
    match (peer, forwarded) {
        (Some(p), Some(f)) if p.is_loopback() => Some(f.to_string()),
        (Some(p), _) => Some(p.to_string()),
        (None, _) => None,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientIp(client_ip(peer, forwarded)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_local_proxy() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let remote: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(
            client_ip(Some(local), Some("198.51.100.2, 10.0.0.1")),
            Some("198.51.100.2".into())
        );
        assert_eq!(
            client_ip(Some(remote), Some("198.51.100.2")),
            Some("203.0.113.7".into())
        );
        assert_eq!(
            client_ip(Some(local), Some("not an address")),
            Some("127.0.0.1".into())
        );
        assert_eq!(client_ip(None, Some("198.51.100.2")), None);
    }
}
