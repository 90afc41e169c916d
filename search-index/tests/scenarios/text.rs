//! What a buyer types into the search box.

use search_index::OfferingDoc;

use crate::fixtures::*;

#[test]
fn an_abbreviation_and_a_city_find_the_eia_offering_there() {
    let market = Market::with_catalogue();

    let found = market.search("环评 南昌");

    assert_eq!(found.ids(), [EIA_NANCHANG]);
    assert!(!found.relaxed);
}

#[test]
fn an_abbreviation_finds_offerings_that_only_spell_it_out() {
    let market = Market::new();
    // No abbreviation anywhere: only the synonym group links 水保 to it.
    market.publish(OfferingDoc {
        service_item_abbreviations: vec![],
        ..soil_water_plan()
    });

    assert_eq!(market.search("水保").ids(), [SOIL_WATER_PROVINCE]);
    assert_eq!(market.search("水保方案").ids(), [SOIL_WATER_PROVINCE]);
}

#[test]
fn the_full_name_finds_offerings_listed_under_the_abbreviation() {
    let market = Market::new();
    let offering = OfferingDoc {
        title: "稳评报告编制".into(),
        description: "重大项目稳评，含民意调查。".into(),
        ..offering(7)
    };
    market.publish(offering);

    assert_eq!(market.search("社会稳定风险评估").ids(), [7]);
}

#[test]
fn energy_assessment_report_in_ganzhou_finds_the_energy_report_there() {
    let market = Market::with_catalogue();

    let found = market.search("节能评估 报告 赣州");

    assert_eq!(found.ids(), [ENERGY_GANZHOU]);
}

#[test]
fn every_word_must_match_before_any_word_will_do() {
    let market = Market::with_catalogue();

    // Both EIA offerings match 环评; only one is in 南昌 (above). With a city
    // no offering names, the search falls back to any word and says so.
    let found = market.search("环评 九江");

    assert_eq!(found.id_set(), [EIA_NANCHANG, EIA_GANZHOU]);
    assert!(found.relaxed);
}

#[test]
fn an_agency_name_finds_its_offerings_and_the_agency() {
    let market = Market::with_catalogue();
    market.register(survey_agency());
    market.register(eia_agency_ganzhou());

    assert_eq!(market.search("赣测科技").ids(), [SURVEY_DONGHU]);
    assert_eq!(
        market.agencies("江西赣测科技有限公司").ids(),
        [SURVEY_AGENCY]
    );
    assert_eq!(market.agencies("环境监测").ids(), [51]);
}

#[test]
fn a_certificate_number_finds_its_holder_whole_or_by_its_digits() {
    let market = Market::with_catalogue();
    market.register(survey_agency());

    assert_eq!(market.search(SURVEY_CERTIFICATE).ids(), [SURVEY_DONGHU]);
    assert_eq!(market.search("36000001").ids(), [SURVEY_DONGHU]);
    assert_eq!(market.agencies(SURVEY_CERTIFICATE).ids(), [SURVEY_AGENCY]);
}

#[test]
fn a_credit_code_finds_the_agency_in_any_case() {
    let market = Market::new();
    market.register(survey_agency());

    assert_eq!(market.agencies(SURVEY_USCC).ids(), [SURVEY_AGENCY]);
    assert_eq!(
        market.agencies(&SURVEY_USCC.to_lowercase()).ids(),
        [SURVEY_AGENCY]
    );
}

#[test]
fn matched_words_are_marked_and_the_rest_escaped() {
    let market = Market::new();
    market.publish(OfferingDoc {
        title: "环评报告 <加急>".into(),
        description: "报告表工期 < 20 天 & 可加急；环评报告书另议。".into(),
        ..eia_nanchang()
    });

    let hit = &market.search("环评").hits[0];

    // 环评报告 is one word of the 环评 group, so it is marked whole.
    assert_eq!(hit.title_html, "<mark>环评报告</mark> &lt;加急&gt;");
    assert_eq!(
        hit.snippet_html,
        "报告表工期 &lt; 20 天 &amp; 可加急；<mark>环评报告</mark>书另议。"
    );
}

#[test]
fn agency_names_come_back_highlighted() {
    let market = Market::new();
    market.register(survey_agency());

    let hit = &market.agencies("赣测").hits[0];

    assert_eq!(hit.name_html, "江西<mark>赣测</mark>科技有限公司");
}

#[test]
fn anything_typed_is_a_search_never_an_error() {
    let market = Market::with_catalogue();
    let odd = [
        "环评 AND (",
        "***",
        "\"",
        "(((",
        "title:环评",
        "*:*",
        "-",
        "🙂",
        "   ",
        "\\",
        "环评~2^3",
        "' OR 1=1 --",
        &"测".repeat(10_000),
    ];
    for text in odd {
        let query = search_index::OfferingQuery {
            text: text.into(),
            ..Default::default()
        };
        assert!(market.index.search_offerings(&query).is_ok(), "{text:?}");
    }
    assert_eq!(
        market.search("环评 AND (").id_set(),
        [EIA_NANCHANG, EIA_GANZHOU]
    );
}

#[test]
fn empty_text_lists_every_offering() {
    let market = Market::with_catalogue();

    let found = market.search("");

    assert_eq!(found.total, catalogue().len());
    assert!(!found.relaxed);
}
