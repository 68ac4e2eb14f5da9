//! The `discriminator` fixture: a union with a `discriminator` reads the member its tag names,
//! even where the value's shape would fit an earlier member, writes the tag exactly once (the
//! member's own property), and refuses a missing or unknown tag with an error naming it.

use apis::discriminator::client::{Client, Error};
use apis::discriminator::models::{
    Cat, Circle, Dog, Impostor, Lizard, Owner, OwnerFavourite, Pet, Shape, ShapeOption2, Snake,
};
use apis::discriminator::server::{AddPetReply, AddPetRequest, Api, router};

fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|error| error.to_string())
}

fn rex() -> Pet {
    Pet::Dog(Dog {
        pet_type: "hound".to_owned(),
        name: Some("Rex".to_owned()),
        good_boy: None,
    })
}

#[test]
fn the_tag_picks_the_member_where_the_shape_fits_an_earlier_one() {
    // `Cat` (the first member) requires `petType` and `name`, so this value fits it: read by
    // shape, it would be a cat.
    let text = r#"{"petType":"hound","name":"Rex"}"#;
    assert!(read::<Cat>(text).is_ok(), "the value fits `Cat` too");
    assert_eq!(read::<Pet>(text), Ok(rex()));

    // Both tag values the mapping gives `Cat` select it, and the member keeps the one it came with.
    for tag in ["cat", "kitty"] {
        let text = format!(r#"{{"petType":"{tag}","name":"Tom"}}"#);
        let expected = Pet::Cat(Cat {
            pet_type: tag.to_owned(),
            name: "Tom".to_owned(),
            indoor: None,
        });
        assert_eq!(read::<Pet>(&text), Ok(expected));
    }

    // `Lizard` is not in the mapping: its schema name is its tag. It is large, so boxed.
    let lizard = read::<Pet>(r#"{"petType":"Lizard","colour":"green"}"#).expect("a lizard");
    let Pet::Lizard(lizard) = lizard else {
        panic!("a lizard: {lizard:?}");
    };
    let expected = Lizard {
        pet_type: "Lizard".to_owned(),
        colour: Some("green".to_owned()),
        ..read::<Lizard>(r#"{"petType":"Lizard"}"#).expect("a bare lizard")
    };
    assert_eq!(*lizard, expected);

    // `Snake` is named by the mapping without being a member: its tag reads it all the same.
    let snake = read::<Pet>(r#"{"petType":"snake","venomous":true}"#);
    let expected = Pet::Snake(Snake {
        pet_type: "snake".to_owned(),
        cold_blooded: None,
        venomous: Some(true),
    });
    assert_eq!(snake, Ok(expected));
}

#[test]
fn the_tag_is_written_once_by_the_member() {
    let text = serde_json::to_string(&rex()).expect("json");
    assert_eq!(text, r#"{"petType":"hound","name":"Rex"}"#);
    assert_eq!(text.matches("petType").count(), 1, "{text}");
    let back: Pet = serde_json::from_str(&text).expect("read back");
    assert_eq!(back, rex());
}

#[test]
fn an_unknown_tag_is_named_and_a_missing_one_names_the_property() {
    let error = read::<Pet>(r#"{"petType":"Parrot","name":"Polly"}"#).expect_err("no parrots");
    assert!(error.contains("`Parrot`"), "{error}");
    assert!(
        error.contains("`cat`, `kitty`, `hound`, `Lizard`, `snake`"),
        "{error}"
    );

    // The value fits `Cat` but for the tag: without it, nothing is guessed.
    let error = read::<Pet>(r#"{"name":"Tom"}"#).expect_err("no tag");
    assert!(error.contains("`petType`"), "{error}");

    // A member's own errors say which tag chose it.
    let error = read::<Pet>(r#"{"petType":"cat"}"#).expect_err("a cat without a name");
    assert!(error.contains("`petType` is `cat`"), "{error}");
    assert!(error.contains("missing field `name`"), "{error}");
}

#[test]
fn a_union_nested_in_a_property_is_read_by_its_tag_too() {
    // `favourite` has no mapping: the members' schema names are the tags.
    let text = concat!(
        r#"{"pet":{"petType":"hound","name":"Rex"},"#,
        r#""others":[{"petType":"kitty","name":"Tom"}],"#,
        r#""favourite":{"petType":"Dog","name":"Rex"}}"#
    );
    let owner = read::<Owner>(text).expect("an owner");
    assert_eq!(owner.pet, rex());
    assert!(matches!(owner.others.as_deref(), Some([Pet::Cat(_)])));
    let favourite = OwnerFavourite::Dog(Dog {
        pet_type: "Dog".to_owned(),
        name: Some("Rex".to_owned()),
        good_boy: None,
    });
    assert_eq!(owner.favourite, Some(favourite));
    assert_eq!(serde_json::to_string(&owner).expect("json"), text);

    let error = read::<Owner>(r#"{"pet":{"petType":"hound"},"favourite":{"petType":"hound"}}"#)
        .expect_err("`hound` is `Pet`'s tag, not `favourite`'s");
    assert!(error.contains("`hound`"), "{error}");
}

#[test]
fn a_mapping_entry_wins_over_a_schema_name() {
    let text = r#"{"petType":"Dog","name":"Tom"}"#;
    let expected = Impostor::Cat(Cat {
        pet_type: "Dog".to_owned(),
        name: "Tom".to_owned(),
        indoor: None,
    });
    assert_eq!(read::<Impostor>(text), Ok(expected));
}

#[test]
fn a_union_with_a_member_written_inline_is_still_read_by_shape() {
    let circle = read::<Shape>(r#"{"kind":"square","radius":1.0}"#).expect("a circle");
    let expected = Shape::Circle(Circle {
        kind: "square".to_owned(),
        radius: 1.0,
    });
    assert_eq!(circle, expected);
    let square = read::<Shape>(r#"{"kind":"square","side":2.0}"#).expect("a square");
    let expected = Shape::Option2(ShapeOption2 {
        kind: "square".to_owned(),
        side: 2.0,
    });
    assert_eq!(square, expected);
}

struct Shop;

impl Api for Shop {
    async fn add_pet(&self, request: AddPetRequest) -> AddPetReply {
        AddPetReply::Ok(request.body.into())
    }
}

#[tokio::test]
async fn tagged_unions_cross_the_wire_and_unknown_tags_are_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router(Shop)).await.expect("serve");
    });
    let client = Client::new(&format!("http://{address}")).expect("client");

    let stored = client.add_pet(&rex()).await.expect("stored");
    assert_eq!(stored.body, rex());

    let parrot = Pet::Cat(Cat {
        pet_type: "Parrot".to_owned(),
        name: "Polly".to_owned(),
        indoor: None,
    });
    let error = client.add_pet(&parrot).await.expect_err("an unknown tag");
    let Error::UnexpectedStatus(response) = error else {
        panic!("a 400 the spec does not document: {error:?}");
    };
    assert_eq!(response.status.as_u16(), 400);
    let reason = String::from_utf8_lossy(&response.body);
    assert!(reason.contains("Parrot"), "{reason}");
}
