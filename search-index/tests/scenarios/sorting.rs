//! Ordering and paging the results.

use search_index::{OfferingDoc, OfferingQuery, Sort};

use crate::fixtures::*;

fn sorted(market: &Market, sort: Sort) -> Vec<i64> {
    market
        .find(&OfferingQuery {
            sort,
            ..OfferingQuery::default()
        })
        .ids()
}

#[test]
fn cheapest_first_with_unpriced_offerings_last() {
    let market = Market::with_catalogue();

    assert_eq!(
        sorted(&market, Sort::PriceAsc),
        [
            SURVEY_DONGHU,
            ENERGY_GANZHOU,
            SOIL_WATER_PROVINCE,
            EIA_NANCHANG,
            EIA_GANZHOU,
            GEOHAZARD_PROVINCE
        ]
    );
}

#[test]
fn dearest_first_still_puts_unpriced_offerings_last() {
    let market = Market::with_catalogue();

    assert_eq!(
        sorted(&market, Sort::PriceDesc),
        [
            EIA_GANZHOU,
            EIA_NANCHANG,
            SOIL_WATER_PROVINCE,
            ENERGY_GANZHOU,
            SURVEY_DONGHU,
            GEOHAZARD_PROVINCE
        ]
    );
}

#[test]
fn quickest_first() {
    let market = Market::with_catalogue();

    let ids = sorted(&market, Sort::DaysAsc);

    assert_eq!(
        ids[..4],
        [
            SURVEY_DONGHU,
            ENERGY_GANZHOU,
            EIA_NANCHANG,
            SOIL_WATER_PROVINCE
        ]
    );
    assert_eq!(ids[5], EIA_GANZHOU);
}

#[test]
fn between_equal_matches_the_better_credited_agency_ranks_first() {
    let market = Market::new();
    let eia = |id, credit| OfferingDoc {
        id,
        credit_score: credit,
        ..eia_nanchang()
    };
    market.publish(eia(1, Some(40.0)));
    market.publish(eia(2, Some(95.0)));
    market.publish(eia(3, None));

    let found = market.search("环评");

    assert_eq!(found.ids(), [2, 3, 1]);
    assert!(found.hits[0].score > found.hits[1].score);
}

#[test]
fn a_much_better_text_match_outweighs_credit() {
    let market = Market::new();
    market.publish(OfferingDoc {
        credit_score: Some(0.0),
        ..eia_nanchang()
    });
    market.publish(OfferingDoc {
        credit_score: Some(100.0),
        ..soil_water_plan()
    });

    // The soil and water plan merely mentions 建设项目 in its description.
    assert_eq!(market.search("建设项目 环境影响").ids(), [EIA_NANCHANG]);
    assert_eq!(market.search("环境影响 报告表").ids()[0], EIA_NANCHANG);
}

#[test]
fn pages_split_the_results_without_overlap() {
    let market = Market::with_catalogue();
    let page = |page, per_page| {
        let query = OfferingQuery {
            page,
            per_page,
            sort: Sort::PriceAsc,
            ..OfferingQuery::default()
        };
        market.find(&query)
    };

    let first = page(1, 4);
    let second = page(2, 4);
    let third = page(3, 4);

    assert_eq!((first.total, second.total, third.total), (6, 6, 6));
    assert_eq!(
        first.ids(),
        [
            SURVEY_DONGHU,
            ENERGY_GANZHOU,
            SOIL_WATER_PROVINCE,
            EIA_NANCHANG
        ]
    );
    assert_eq!(second.ids(), [EIA_GANZHOU, GEOHAZARD_PROVINCE]);
    assert!(third.hits.is_empty());
    // Page 0 and 0 per page are read as the first page of one.
    assert_eq!(page(0, 0).ids(), [SURVEY_DONGHU]);
    assert_eq!(page(usize::MAX, usize::MAX).total, 6);
}
