//! JSON shaped like each documented response decodes into the generated models and encodes back
//! to the same JSON: nothing lost, nothing added (an absent `user` stays absent, `null` stays
//! `null`), unknown enum values kept, decimals still strings.

use apis::graalsystems::models::{Usage, UsageProductType};
use apis::waldur::models::{
    AllocationUserUsage, ComponentUserUsage, ComponentUserUsageField, ComponentUserUsageOrdering,
    SlurmAllocationUserUsage,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Decodes `wire` from its bytes as `T`, encodes it to bytes again, and asserts the JSON is
/// unchanged. Numbers compare by value: a JSON number held in an `f64` field (`usage`, declared
/// `type: number`) comes back as `3.0` for `3`, which is the same number to every JSON reader.
fn round_trip<T: DeserializeOwned + Serialize>(wire: Value) -> T {
    let bytes = serde_json::to_vec(&wire).expect("test JSON encodes");
    let decoded: T = serde_json::from_slice(&bytes).expect("documented JSON decodes");
    let encoded = serde_json::to_string(&decoded).expect("model encodes");
    let reparsed: Value = serde_json::from_str(&encoded).expect("model output is JSON");
    assert!(
        same_json(&reparsed, &wire),
        "round trip changed the JSON:\n  sent: {wire}\n  back: {encoded}"
    );
    decoded
}

fn same_json(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(l), Value::Number(r)) => l == r || l.as_f64() == r.as_f64(),
        (Value::Array(l), Value::Array(r)) => {
            l.len() == r.len() && l.iter().zip(r).all(|(l, r)| same_json(l, r))
        }
        (Value::Object(l), Value::Object(r)) => {
            l.len() == r.len()
                && l.iter()
                    .all(|(key, value)| r.get(key).is_some_and(|other| same_json(value, other)))
        }
        _ => left == right,
    }
}

#[test]
fn comparison_is_not_vacuous() {
    assert!(!same_json(&json!({"user": null}), &json!({})));
    assert!(!same_json(&json!({"a": "1"}), &json!({"a": 1})));
    assert!(!same_json(&json!([1, 2]), &json!([2, 1])));
    assert!(same_json(&json!({"usage": 3.0}), &json!({"usage": 3})));
}

#[test]
fn slurm_list_page_with_null_absent_and_present_user() {
    let page = json!([
        {
            "cpu_usage": 9223372036854775807i64, "ram_usage": 2048, "gpu_usage": 0,
            "month": 11, "year": 2025,
            "allocation": "https://waldur.example.com/api/slurm-allocations/1/",
            "user": "https://waldur.example.com/api/users/6b8c/",
            "username": "alice", "full_name": "Alice Example"
        },
        {
            "month": 12, "year": 2025,
            "allocation": "https://waldur.example.com/api/slurm-allocations/1/",
            "user": null,
            "username": "ghost", "full_name": ""
        },
        {
            "cpu_usage": -1, "month": 1, "year": 0,
            "allocation": "https://waldur.example.com/api/slurm-allocations/2/",
            "username": "bob", "full_name": "Bob"
        }
    ]);
    let rows: Vec<SlurmAllocationUserUsage> = round_trip(page);
    assert_eq!(rows[0].cpu_usage, Some(i64::MAX));
    assert_eq!(
        rows[0].user,
        Some(Some(
            "https://waldur.example.com/api/users/6b8c/".to_owned()
        ))
    );
    assert_eq!(rows[1].user, Some(None), "null is kept apart from absent");
    assert_eq!(rows[2].user, None, "absent stays absent");
    assert_eq!(rows[2].ram_usage, None);
}

#[test]
fn slurm_record_missing_a_required_field_is_an_error() {
    let wire = json!({"month": 1, "year": 2025, "username": "a", "full_name": "A"});
    let error = serde_json::from_value::<SlurmAllocationUserUsage>(wire)
        .expect_err("allocation is required");
    assert!(error.to_string().contains("allocation"), "{error}");
}

