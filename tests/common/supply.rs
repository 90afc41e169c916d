//! Helpers for the supply side: agencies that apply and are admitted,
//! qualifications, offerings — named after what people do.

use super::{TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The JSON for a complete agency registration.
pub fn agency_form(name: &str, uscc: &str) -> Value {
    json!({
        "name": name,
        "uscc": uscc,
        "legal_representative": "张建国",
        "region_code": "360102",
        "address": "南昌市东湖区八一大道 100 号",
        "contact_name": "李敏",
        "contact_phone": "0791-8666 1234",
        "contact_email": "office@ganjiang.example.cn",
        "business_scope": "测绘服务；地理信息系统工程；工程测量",
    })
}

/// Synthetic, check-digit-correct codes for tests (南昌市东湖区).
pub fn test_uscc(n: u32) -> String {
    let first17 = format!("91360102MA35{:05}", n);
    let check = zhongjie::accounts::uscc::check_character(&first17).expect("valid characters");
    format!("{first17}{check}")
}

impl TestApp {
    pub async fn item_id(&self, code: &str) -> i64 {
        let list: Value = self
            .client()
            .get(self.url("/api/v1/service-items"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list["service_items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("item {code}"))["id"]
            .as_i64()
            .unwrap()
    }

    /// Runs one pass of the deadline watch at the app's clock.
    pub async fn run_watch(&self) -> zhongjie::agencies::watch::WatchReport {
        let db = self.db.clone();
        let now = zhongjie::clock::Clock::now(&self.clock);
        tokio::task::spawn_blocking(move || zhongjie::agencies::watch::run_once(&db, now))
            .await
            .unwrap()
            .unwrap()
    }

    /// An agency user registers, applies, and is admitted by `admin`; returns (user, agency id).
    pub async fn admitted_agency(
        &self,
        username: &str,
        n: u32,
        admin: &TestUser,
    ) -> (TestUser, i64) {
        let user = self.agency_user(username).await;
        let mut form = agency_form(&format!("江西测试{n}号测绘有限公司"), &test_uscc(n));
        form["commitment_accepted"] = json!(true);
        form["regions"] = json!(["360100"]);
        let created = user.post_json("/api/v1/agencies", form).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["agency"]["id"]
            .as_i64()
            .unwrap();
        assert_eq!(
            user.post_json(&format!("/api/v1/agencies/{id}/submit"), json!({}))
                .await
                .status(),
            StatusCode::OK
        );
        let approved = admin
            .post_json(
                &format!("/api/v1/agencies/{id}/review"),
                json!({ "action": "approve" }),
            )
            .await;
        assert_eq!(approved.status(), StatusCode::OK);
        (user, id)
    }

    /// The agency records a surveying certificate and the admin verifies it; returns its id.
    pub async fn verified_surveying(
        &self,
        agency: &TestUser,
        agency_id: i64,
        admin: &TestUser,
        valid_until: &str,
    ) -> i64 {
        let added = agency
            .post_json(
                &format!("/api/v1/agencies/{agency_id}/qualifications"),
                json!({
                    "qualification_type": "QT_SURVEYING",
                    "level": "乙级",
                    "certificate_no": format!("乙测资字{agency_id}0001"),
                    "issuer": "江西省自然资源厅",
                    "valid_from": "2021-04-16",
                    "valid_until": valid_until,
                }),
            )
            .await;
        assert_eq!(added.status(), StatusCode::CREATED);
        let id = added.json::<Value>().await.unwrap()["qualification"]["id"]
            .as_i64()
            .unwrap();
        let verified = admin
            .post_json(
                &format!("/api/v1/qualifications/{id}/review"),
                json!({ "action": "verify" }),
            )
            .await;
        assert_eq!(verified.status(), StatusCode::OK);
        id
    }
}

/// A complete offering for an item.
pub fn offering_form(item: i64, status: &str) -> Value {
    json!({
        "service_item_id": item,
        "title": "地形图测绘（1:500）",
        "description": "按《工程测量标准》开展 1:500 地形图测绘，提交成果图与技术报告。",
        "regions": ["360102", "360111"],
        "price_basis": "range",
        "price_min_fen": 800_000,
        "price_max_fen": 3_000_000,
        "promised_days": 7,
        "example_projects": ["南昌市某安置房项目地形测绘"],
        "status": status,
    })
}
