//! The constraint walk: each kind of rule on its own, at its limit and one step past it, the
//! JSON pointer of a nested violation, the cap on how many are listed, and read-only properties.

use std::collections::BTreeMap;

use axum::body::to_bytes;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::runtime::pattern::Pattern;
use crate::runtime::validate::{Checked, Format, Limit, Rules, Walk, count_present};

/// The violations a value reported under `rules`, as the 400's JSON lists them.
async fn violations<T: Checked>(value: &T, rules: &Rules) -> Vec<Value> {
    let mut walk = Walk::new();
    walk.body(value, rules);
    let Err(rejection) = walk.finish() else {
        return Vec::new();
    };
    let response = rejection.into_response();
    assert_eq!(response.status(), 400);
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("JSON");
    body["violations"].as_array().cloned().expect("a list")
}

/// The `constraint limit` pairs of the violations.
async fn broken<T: Checked>(value: &T, rules: &Rules) -> Vec<String> {
    let list = violations(value, rules).await;
    list.iter()
        .map(|v| {
            format!(
                "{} {}",
                v["constraint"].as_str().unwrap_or(""),
                v["limit"].as_str().unwrap_or("")
            )
        })
        .collect()
}

static PATTERN: Pattern = Pattern::new(r"^-?\d{0,18}(?:\.\d{0,2})?$");

#[tokio::test]
async fn text_rules_at_their_limits_and_one_past() {
    let rules = Rules {
        min_length: Some(2),
        max_length: Some(4),
        ..Rules::NONE
    };
    assert!(broken(&"ab".to_owned(), &rules).await.is_empty());
    assert!(broken(&"abcd".to_owned(), &rules).await.is_empty());
    assert_eq!(broken(&"a".to_owned(), &rules).await, ["minLength 2"]);
    assert_eq!(broken(&"abcde".to_owned(), &rules).await, ["maxLength 4"]);
    // Characters, not bytes.
    assert!(broken(&"éééé".to_owned(), &rules).await.is_empty());
    assert_eq!(broken(&"é".to_owned(), &rules).await, ["minLength 2"]);
    assert_eq!(broken(&"ééééé".to_owned(), &rules).await, ["maxLength 4"]);
    let rules = Rules {
        pattern: Some(&PATTERN),
        ..Rules::NONE
    };
    assert!(broken(&"12.50".to_owned(), &rules).await.is_empty());
    assert_eq!(
        broken(&"12.501".to_owned(), &rules).await,
        [r"pattern ^-?\d{0,18}(?:\.\d{0,2})?$"]
    );
}

#[tokio::test]
async fn formats() {
    let cases = [
        (Format::Email, "a.b@example.com", "a@b@", "email"),
        (Format::Ipv4, "192.168.0.1", "192.168.0.256", "ipv4"),
        (Format::Ipv6, "::1", "::g", "ipv6"),
        (Format::Byte, "aGk=", "aGk", "byte"),
        (Format::Uri, "https://example.com/a", "not a uri", "uri"),
    ];
    for (format, good, bad, name) in cases {
        let rules = Rules {
            format: Some(format),
            ..Rules::NONE
        };
        assert!(broken(&good.to_owned(), &rules).await.is_empty(), "{good}");
        assert_eq!(
            broken(&bad.to_owned(), &rules).await,
            [format!("format {name}")]
        );
    }
}

#[tokio::test]
async fn numbers_bounds_exclusive_bounds_and_steps() {
    let rules = Rules {
        minimum: Some(Limit::Int(1)),
        maximum: Some(Limit::Int(12)),
        ..Rules::NONE
    };
    assert!(broken(&1_i64, &rules).await.is_empty());
    assert!(broken(&12_i64, &rules).await.is_empty());
    assert_eq!(broken(&0_i64, &rules).await, ["minimum 1"]);
    assert_eq!(broken(&13_i32, &rules).await, ["maximum 12"]);
    let rules = Rules {
        minimum: Some(Limit::Float(0.5)),
        exclusive_minimum: true,
        maximum: Some(Limit::Float(2.5)),
        exclusive_maximum: true,
        ..Rules::NONE
    };
    assert!(broken(&0.51, &rules).await.is_empty());
    assert_eq!(broken(&0.5, &rules).await, ["exclusiveMinimum 0.5"]);
    assert_eq!(broken(&2.5, &rules).await, ["exclusiveMaximum 2.5"]);
    let rules = Rules {
        multiple_of: Some(Limit::Int(5)),
        ..Rules::NONE
    };
    assert!(broken(&15_i64, &rules).await.is_empty());
    assert_eq!(broken(&16_i64, &rules).await, ["multipleOf 5"]);
    let rules = Rules {
        multiple_of: Some(Limit::Float(0.1)),
        ..Rules::NONE
    };
    assert!(broken(&0.3, &rules).await.is_empty());
    assert_eq!(broken(&0.35, &rules).await, ["multipleOf 0.1"]);
    // Integer bounds are exact at the ends of 64 bits.
    let rules = Rules {
        maximum: Some(Limit::Int(i64::MAX - 1)),
        ..Rules::NONE
    };
    assert_eq!(
        broken(&i64::MAX, &rules).await,
        [format!("maximum {}", i64::MAX - 1)]
    );
}

