//! Narrowing a list by item, category, qualification level, price and days.

use search_index::OfferingQuery;

use crate::fixtures::*;

#[test]
fn empty_text_with_a_filter_lists_everything_that_passes() {
    let market = Market::with_catalogue();
    let query = OfferingQuery {
        service_item_id: Some(5),
        ..OfferingQuery::default()
    };

    assert_eq!(market.find(&query).id_set(), [EIA_NANCHANG, EIA_GANZHOU]);
}

#[test]
fn category_matches_the_whole_name() {
    let market = Market::with_catalogue();
    let category = |name: &str| {
        let query = OfferingQuery {
            category: Some(name.into()),
            ..OfferingQuery::default()
        };
        market.find(&query).id_set()
    };

    assert_eq!(category("环境评价"), [EIA_NANCHANG, EIA_GANZHOU]);
    assert_eq!(category("测绘"), [SURVEY_DONGHU]);
    assert!(category("环境").is_empty());
}

#[test]
fn a_level_admits_agencies_holding_it_or_a_higher_one() {
    let market = Market::with_catalogue();
    let level = |name: &str| {
        let query = OfferingQuery {
            qualification_level: Some(name.into()),
            ..OfferingQuery::default()
        };
        market.find(&query).id_set()
    };

    // The survey agency holds 乙级, the geohazard institute 甲级.
    assert_eq!(level("乙级"), [SURVEY_DONGHU, GEOHAZARD_PROVINCE]);
    assert_eq!(level("甲级"), [GEOHAZARD_PROVINCE]);
    assert!(level("一类").is_empty());
}

#[test]
fn a_price_cap_keeps_offerings_starting_at_or_below_it() {
    let market = Market::with_catalogue();
    let query = OfferingQuery {
        max_price_fen: Some(2_000_000),
        ..OfferingQuery::default()
    };

    // 20 000 元 exactly is in; the unpriced geohazard assessment cannot promise it.
    assert_eq!(
        market.find(&query).id_set(),
        [SOIL_WATER_PROVINCE, ENERGY_GANZHOU, SURVEY_DONGHU]
    );
}

#[test]
fn a_days_cap_keeps_offerings_promised_within_it() {
    let market = Market::with_catalogue();
    let query = OfferingQuery {
        max_days: Some(20),
        ..OfferingQuery::default()
    };

    assert_eq!(
        market.find(&query).id_set(),
        [EIA_NANCHANG, ENERGY_GANZHOU, SURVEY_DONGHU]
    );
}

#[test]
fn filters_combine_with_text() {
    let market = Market::with_catalogue();
    let query = OfferingQuery {
        text: "环评".into(),
        max_days: Some(30),
        max_price_fen: Some(5_000_000),
        ..OfferingQuery::default()
    };

    assert_eq!(market.find(&query).ids(), [EIA_NANCHANG]);
}

#[test]
fn an_offering_leaves_the_results_the_moment_its_certificate_expires() {
    let market = Market::new();
    let mut expiring = offering(1);
    expiring.title = "地形图测绘".into();
    expiring.live_until = Some(1_776_268_800);
    let mut lasting = offering(2);
    lasting.title = "地形图测绘".into();
    market.publish(expiring);
    market.publish(lasting);
    let at = |t: i64| {
        let query = OfferingQuery {
            text: "测绘".into(),
            live_at: Some(t),
            ..OfferingQuery::default()
        };
        market.find(&query).id_set()
    };

    assert_eq!(at(1_776_268_799), [1, 2]);
    assert_eq!(at(1_776_268_800), [2]);
}
