//! `Tagged` reads a discriminated union's value whole, finds its tag, and reads the member the
//! tag names from the whole value; here it is used as the generated code uses it.

use serde::{Deserialize, Serialize};

use crate::runtime::{Tagged, Untagged};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cat {
    pet_type: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dog {
    pet_type: String,
    barks: i64,
}

/// As generated for `oneOf: [Cat, Dog]` with `discriminator: {propertyName: petType,
/// mapping: {cat: Cat, kitty: Cat}}`: `Dog` has its implicit tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
enum Pet {
    Cat(Cat),
    Dog(Box<Dog>),
}

impl<'de> Deserialize<'de> for Pet {
    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        let tagged = Tagged::read(deserializer, "petType")?;
        match tagged.tag() {
            "cat" | "kitty" => tagged.into_member().map(Self::Cat),
            "Dog" => tagged.into_member().map(Self::Dog),
            _ => Err(tagged.unknown(&["cat", "kitty", "Dog"])),
        }
    }
}

fn read(json: &str) -> Result<Pet, String> {
    serde_json::from_str(json).map_err(|error| error.to_string())
}

#[test]
fn the_tag_picks_the_member_and_the_member_keeps_the_tag() {
    // `Cat` would read this value too (it has no required field `Dog` lacks): the tag decides.
    let dog = read(r#"{"petType":"Dog","barks":2}"#).expect("a dog");
    let expected = Pet::Dog(Box::new(Dog {
        pet_type: "Dog".to_owned(),
        barks: 2,
    }));
    assert_eq!(dog, expected);
    let kitty = read(r#"{"name":"Tom","petType":"kitty"}"#).expect("a cat");
    let expected = Pet::Cat(Cat {
        pet_type: "kitty".to_owned(),
        name: Some("Tom".to_owned()),
    });
    assert_eq!(kitty, expected);
    let written = serde_json::to_string(&kitty).expect("json");
    assert_eq!(written, r#"{"petType":"kitty","name":"Tom"}"#);
}

#[test]
fn a_missing_tag_names_the_property() {
    let error = read(r#"{"barks":2}"#).expect_err("no tag");
    assert_eq!(error, "missing property `petType`, which names the variant");
}

#[test]
fn a_tag_that_is_not_a_string_or_a_value_that_is_not_an_object_is_refused() {
    let error = read(r#"{"petType":3}"#).expect_err("a number tag");
    assert_eq!(
        error,
        "the `petType` property names the variant and must be a string, found a number"
    );
    let error = read(r#"["Dog"]"#).expect_err("an array");
    assert_eq!(
        error,
        "expected an object with a `petType` property naming its variant, found an array"
    );
}

#[test]
fn an_unknown_tag_is_named_with_the_tags_expected() {
    let error = read(r#"{"petType":"Lizard","barks":2}"#).expect_err("no such member");
    assert_eq!(
        error,
        "unknown `petType` value `Lizard`, expected one of `cat`, `kitty`, `Dog`"
    );
}

#[test]
fn a_member_that_does_not_read_says_which_tag_chose_it() {
    let error = read(r#"{"petType":"Dog"}"#).expect_err("a dog without barks");
    assert_eq!(error, "`petType` is `Dog`: missing field `barks`");
}

/// As generated for `anyOf: [Dog, integer, string]` without a discriminator.
#[derive(Debug, PartialEq)]
enum Loose {
    Dog(Box<Dog>),
    Count(i64),
    Text(String),
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Untagged::read(deserializer)?;
        if let Some(member) = value.member() {
            return Ok(Self::Dog(member));
        }
        if let Some(member) = value.member() {
            return Ok(Self::Count(member));
        }
        if let Some(member) = value.member() {
            return Ok(Self::Text(member));
        }
        Err(value.unmatched("Loose"))
    }
}

/// The same union as serde's `untagged` derive reads it.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Derived {
    Dog(Box<Dog>),
    Count(i64),
    Text(String),
}

#[test]
fn an_untagged_value_is_its_first_member_that_reads_it_as_serdes_derive_says() {
    let cases = [
        r#"{"petType": "dog", "barks": 2}"#,
        r#"{"petType": "dog"}"#,
        "7",
        "-7",
        "7.5",
        r#""seven""#,
        "null",
        "[1]",
        "true",
    ];
    for json in cases {
        let ours = serde_json::from_str::<Loose>(json).map_err(|error| error.to_string());
        let serdes = serde_json::from_str::<Derived>(json).map_err(|error| error.to_string());
        // serde names the union by its Rust name, as the generated code does.
        let ours = format!("{:?}", ours.map(|value| format!("{value:?}")));
        let serdes = format!("{:?}", serdes.map(|value| format!("{value:?}")));
        let serdes = serdes.replace("Derived", "Loose");
        assert_eq!(ours, serdes, "{json}");
    }
    assert_eq!(
        serde_json::from_str::<Loose>("7").expect("a count"),
        Loose::Count(7)
    );
    let error = serde_json::from_str::<Loose>("null").expect_err("no member reads null");
    assert!(
        error
            .to_string()
            .starts_with("data did not match any variant of untagged enum Loose"),
        "{error}"
    );
}
