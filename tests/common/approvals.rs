//! The approval system as a machine client: a token with scopes, made as
//! `zhongjie client create` makes it, and the calls it sends.

use super::TestApp;
use reqwest::{Client, Response};
use serde_json::{json, Value};

/// The investment code the project fixtures carry.
pub const CODE: &str = "2103-360102-04-01-123456";

pub struct Machine {
    pub client: Client,
    pub token: String,
    pub base: String,
}

impl TestApp {
    /// A machine client with these scopes, e.g. `["approvals:read", "approvals:write"]`.
    pub async fn machine(&self, name: &str, scopes: &[&str]) -> Machine {
        let db = self.db.clone();
        let now = zhongjie::clock::Clock::now(&self.clock);
        let scopes = zhongjie::approvals::clients::parse_scopes(
            &scopes.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .expect("known scopes");
        let name = name.to_owned();
        let (_, token) = tokio::task::spawn_blocking(move || {
            zhongjie::approvals::clients::create(&db, now, &name, &scopes)
        })
        .await
        .expect("join")
        .expect("client created");
        Machine {
            client: Client::new(),
            token,
            base: self.url(""),
        }
    }
}

impl Machine {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.client
            .patch(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }
}

/// The investment project of the fixtures: 规划 waits for 地形图测绘, 环评 for its report.
pub fn investment_project() -> Value {
    json!({
        "name": "赣江新区某安置房项目",
        "owner_name": "南昌某建设有限公司",
        "owner_uscc": "91360102MA35ABCD40",
        "region_code": "360102",
        "scale": "总投资 1.2 亿元，用地约 35 亩",
        "approval_items": [
            { "code": "SP13", "services": ["ZJ027"] },
            { "code": "SP05", "services": ["ZJ005"] },
        ],
    })
}