static ITEM: Rules = Rules {
    max_length: Some(1),
    ..Rules::NONE
};

#[tokio::test]
async fn items_counts_uniqueness_and_item_rules_with_pointers() {
    let rules = Rules {
        min_items: Some(1),
        max_items: Some(2),
        unique_items: true,
        items: Some(&ITEM),
        ..Rules::NONE
    };
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|item| item.to_string())
            .collect::<Vec<_>>()
    };
    assert!(broken(&list(&["a"]), &rules).await.is_empty());
    assert!(broken(&list(&["a", "b"]), &rules).await.is_empty());
    assert_eq!(broken(&list(&[]), &rules).await, ["minItems 1"]);
    assert_eq!(
        broken(&list(&["a", "b", "c"]), &rules).await,
        ["maxItems 2"]
    );
    assert_eq!(
        broken(&list(&["a", "a"]), &rules).await,
        ["uniqueItems true"]
    );
    let found = violations(&list(&["a", "bb"]), &rules).await;
    assert_eq!(
        found,
        [json!({"in": "body", "pointer": "/1", "constraint": "maxLength", "limit": "1"})]
    );
}

#[tokio::test]
async fn maps_count_properties_and_escape_keys_in_pointers() {
    let rules = Rules {
        min_properties: Some(1),
        max_properties: Some(1),
        items: Some(&ITEM),
        ..Rules::NONE
    };
    let mut map = BTreeMap::new();
    assert_eq!(broken(&map, &rules).await, ["minProperties 1"]);
    map.insert("a/b~".to_owned(), "xy".to_owned());
    let found = violations(&map, &rules).await;
    assert_eq!(found[0]["pointer"], "/a~1b~0");
    map.insert("c".to_owned(), "x".to_owned());
    assert_eq!(
        broken(&map, &rules).await,
        ["maxProperties 1", "maxLength 1"]
    );
    assert_eq!(count_present(&[true, false, true]), 2);
}

#[tokio::test]
async fn read_only_properties_are_refused_when_sent() {
    let rules = Rules {
        read_only: true,
        ..Rules::NONE
    };
    let mut walk = Walk::new();
    let absent: Option<String> = None;
    let sent = Some("x".to_owned());
    walk.field("id", &absent, &rules);
    assert!(walk.finish().is_ok());
    let mut walk = Walk::new();
    walk.body(&json!(null), &Rules::NONE);
    walk.field("id", &sent, &rules);
    assert!(walk.finish().is_err());
}

#[tokio::test]
async fn at_most_ten_violations_are_listed_and_the_first_is_named() {
    let rules = Rules {
        items: Some(&ITEM),
        ..Rules::NONE
    };
    let many: Vec<String> = (0..50).map(|_| "long".to_owned()).collect();
    let mut walk = Walk::new();
    walk.parameter("query", "tags", &many, &rules);
    let rejection = walk.finish().expect_err("refused").into_response();
    let bytes = to_bytes(rejection.into_body(), usize::MAX)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(body["violations"].as_array().map(Vec::len), Some(10));
    assert_eq!(body["in"], "query");
    assert_eq!(body["name"], "tags");
    assert_eq!(body["error"], "`tags` at `/0` breaks `maxLength 1`");
    assert_eq!(body["violations"][9]["pointer"], "/9");
}

#[tokio::test]
async fn json_values_and_text_typed_values() {
    let rules = Rules {
        max_items: Some(1),
        ..Rules::NONE
    };
    assert_eq!(broken(&json!([1, 2]), &rules).await, ["maxItems 1"]);
    let rules = Rules {
        maximum: Some(Limit::Int(3)),
        ..Rules::NONE
    };
    assert_eq!(broken(&json!(4), &rules).await, ["maximum 3"]);
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).expect("date");
    let rules = Rules {
        max_length: Some(9),
        ..Rules::NONE
    };
    assert_eq!(broken(&date, &rules).await, ["maxLength 9"]);
}
