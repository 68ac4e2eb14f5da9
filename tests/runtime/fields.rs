//! `present` and `nullable` tell an absent property from `null`.

use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
struct Fields {
    #[serde(default, deserialize_with = "crate::runtime::present")]
    present: Option<i64>,
    #[serde(default, deserialize_with = "crate::runtime::nullable")]
    nullable: Option<Option<i64>>,
}

fn read(json: &str) -> Result<Fields, String> {
    serde_json::from_str(json).map_err(|error| error.to_string())
}

#[test]
fn absent_properties_are_none() {
    let fields = read("{}").expect("absent properties are accepted");
    let expected = Fields {
        present: None,
        nullable: None,
    };
    assert_eq!(fields, expected);
}

#[test]
fn values_are_some() {
    let fields = read(r#"{"present": 1, "nullable": 2}"#).expect("values are accepted");
    let expected = Fields {
        present: Some(1),
        nullable: Some(Some(2)),
    };
    assert_eq!(fields, expected);
}

#[test]
fn null_is_kept_apart_from_absent_where_allowed_and_refused_where_not() {
    let fields = read(r#"{"nullable": null}"#).expect("null is accepted by nullable");
    assert_eq!(fields.nullable, Some(None));
    let error = read(r#"{"present": null}"#).expect_err("null is refused by present");
    assert!(
        error.starts_with("invalid type: null, expected i64"),
        "{error}"
    );
}
