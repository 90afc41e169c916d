//! The JSON shapes of the open data: the change feed, and the OCDS package
//! around a page of releases with the URIs the standard asks for.

use super::feed::Change;
use super::ocds_types::{Links, Publisher, Release, ReleasePackage};
use super::service::FeedPage;
use super::window::Window;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The licence of the published data.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";
pub const PUBLISHER: &str = "zhongjie 中介服务超市";
pub const POLICY_PATH: &str = "/api/v1/ocds/publication-policy";

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeFeed {
    pub changes: Vec<ChangeView>,
    /// The last change number examined: send it as `since` next time, even
    /// when this page showed nothing.
    pub next_since: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    /// Where the entity can be read, by anyone.
    pub href: String,
}

pub fn feed(page: FeedPage) -> ChangeFeed {
    ChangeFeed {
        changes: page
            .entries
            .into_iter()
            .map(|(c, href): (Change, String)| ChangeView {
                seq: c.seq,
                occurred_at: c.occurred_at.and_utc(),
                entity_type: c.entity_type,
                entity_id: c.entity_id,
                action: c.action,
                href,
            })
            .collect(),
        next_since: page.next_since,
    }
}

/// The scheme and host the caller used, for the absolute URIs OCDS needs.
/// A Host header that is not a plain host name (and port) is not echoed back.
pub fn base_url(host: Option<&str>, secure: bool) -> String {
    let host = host
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

/// The package of a non-empty page of releases.
pub fn package(
    base: &str,
    window: Window,
    next_since: i64,
    releases: Vec<Release>,
) -> ReleasePackage {
    // Generated on demand: the package is as new as its newest release.
    let published = releases
        .iter()
        .map(|r| r.date.clone())
        .max()
        .unwrap_or_default();
    let page = |since: i64| {
        format!(
            "{base}/api/v1/ocds/releases?since={since}&limit={}",
            window.limit
        )
    };
    ReleasePackage {
        uri: page(window.since),
        version: "1.1",
        published_date: published,
        publisher: Publisher {
            name: PUBLISHER,
            uri: format!("{base}/"),
        },
        license: LICENSE,
        publication_policy: format!("{base}{POLICY_PATH}"),
        releases,
        links: Links {
            next: page(next_since),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_echoes_only_a_plain_host() {
        let cases = [
            (Some("127.0.0.1:8080"), false, "http://127.0.0.1:8080"),
            (Some("zj.example.cn"), true, "https://zj.example.cn"),
            (Some("[::1]:80"), false, "http://[::1]:80"),
            (Some("evil.cn/\"x"), false, "http://localhost"),
            (Some(""), false, "http://localhost"),
            (None, true, "https://localhost"),
        ];
        for (host, secure, expected) in cases {
            assert_eq!(base_url(host, secure), expected, "{host:?}");
        }
    }
}
