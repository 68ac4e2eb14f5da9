//! The `unions` fixture: `oneOf`/`anyOf` read as the first member that fits, written back as
//! they came, and a server that refuses an unknown enum value inside a union member.

use apis::unions::client::{Client, Error};
use apis::unions::models::{Cat, Dog, Expr, IdOrName, Mood, Pet, Shape, Sum};
use apis::unions::server::{AdoptReply, AdoptRequest, Api, router};

#[test]
fn each_value_reads_as_the_first_member_that_fits() {
    let cat: Pet = serde_json::from_str(r#"{"meows":true,"mood":"calm"}"#).expect("a cat");
    assert_eq!(
        cat,
        Pet::Cat(Cat {
            meows: true,
            mood: Some(Mood::Calm)
        })
    );
    let dog: Pet = serde_json::from_str(r#"{"barks":3}"#).expect("a dog");
    assert_eq!(dog, Pet::Dog(Dog { barks: 3 }));
    assert!(serde_json::from_str::<Pet>(r#"{"purrs":1}"#).is_err(), "neither member");

    let ids: Vec<IdOrName> = serde_json::from_str(r#"[7,"rex"]"#).expect("ids");
    assert_eq!(ids, [IdOrName::Integer(7), IdOrName::String("rex".to_owned())]);
    assert_eq!(serde_json::to_string(&ids).expect("json"), r#"[7,"rex"]"#);

    let circle: Shape = serde_json::from_str(r#"{"radius":1.5}"#).expect("a circle");
    assert!(matches!(circle, Shape::Option1(ref shape) if shape.radius == 1.5));
    let rectangle: Shape = serde_json::from_str(r#"{"width":2,"height":3}"#).expect("a rectangle");
    assert!(matches!(rectangle, Shape::Option2(_)));
}

#[test]
fn a_union_that_lists_itself_reads_without_looping() {
    let text = r#"{"terms":[1,{"terms":[2,3]}]}"#;
    let expr: Expr = serde_json::from_str(text).expect("an expression");
    let Expr::Sum(Sum { terms }) = &expr else {
        panic!("a sum: {expr:?}");
    };
    assert_eq!(terms.first(), Some(&Expr::Integer(1)));
    assert_eq!(serde_json::to_string(&expr).expect("json"), text);
    // No member fits a string: an error, where trying `Expr` inside `Expr` would never end.
    assert!(serde_json::from_str::<Expr>(r#""x""#).is_err());
}

struct Shelter;

impl Api for Shelter {
    async fn adopt(&self, request: AdoptRequest) -> AdoptReply {
        let name = match request.body {
            Pet::Cat(_) => IdOrName::String("cat".to_owned()),
            Pet::Dog(dog) => IdOrName::Integer(dog.barks),
        };
        AdoptReply::Ok(vec![IdOrName::Integer(1), name].into())
    }
}

#[tokio::test]
async fn unions_cross_the_wire_and_unknown_values_inside_them_are_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router(Shelter)).await.expect("serve");
    });
    let client = Client::new(&format!("http://{address}")).expect("client");

    let dog = client.adopt(&Pet::Dog(Dog { barks: 4 })).await.expect("adopted");
    assert_eq!(dog.body, [IdOrName::Integer(1), IdOrName::Integer(4)]);

    let sleepy = Pet::Cat(Cat {
        meows: true,
        mood: Some(Mood::Other("sleepy".to_owned())),
    });
    let error = client.adopt(&sleepy).await.expect_err("an unknown mood");
    let Error::UnexpectedStatus(response) = error else {
        panic!("a 400 the spec does not document: {error:?}");
    };
    assert_eq!(response.status.as_u16(), 400);
    let reason: serde_json::Value = serde_json::from_slice(&response.body).expect("JSON");
    assert_eq!(reason["in"], "body", "{reason}");
    assert_eq!(reason["name"], "mood", "{reason}");
}
