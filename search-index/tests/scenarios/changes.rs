//! Applying the server's change log: upserts, deletes, and resuming after a
//! restart.

use search_index::{Change, OfferingDoc, SearchError, SearchIndex};

use crate::fixtures::*;

#[test]
fn a_withdrawn_offering_is_no_longer_found() {
    let market = Market::with_catalogue();

    market.withdraw(EIA_NANCHANG);

    assert_eq!(market.search("环评").ids(), [EIA_GANZHOU]);
    assert_eq!(market.index.num_offerings(), catalogue().len() as u64 - 1);
}

#[test]
fn an_edited_offering_replaces_the_old_one() {
    let market = Market::with_catalogue();

    market.publish(OfferingDoc {
        title: "海绵城市专项评估".into(),
        description: "海绵城市建设效果评估。".into(),
        ..eia_nanchang()
    });

    let found = market.search("海绵城市");
    assert_eq!(found.ids(), [EIA_NANCHANG]);
    assert_eq!(found.hits[0].title_html, "<mark>海绵城市</mark>专项评估");
    // 工业 was only in the old description.
    assert!(market.search("工业").hits.is_empty());
    assert_eq!(market.index.num_offerings(), catalogue().len() as u64);
}

#[test]
fn deleting_an_agency_leaves_offerings_of_the_same_id_alone() {
    let market = Market::with_catalogue();
    market.register(survey_agency());

    market.apply(vec![
        Change::DeleteAgency(SURVEY_AGENCY),
        Change::DeleteOffering(SURVEY_AGENCY),
    ]);

    assert!(market.agencies("赣测").hits.is_empty());
    assert_eq!(market.search("赣测").ids(), [SURVEY_DONGHU]);
}

#[test]
fn a_batch_is_seen_whole_with_its_change_log_number() {
    let index = SearchIndex::in_ram().expect("index");
    assert_eq!(index.last_applied(), None);

    let batch = vec![
        Change::UpsertOffering(eia_nanchang()),
        Change::UpsertOffering(eia_ganzhou()),
        Change::DeleteOffering(EIA_GANZHOU),
    ];
    index.apply(batch, 41).expect("applied");

    assert_eq!(index.last_applied(), Some(41));
    assert_eq!(index.num_offerings(), 1);
    // A batch with nothing in it still moves the number on.
    index.apply(Vec::new(), 42).expect("applied");
    assert_eq!(index.last_applied(), Some(42));
}

#[test]
fn after_a_restart_the_index_resumes_after_its_last_commit() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = SearchIndex::open_or_create(dir.path()).expect("new index");
        assert_eq!(index.last_applied(), None);
        index
            .apply(vec![Change::UpsertOffering(eia_nanchang())], 7)
            .expect("applied");
        index
            .apply(vec![Change::UpsertOffering(soil_water_plan())], 8)
            .expect("applied");
    }

    let reopened = Market::on(SearchIndex::open_or_create(dir.path()).expect("reopened"));

    assert_eq!(reopened.index.last_applied(), Some(8));
    assert_eq!(reopened.search("水保").ids(), [SOIL_WATER_PROVINCE]);
    assert_eq!(reopened.index.num_offerings(), 2);
}

/// Set in the child process of the test below, to the index directory.
const DIE_AFTER_COMMIT_IN: &str = "SEARCH_INDEX_DIE_AFTER_COMMIT_IN";

#[test]
fn a_process_killed_outright_leaves_the_index_at_its_last_commit() {
    if let Some(dir) = std::env::var_os(DIE_AFTER_COMMIT_IN) {
        // The child: commit, then die without unlocking or flushing
        // anything, as under kill -9.
        let index = SearchIndex::open_or_create(dir.as_ref()).expect("index");
        index
            .apply(vec![Change::UpsertOffering(eia_nanchang())], 5)
            .expect("applied");
        std::process::abort();
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let test = "changes::a_process_killed_outright_leaves_the_index_at_its_last_commit";
    let child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", test, "--test-threads=1"])
        .env(DIE_AFTER_COMMIT_IN, dir.path())
        .output()
        .expect("child ran");
    assert!(!child.status.success(), "the child was meant to die");

    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopened after the kill");

    assert_eq!(reopened.last_applied(), Some(5));
    assert_eq!(reopened.num_offerings(), 1);
    reopened
        .apply(vec![Change::DeleteOffering(EIA_NANCHANG)], 6)
        .expect("writable again");
}

#[test]
fn an_index_of_another_schema_is_refused_so_the_server_rebuilds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut other = tantivy::schema::Schema::builder();
    other.add_text_field("body", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(dir.path(), other.build()).expect("other index");

    let opened = SearchIndex::open_or_create(dir.path());

    assert!(matches!(opened, Err(SearchError::SchemaChanged)));
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();

    let market = Market::with_catalogue();
    let index = std::sync::Arc::new(market.index);
    let searches: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || {
                let query = search_index::OfferingQuery {
                    text: "环评".into(),
                    ..Default::default()
                };
                index.search_offerings(&query).map(|found| found.total)
            })
        })
        .collect();
    index
        .apply(vec![Change::DeleteOffering(EIA_GANZHOU)], 100)
        .expect("applied");
    for search in searches {
        let total = search.join().expect("no panic").expect("search");
        assert!(total == 1 || total == 2);
    }
}
