//! Reading pages as a browser would, without one: fetch, find the form token.

use reqwest::{Client, StatusCode};

/// The CSRF token of the first form on a page.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub async fn page(client: &Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("request");
    let status = response.status();
    (status, response.text().await.expect("body"))
}