#[test]
fn openportal_decimal_stays_a_string_with_its_scale() {
    let wire = json!({
        "node_usage": "12.50", "month": 3, "year": 2026,
        "allocation": "https://waldur.example.com/api/openportal-allocations/7/",
        "user": null, "username": "carol", "full_name": "Carol"
    });
    let row: AllocationUserUsage = round_trip(wire);
    assert_eq!(
        row.node_usage.map(|d| d.to_string()),
        Some("12.50".to_owned())
    );
    let negative = json!({
        "node_usage": "-999999999999999999.99", "month": 3, "year": 2026,
        "allocation": "https://waldur.example.com/api/openportal-allocations/7/",
        "username": "dave", "full_name": "Dave"
    });
    let row: AllocationUserUsage = round_trip(negative);
    assert_eq!(row.user, None);
}

#[test]
fn marketplace_record_full_sparse_and_fractional() {
    let full = json!({
        "uuid": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "user": null,
        "username": "erin",
        "component_usage": "https://waldur.example.com/api/marketplace-component-usages/42/",
        "usage": 1.5,
        "measured_unit": "GB",
        "description": "storage",
        "created": "2025-11-01T10:30:00.123456Z",
        "modified": "2025-11-02T00:00:00Z",
        "backend_id": "b-1",
        "resource_name": "vm", "resource_uuid": "00000000-0000-0000-0000-000000000001",
        "offering_name": "cloud", "offering_uuid": "00000000-0000-0000-0000-000000000002",
        "project_name": "p", "project_uuid": "00000000-0000-0000-0000-000000000003",
        "customer_name": "c", "customer_uuid": "00000000-0000-0000-0000-000000000004",
        "component_type": "floating_ip",
        "date": "2025-11-01T00:00:00Z",
        "billing_period": "2025-11-01"
    });
    let row: ComponentUserUsage = round_trip(full);
    assert_eq!(
        row.usage,
        Some(1.5),
        "a fractional usage does not fail the page"
    );
    assert_eq!(row.user, Some(None));
    assert_eq!(
        row.billing_period.map(|d| d.to_string()),
        Some("2025-11-01".to_owned())
    );
    // With `field=uuid&field=usage` the server returns only those fields.
    let sparse: ComponentUserUsage =
        round_trip(json!({"uuid": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "usage": 3}));
    assert_eq!(sparse.user, None);
    assert_eq!(sparse.username, None);
}

#[test]
fn ordering_and_field_enums_keep_known_and_unknown_values() {
    let values: Vec<ComponentUserUsageOrdering> = round_trip(json!([
        "-usage",
        "usage",
        "-component_usage__billing_period",
        "-date"
    ]));
    assert_eq!(
        values,
        [
            ComponentUserUsageOrdering::UsageDesc,
            ComponentUserUsageOrdering::Usage,
            ComponentUserUsageOrdering::ComponentUsageBillingPeriodDesc,
            ComponentUserUsageOrdering::Other("-date".to_owned()),
        ]
    );
    assert_eq!(ComponentUserUsageOrdering::UsageDesc.as_str(), "-usage");
    assert_eq!(
        ComponentUserUsageOrdering::Other("x".into()).to_string(),
        "x"
    );
    let fields: Vec<ComponentUserUsageField> =
        round_trip(json!(["uuid", "usage", "billing_period"]));
    assert_eq!(fields[2], ComponentUserUsageField::BillingPeriod);
}

#[test]
fn graal_usage_keeps_unknown_product_type_dimensions_and_extra_keys() {
    let wire = json!({
        "product_type": "STORAGE",
        "quantity": 0.1,
        "product_reference": "ref-1",
        "created": "1970-01-01T00:00:00Z",
        "dimensions": {"key": "key_example", "region": "eu-west"},
        "tenant_note": {"nested": [1, 2]}
    });
    let usage: Usage = round_trip(wire);
    assert_eq!(
        usage.product_type,
        Some(UsageProductType::Other("STORAGE".to_owned()))
    );
    assert_eq!(
        usage.additional_properties.get("tenant_note"),
        Some(&json!({"nested": [1, 2]}))
    );
    let known: Usage = round_trip(json!({"product_type": "INSTANCE"}));
    assert_eq!(known.product_type, Some(UsageProductType::Instance));
    let empty: Usage = round_trip(json!({}));
    assert_eq!(empty, Usage::default());
}
