//! Searching within a region: a county, a city or the whole province.

use search_index::{OfferingDoc, OfferingQuery};

use crate::fixtures::*;

fn in_region(market: &Market, code: &str) -> Vec<i64> {
    let query = OfferingQuery {
        region: Some(code.into()),
        ..OfferingQuery::default()
    };
    market.find(&query).id_set()
}

#[test]
fn a_county_finds_offerings_for_it_its_city_and_the_whole_province() {
    let market = Market::with_catalogue();

    // 东湖区: the survey serves it, the EIA serves all of 南昌, two serve 江西.
    assert_eq!(
        in_region(&market, "360102"),
        [
            EIA_NANCHANG,
            SOIL_WATER_PROVINCE,
            SURVEY_DONGHU,
            GEOHAZARD_PROVINCE
        ]
    );
    // 西湖区, next door: not the survey.
    assert_eq!(
        in_region(&market, "360103"),
        [EIA_NANCHANG, SOIL_WATER_PROVINCE, GEOHAZARD_PROVINCE]
    );
}

#[test]
fn a_city_finds_offerings_for_any_of_its_counties() {
    let market = Market::with_catalogue();

    assert_eq!(
        in_region(&market, "360100"),
        [
            EIA_NANCHANG,
            SOIL_WATER_PROVINCE,
            SURVEY_DONGHU,
            GEOHAZARD_PROVINCE
        ]
    );
    // 赣州: the energy report serves two of its districts.
    assert_eq!(
        in_region(&market, "360700"),
        [
            EIA_GANZHOU,
            SOIL_WATER_PROVINCE,
            ENERGY_GANZHOU,
            GEOHAZARD_PROVINCE
        ]
    );
}

#[test]
fn the_province_finds_every_offering() {
    let market = Market::with_catalogue();

    assert_eq!(in_region(&market, "360000").len(), catalogue().len());
}

#[test]
fn a_region_that_is_not_a_division_code_finds_nothing() {
    let market = Market::with_catalogue();

    for code in ["南昌", "3601", "36010x", "3601020"] {
        assert!(in_region(&market, code).is_empty(), "{code}");
    }
    // An empty choice in a form is no filter at all.
    assert_eq!(in_region(&market, " ").len(), catalogue().len());
}

#[test]
fn an_offering_without_a_valid_region_is_listed_but_in_no_region() {
    let market = Market::with_catalogue();
    market.publish(OfferingDoc {
        regions: vec![],
        ..offering(7)
    });
    market.publish(OfferingDoc {
        regions: vec!["江西".into()],
        ..offering(8)
    });

    assert_eq!(market.search("").total, catalogue().len() + 2);
    assert_eq!(in_region(&market, "360000").len(), catalogue().len());
}

#[test]
fn text_and_region_narrow_each_other() {
    let market = Market::with_catalogue();
    let query = OfferingQuery {
        text: "环评".into(),
        region: Some("360702".into()),
        ..OfferingQuery::default()
    };

    assert_eq!(market.find(&query).ids(), [EIA_GANZHOU]);
}

#[test]
fn facets_count_matching_offerings_per_city_and_per_item() {
    let market = Market::with_catalogue();
    // A second offering in 东湖区 and 西湖区: counted once for 南昌.
    market.publish(OfferingDoc {
        id: 9,
        title: "房产测绘".into(),
        regions: vec!["360102".into(), "360103".into()],
        service_item_id: 26,
        ..offering(9)
    });

    let all = market.search("");
    assert_eq!(
        all.region_facets,
        [("360100".to_owned(), 3), ("360700".to_owned(), 2)]
    );
    assert_eq!(all.service_item_facets[0], (5, 2));
    assert_eq!(all.service_item_facets.len(), 6);

    let eia = market.search("环评");
    assert_eq!(
        eia.region_facets,
        [("360100".to_owned(), 1), ("360700".to_owned(), 1)]
    );
    assert_eq!(eia.service_item_facets, [(5, 2)]);
}

#[test]
fn cities_are_counted_even_when_nothing_serves_the_whole_province() {
    let market = Market::new();
    let mut survey = offering(1);
    survey.regions = vec!["360102".into(), "360111".into()];
    market.publish(survey);

    let results = market.find(&OfferingQuery::default());

    assert_eq!(results.region_facets, vec![("360100".to_owned(), 1)]);
}
