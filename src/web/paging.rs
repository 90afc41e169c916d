//! Pages of a list: `?page=` (from 1) and `?per_page=` (at most 100), and the
//! `meta` every list answers with.

use crate::accounts::views::ListMeta;
use serde::Deserialize;

pub const DEFAULT_PER_PAGE: usize = 20;
pub const MAX_PER_PAGE: usize = 100;

#[derive(Clone, Copy, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<usize>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<usize>,
}

impl Paging {
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> usize {
        self.per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE)
    }

    pub fn offset(&self) -> usize {
        (self.page() - 1).saturating_mul(self.per_page())
    }

    /// `meta` for a list of `total` items; `next_page` repeats the query with the next page.
    pub fn meta(&self, total: i64, path: &str, query: &[(&str, String)]) -> ListMeta {
        let shown = self.offset().saturating_add(self.per_page()) as i64;
        let next_page = (shown < total).then(|| {
            let mut pairs: Vec<(&str, String)> = query
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect();
            pairs.push(("page", (self.page() + 1).to_string()));
            pairs.push(("per_page", self.per_page().to_string()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        });
        ListMeta { total, next_page }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_and_link_to_the_next() {
        let p = Paging {
            page: Some(0),
            per_page: Some(1000),
        };
        assert_eq!((p.page(), p.per_page(), p.offset()), (1, 100, 0));
        let p = Paging {
            page: Some(2),
            per_page: Some(10),
        };
        assert_eq!(p.offset(), 10);
        let meta = p.meta(
            25,
            "/api/v1/offerings",
            &[("region", "360100".into()), ("agency", String::new())],
        );
        assert_eq!(
            meta.next_page.as_deref(),
            Some("/api/v1/offerings?region=360100&page=3&per_page=10")
        );
        assert!(p.meta(20, "/x", &[]).next_page.is_none());
    }
}
