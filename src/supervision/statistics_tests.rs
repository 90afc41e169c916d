//! Table tests of the statistics arithmetic.

use super::*;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test time")
}

fn award(agency_id: i64, at_: &str) -> Award {
    Award {
        at: at(at_),
        agency_id,
        quote_fen: None,
        quote_rate_bp: None,
        contract_amount_fen: None,
        accepted_at: None,
        rating_sums: vec![],
    }
}

#[test]
fn ratio_rounds_half_up() {
    for (num, den, scale, want) in [
        (1, 3, 10_000, Some(3_333)),
        (2, 3, 10_000, Some(6_667)),
        (1, 2, 1, Some(1)),
        (1, 4, 1, Some(0)),
        (5, 0, 100, None),
        (0, 7, 100, Some(0)),
    ] {
        assert_eq!(ratio(num, den, scale), want, "{num}/{den}*{scale}");
    }
}

#[test]
fn months_are_china_time() {
    for (utc, want) in [
        ("2026-01-31 15:59", "2026-01"),
        ("2026-01-31 16:00", "2026-02"),
        ("2025-12-31 16:00", "2026-01"),
    ] {
        assert_eq!(Month::of_utc(at(utc)).to_string(), want);
    }
    for (text, ok) in [
        ("2026-03", true),
        ("2026-13", false),
        ("2026-3", false),
        ("x", false),
    ] {
        assert_eq!(Month::parse(text).is_some(), ok, "{text}");
    }
}

#[test]
fn awarded_and_reference_by_price_mode() {
    let fixed = PriceTerms::Fixed { amount_fen: 50_000 };
    let amount = PriceTerms::Amount {
        floor_fen: 10_000,
        ceiling_fen: 100_000,
    };
    let rate = PriceTerms::Rate {
        base_fen: 100_000,
        min_bp: 0,
        max_bp: 3_000,
    };
    let mut quote = award(1, "2026-01-01 00:00");
    quote.quote_fen = Some(80_000);
    let mut rated = award(1, "2026-01-01 00:00");
    rated.quote_rate_bp = Some(1_250);
    let mut contracted = quote.clone();
    contracted.contract_amount_fen = Some(75_000);
    for (price, a, awarded, reference) in [
        (&fixed, &award(1, "2026-01-01 00:00"), 50_000, 50_000),
        (&amount, &quote, 80_000, 100_000),
        (&amount, &contracted, 75_000, 100_000),
        (&rate, &rated, 87_500, 100_000),
    ] {
        assert_eq!(awarded_fen(price, a), awarded);
        assert_eq!(reference_fen(price), reference);
    }
}

#[test]
fn concentration() {
    for (amounts, want_hhi, want_top3) in [
        (vec![100], Some(10_000), Some(10_000)),
        (vec![50, 50], Some(5_000), Some(10_000)),
        (vec![40, 30, 20, 10], Some(3_000), Some(9_000)),
        (vec![], None, None),
    ] {
        assert_eq!(hhi(&amounts), want_hhi, "{amounts:?}");
        assert_eq!(top_share_bp(&amounts, 3), want_top3, "{amounts:?}");
    }
}

#[test]
fn regions_group_by_city_unless_a_city_was_chosen() {
    for (code, by_county, want) in [
        ("360102", false, "360100"),
        ("360100", false, "360100"),
        ("360102", true, "360102"),
    ] {
        assert_eq!(region_key(code, by_county), want);
    }
}

#[test]
fn compute_by_month() {
    let amount = PriceTerms::Amount {
        floor_fen: 0,
        ceiling_fen: 100_000,
    };
    let mut won = award(7, "2026-01-11 00:00");
    won.quote_fen = Some(90_000);
    won.accepted_at = Some(at("2026-01-31 12:00"));
    won.rating_sums = vec![20, 17];
    let projects = vec![
        ProjectFacts {
            region_code: "360102".into(),
            service_item_id: 1,
            published_at: at("2026-01-01 00:00"),
            rounds: 2,
            failed_rounds: 1,
            price: amount,
            award: Some(won),
        },
        ProjectFacts {
            region_code: "360103".into(),
            service_item_id: 2,
            published_at: at("2026-02-01 00:00"),
            rounds: 1,
            failed_rounds: 1,
            price: amount,
            award: None,
        },
    ];
    let activity = vec![
        Activity {
            agency_id: 7,
            at: at("2026-01-05 00:00"),
            region_code: "360102".into(),
            service_item_id: 1,
        },
        Activity {
            agency_id: 8,
            at: at("2026-01-05 00:00"),
            region_code: "360102".into(),
            service_item_id: 1,
        },
        Activity {
            agency_id: 8,
            at: at("2026-02-05 00:00"),
            region_code: "360103".into(),
            service_item_id: 2,
        },
    ];
    let (rows, total) = compute(&projects, &activity, Group::Month, false);
    assert_eq!(rows.len(), 2);
    let jan = &rows[0];
    assert_eq!(jan.key, "2026-01");
    assert_eq!(jan.failure_rate_bp, Some(5_000));
    assert_eq!(jan.awarded_fen, 90_000);
    assert_eq!(jan.savings_fen, 10_000);
    assert_eq!(jan.savings_rate_bp, Some(1_000));
    assert_eq!(jan.avg_days_to_award_tenths, Some(100));
    assert_eq!(jan.avg_days_to_acceptance_tenths, Some(205));
    assert_eq!(jan.agencies_active, 2);
    assert_eq!(jan.hhi, Some(10_000));
    // (20 + 17) / 8 = 4.625 → 4.63
    assert_eq!(jan.avg_evaluation_hundredths, Some(463));
    assert_eq!(rows[1].key, "2026-02");
    assert_eq!(rows[1].failure_rate_bp, Some(10_000));
    assert_eq!(rows[1].awarded_fen, 0);
    assert_eq!(total.projects_published, 2);
    assert_eq!(total.failure_rate_bp, Some(6_667));
    assert_eq!(total.agencies_active, 2);
    let (by_region, _) = compute(&projects, &activity, Group::Region, false);
    assert_eq!(by_region.len(), 1);
    assert_eq!(by_region[0].key, "360100");
    let (by_item, _) = compute(&projects, &activity, Group::ServiceItem, false);
    assert_eq!(
        by_item.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );
}
