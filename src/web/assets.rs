//! Static assets, compiled into the binary: government intranets often have no
//! internet, so pages load nothing from elsewhere.

use crate::app::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const SITE_CSS: &str = include_str!("../../web/static/site.css");
const FAVICON_SVG: &str = include_str!("../../web/static/favicon.svg");
const CACHE: &str = "public, max-age=3600";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/site.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, CACHE),
                    ],
                    SITE_CSS,
                )
            }),
        )
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
        ],
        FAVICON_SVG,
    )
}
