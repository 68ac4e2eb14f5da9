//! `templates/runtime/forms.rs` and `multipart.rs`: form fields into typed values, and multipart
//! bodies written by the client and read back by the server's parser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::runtime::Binary;
use crate::runtime::forms::{FormValue, MAX_DEPTH, multipart_fields};
use crate::runtime::multipart::multipart_body;

fn text(value: &str) -> FormValue {
    FormValue::Text(value.to_owned())
}

fn tree(fields: &[(&str, &str)]) -> Result<FormValue, String> {
    let fields = fields
        .iter()
        .map(|(key, value)| ((*key).to_owned(), text(value)));
    FormValue::from_fields(fields.collect())
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Order {
    id: i64,
    name: String,
    paid: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    notes: BTreeMap<String, String>,
    #[serde(default)]
    ratio: Option<f64>,
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Line {
    sku: String,
    count: u32,
}

#[test]
fn text_fields_read_as_the_types_the_target_asks_for() {
    let form = tree(&[
        ("id", "7"),
        ("name", "7"),
        ("paid", "true"),
        ("tags", "a"),
        ("lines[1][sku]", "y"),
        ("lines[0][sku]", "x"),
        ("lines[0][count]", "2"),
        ("lines[1][count]", "3"),
        ("notes[k]", "v"),
        ("ratio", "0.5"),
    ])
    .expect("a tree");
    let order: Order = serde_path_to_error::deserialize(form).expect("an order");
    assert_eq!(
        order,
        Order {
            id: 7,
            name: "7".to_owned(),
            paid: true,
            tags: vec!["a".to_owned()],
            lines: vec![
                Line {
                    sku: "x".to_owned(),
                    count: 2
                },
                Line {
                    sku: "y".to_owned(),
                    count: 3
                },
            ],
            notes: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
            ratio: Some(0.5),
        }
    );
}

#[test]
fn repeated_keys_and_empty_brackets_are_lists() {
    let form = tree(&[
        ("id", "1"),
        ("name", "n"),
        ("paid", "false"),
        ("tags[]", "a"),
        ("tags[]", "b"),
    ])
    .expect("a tree");
    let order: Order = serde_path_to_error::deserialize(form).expect("an order");
    assert_eq!(order.tags, ["a", "b"]);
}

#[test]
fn a_wrong_value_is_named_by_its_path() {
    let form = tree(&[("id", "1"), ("name", "n"), ("paid", "yes")]).expect("a tree");
    let error = serde_path_to_error::deserialize::<_, Order>(form).expect_err("not a bool");
    assert_eq!(error.path().to_string(), "paid");
    let form = tree(&[
        ("id", "1"),
        ("name", "n"),
        ("paid", "true"),
        ("lines[0][count]", "-1"),
        ("lines[0][sku]", "s"),
    ])
    .expect("a tree");
    let error = serde_path_to_error::deserialize::<_, Order>(form).expect_err("not a u32");
    assert_eq!(error.path().to_string(), "lines[0].count");
}

#[test]
fn hostile_keys_are_refused_not_followed() {
    let deep = format!("a{}", "[b]".repeat(MAX_DEPTH));
    assert!(
        tree(&[(&deep, "x")])
            .expect_err("too deep")
            .contains("nests deeper")
    );
    let conflict = tree(&[("a", "x"), ("a[b]", "y")]).expect_err("both");
    assert!(
        conflict.contains("both a value and an object"),
        "{conflict}"
    );
    // Brackets that do not close are part of the name.
    let odd = tree(&[("a[b", "x"), ("]c[", "y")]).expect("a tree");
    let FormValue::Map(fields) = odd else {
        panic!("a map")
    };
    assert_eq!(fields.keys().collect::<Vec<_>>(), ["]c[", "a[b"]);
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Upload {
    file: Binary,
    title: String,
    size: i64,
    labels: Vec<String>,
    meta: Line,
    attachments: Vec<Binary>,
    missing: Option<String>,
}

fn upload() -> Upload {
    Upload {
        file: Binary(vec![0, 255, b'-', b'-', b'\r', b'\n']),
        title: "quote \" and\r\nnewline".to_owned(),
        size: -3,
        labels: vec!["x".to_owned(), "y".to_owned()],
        meta: Line {
            sku: "s".to_owned(),
            count: 1,
        },
        attachments: vec![Binary::from("text file"), Binary(vec![9])],
        missing: None,
    }
}

#[test]
fn a_multipart_body_reads_back_as_it_was_written() {
    let (content_type, body) = multipart_body("multipart/form-data", &upload()).expect("encoded");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a boundary parameter");
    assert!(!boundary.is_empty());
    let fields = multipart_fields(&content_type, &body).expect("parsed by multer");
    let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "file",
            "title",
            "size",
            "labels",
            "labels",
            "meta",
            "attachments",
            "attachments"
        ]
    );
    assert_eq!(
        fields[0].1,
        FormValue::Bytes(vec![0, 255, b'-', b'-', b'\r', b'\n'])
    );
    assert_eq!(
        fields[5].1,
        FormValue::Json(serde_json::json!({"sku": "s", "count": 1}))
    );
    // A file part whose bytes are text is still a file.
    assert_eq!(fields[6].1, FormValue::Bytes(b"text file".to_vec()));
    let form = FormValue::from_fields(fields).expect("a tree");
    let read: Upload = serde_path_to_error::deserialize(form).expect("an upload");
    assert_eq!(read, upload());
}

#[test]
fn the_boundary_is_never_inside_a_part() {
    let (content_type, _) = multipart_body("multipart/form-data", &upload()).expect("encoded");
    let first = content_type
        .rsplit('=')
        .next()
        .expect("boundary")
        .to_owned();
    let mut sneaky = upload();
    sneaky.file = Binary(format!("--{first}--\r\n").into_bytes());
    let (content_type, body) = multipart_body("multipart/form-data", &sneaky).expect("encoded");
    assert!(!content_type.ends_with(&first), "the boundary changed");
    let fields = multipart_fields(&content_type, &body).expect("parsed");
    assert_eq!(
        fields[0].1,
        FormValue::Bytes(format!("--{first}--\r\n").into_bytes())
    );
}

#[test]
fn only_objects_become_multipart_bodies() {
    let error = multipart_body("multipart/form-data", &vec![1, 2]).expect_err("a list");
    assert!(error.contains("must be an object"), "{error}");
}

#[test]
fn binary_is_text_in_json_where_it_can_be() {
    assert_eq!(
        serde_json::to_string(&Binary::from("hi")).expect("json"),
        r#""hi""#
    );
    assert_eq!(
        serde_json::to_string(&Binary(vec![0, 255])).expect("json"),
        "[0,255]"
    );
    let back: Binary = serde_json::from_str("[0,255]").expect("bytes");
    assert_eq!(back, Binary(vec![0, 255]));
    let back: Binary = serde_json::from_str(r#""hi""#).expect("text");
    assert_eq!(back.as_bytes(), b"hi");
    assert_eq!(format!("{:?}", Binary(vec![1; 3])), "Binary(3 bytes)");
}
