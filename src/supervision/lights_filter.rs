//! The lights' filters: region, service item, department, party and colour,
//! parsed from the query string (a bad value is a 422 naming its field) and
//! matched against a light, both pure.

use super::lights::Light;
use super::lights_rules::Colour;
use crate::error::{AppError, AppResult};

/// The dashboard's and the API's filters, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LightFilter {
    pub colour: Option<Colour>,
    /// A division code: a province includes its cities, a city its counties.
    pub region: Option<String>,
    pub service_item: Option<i64>,
    /// The service item's 主管部门, exactly.
    pub department: Option<String>,
    /// Words of the applicant's or the agency's name.
    pub party: Option<String>,
}

/// The filters as they come in a query string: all text, so a bad value is a
/// 422 naming its field rather than a bare 400.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct LightQuery {
    /// `red`, `yellow` or `green`.
    pub colour: Option<String>,
    /// A six-digit division code; a city includes its counties.
    pub region: Option<String>,
    /// A service item id.
    pub service_item: Option<String>,
    /// A department (主管部门), as the catalogue names it.
    pub department: Option<String>,
    /// Words of the applicant's or the agency's name.
    pub party: Option<String>,
    /// `csv` or `xlsx` downloads the list instead.
    pub format: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl LightQuery {
    /// Every field at fault at once.
    pub fn parse(&self) -> AppResult<LightFilter> {
        let mut errors = Vec::new();
        let colour = given(&self.colour).and_then(|c| {
            let parsed = Colour::parse(c);
            if parsed.is_none() {
                errors.push(crate::error::FieldError::new(
                    "colour",
                    "灯色应为 red、yellow 或 green。",
                    "colour must be red, yellow or green.",
                ));
            }
            parsed
        });
        let region = given(&self.region).map(str::to_owned);
        if region
            .as_deref()
            .is_some_and(|r| !crate::catalog::divisions::well_formed(r))
        {
            errors.push(crate::error::FieldError::new(
                "region",
                "地区应为六位行政区划代码。",
                "region must be a six-digit division code.",
            ));
        }
        let service_item = given(&self.service_item).and_then(|s| {
            let parsed = s.parse::<i64>().ok().filter(|id| *id > 0);
            if parsed.is_none() {
                errors.push(crate::error::FieldError::new(
                    "service_item",
                    "服务事项应为事项编号（正整数）。",
                    "service_item must be a service item id (a positive integer).",
                ));
            }
            parsed
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(LightFilter {
            colour,
            region,
            service_item,
            department: given(&self.department).map(str::to_owned),
            party: given(&self.party).map(str::to_owned),
        })
    }

    /// The query pairs again, for links that keep the filters.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("colour", &self.colour),
            ("region", &self.region),
            ("service_item", &self.service_item),
            ("department", &self.department),
            ("party", &self.party),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k, v.to_owned())))
        .collect()
    }
}

impl LightFilter {
    /// Pure: whether a light passes every filter given.
    pub fn matches(&self, light: &Light) -> bool {
        self.colour.is_none_or(|c| c == light.colour)
            && self
                .region
                .as_deref()
                .is_none_or(|r| crate::catalog::divisions::covers(r, &light.region_code))
            && self.service_item.is_none_or(|i| i == light.service_item_id)
            && self
                .department
                .as_deref()
                .is_none_or(|d| d == light.department)
            && self.party.as_deref().is_none_or(|p| {
                let p = p.to_lowercase();
                light.applicant.to_lowercase().contains(&p)
                    || light
                        .agency
                        .as_deref()
                        .is_some_and(|a| a.to_lowercase().contains(&p))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervision::lights_rules::StepKind;
    use chrono::{TimeZone, Utc};

    fn light() -> Light {
        let t = Utc
            .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .expect("time");
        Light {
            step: StepKind::Contract,
            colour: Colour::Yellow,
            subject_id: 7,
            project_id: 7,
            contract_id: None,
            title: "某项目地形图测绘".into(),
            number: None,
            region_code: "360121".into(),
            region_name: "南昌县".into(),
            service_item_id: 27,
            service_item_name: "地形图测绘".into(),
            department: "自然资源部门".into(),
            applicant: "南昌市某建设单位".into(),
            agency: Some("江西某测绘院".into()),
            started_at: t,
            due_at: t,
            owes: None,
        }
    }

    fn query(pairs: &[(&str, &str)]) -> LightQuery {
        let mut q = LightQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "colour" => q.colour = v,
                "region" => q.region = v,
                "service_item" => q.service_item = v,
                "department" => q.department = v,
                "party" => q.party = v,
                _ => unreachable!(),
            }
        }
        q
    }

    /// Query pairs of a case.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    #[test]
    fn filters_match_by_region_item_department_and_party() {
        let cases: [(&[(&str, &str)], bool); 13] = [
            (&[], true),
            (&[("colour", "yellow")], true),
            (&[("colour", "red")], false),
            (&[("region", "360000")], true),
            (&[("region", "360100")], true),
            (&[("region", "360121")], true),
            (&[("region", "360200")], false),
            (&[("service_item", "27")], true),
            (&[("service_item", "28")], false),
            (&[("department", "自然资源部门")], true),
            (&[("department", "自然资源")], false),
            (&[("party", "测绘院")], true),
            (&[("party", "建设单位"), ("colour", "green")], false),
        ];
        for (pairs, expected) in cases {
            let filter = query(pairs).parse().expect("valid");
            assert_eq!(filter.matches(&light()), expected, "{pairs:?}");
        }
    }

    #[test]
    fn bad_filters_name_their_fields() {
        let cases: [(Pairs, &[&str]); 4] = [
            (&[("colour", "blue")], &["colour"]),
            (&[("region", "3601")], &["region"]),
            (&[("service_item", "abc")], &["service_item"]),
            (
                &[("colour", "x"), ("region", "x"), ("service_item", "-1")],
                &["colour", "region", "service_item"],
            ),
        ];
        for (pairs, fields) in cases {
            match query(pairs).parse() {
                Err(AppError::Invalid(errors)) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(named, fields.to_vec());
                }
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
        assert_eq!(
            query(&[("colour", " "), ("party", "")]).parse().ok(),
            Some(LightFilter::default())
        );
    }
}
