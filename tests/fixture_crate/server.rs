//! The `client_styles` client against the `client_styles` server, generated from the same spec:
//! every style, body kind, reply shape and credential kind makes the round trip into the typed
//! request the implementation sees, and back into the typed result the caller gets.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use apis::client_styles::client::{Client, Error, GetItemError, GetItemParams, GetItemSuccess, ListPagesParams};
use apis::client_styles::models::{Item, Problem};
use apis::client_styles::server::{
    AddNoteReply, AddNoteRequest, Api, Body, Credentials, GetItemReply, GetItemRequest, ListPagesReply, ListPagesRequest,
    SubmitFormReply, SubmitFormRequest, UploadReply, UploadRequest, router,
};
use futures::StreamExt;

/// Records what each operation received, and answers `get_item` with the reply its `id` selects.
#[derive(Default, Clone)]
struct Recording {
    items: Arc<Mutex<Vec<(GetItemRequest, Credentials)>>>,
    forms: Arc<Mutex<Vec<(SubmitFormRequest, Credentials)>>>,
    uploads: Arc<Mutex<Vec<(UploadRequest, Credentials)>>>,
    notes: Arc<Mutex<Vec<AddNoteRequest>>>,
}

fn item(name: &str) -> Item {
    Item {
        name: name.to_owned(),
        count: Some(2),
    }
}

impl Api for Recording {
    async fn get_item(&self, request: GetItemRequest, credentials: Credentials) -> GetItemReply {
        let id = request.id;
        self.items.lock().expect("log").push((request, credentials));
        match id {
            1 => GetItemReply::Created("made".to_owned()),
            2 => GetItemReply::NoContent,
            3 => GetItemReply::NotFound(Body::from(Problem {
                title: Some("gone".to_owned()),
            })),
            4 => GetItemReply::ClientError { status: 418 },
            5 => GetItemReply::Default {
                status: 503,
                body: vec![0, 1],
            },
            _ => GetItemReply::Ok {
                body: item("pen").into(),
                e_tag: "v1".to_owned(),
                x_rate_remaining: Some(5),
            },
        }
    }

    async fn submit_form(&self, request: SubmitFormRequest, credentials: Credentials) -> SubmitFormReply {
        let summary = format!("{} x{}", request.body.name, request.body.count.unwrap_or(0));
        self.forms.lock().expect("log").push((request, credentials));
        SubmitFormReply::Ok(summary)
    }

    async fn upload(&self, request: UploadRequest, credentials: Credentials) -> UploadReply {
        self.uploads.lock().expect("log").push((request, credentials));
        UploadReply::NoContent
    }

    async fn add_note(&self, request: AddNoteRequest, _credentials: Credentials) -> AddNoteReply {
        let length = request.body.chars().count();
        self.notes.lock().expect("log").push(request);
        AddNoteReply::Created(serde_json::json!({ "length": length }))
    }

    async fn list_pages(&self, request: ListPagesRequest, _credentials: Credentials) -> ListPagesReply {
        let page = request.p.unwrap_or(1);
        let size = usize::try_from(request.per_page.unwrap_or(10)).unwrap_or(10);
        let remaining = if page == 1 { size } else { 1 };
        ListPagesReply::Ok((0..remaining).map(|index| item(&format!("{page}.{index}"))).collect::<Vec<_>>().into())
    }
}

async fn serve(recording: Recording) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router(recording)).await.expect("serve");
    });
    Client::new(&format!("http://{address}")).expect("client")
}

fn params() -> GetItemParams {
    GetItemParams {
        tags: Some(vec!["t1".to_owned(), "t 2".to_owned()]),
        spaced: Some(vec![1, 2]),
        piped: Some(vec!["p".to_owned(), "q".to_owned()]),
        filter: Some(BTreeMap::from([
            ("a".to_owned(), "1".to_owned()),
            ("b c".to_owned(), "2".to_owned()),
        ])),
        flag: Some(true),
        ratio: Some(0.5),
        x_trace: Some(vec!["u".to_owned(), "v".to_owned()]),
        session: Some("s 1".to_owned()),
    }
}

#[tokio::test]
async fn every_style_arrives_as_it_was_sent() {
    let recording = Recording::default();
    let client = serve(recording.clone())
        .await
        .with_api_key_query("q key")
        .with_api_key_cookie("c;key");
    let labels = vec!["a".to_owned(), "b c".to_owned()];
    let matrix = vec!["x".to_owned(), "y".to_owned()];
    let request_id = uuid::Uuid::parse_str("0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6").expect("UUID");
    let result = client.get_item(7, &labels, &matrix, request_id, &params()).await.expect("200");
    let GetItemSuccess::Ok(response) = result else {
        unreachable!("id 7 answers Ok, got {result:?}");
    };
    assert_eq!(response.body, item("pen"));
    assert_eq!(response.headers.e_tag, "v1");
    assert_eq!(response.headers.x_rate_remaining, Some(5));

    let (request, credentials) = recording.items.lock().expect("log")[0].clone();
    let sent = params();
    let expected = GetItemRequest {
        id: 7,
        labels,
        matrix,
        tags: sent.tags,
        spaced: sent.spaced,
        piped: sent.piped,
        filter: sent.filter,
        flag: sent.flag,
        ratio: sent.ratio,
        x_request_id: request_id,
        x_trace: sent.x_trace,
        session: sent.session,
    };
    assert_eq!(request, expected);
    assert_eq!(credentials.api_key_query.as_deref(), Some("q key"));
    assert_eq!(credentials.api_key_cookie.as_deref(), Some("c;key"));
    assert_eq!(credentials.basic_auth, None);
    let debug = format!("{credentials:?}");
    assert!(!debug.contains("q key") && debug.contains("<redacted>"), "{debug}");
}

#[tokio::test]
async fn every_reply_shape_arrives_as_its_variant() {
    let recording = Recording::default();
    let client = serve(recording.clone()).await.with_basic_auth("ann", "pa:ss");
    let (labels, matrix, params) = (vec!["l".to_owned()], vec!["m".to_owned()], GetItemParams::default());
    let request_id = uuid::Uuid::nil();
    let call = |id| client.get_item(id, &labels, &matrix, request_id, &params);

    assert!(matches!(call(1).await, Ok(GetItemSuccess::Created(r)) if r.body == "made"));
    assert!(matches!(call(2).await, Ok(GetItemSuccess::NoContent(r)) if r.status.as_u16() == 204));
    let missing = call(3).await;
    assert!(
        matches!(&missing, Err(Error::Documented { error: GetItemError::NotFound(r), .. }) if r.body.title.as_deref() == Some("gone")),
        "{missing:?}"
    );
    let teapot = call(4).await;
    assert!(
        matches!(&teapot, Err(Error::Documented { status, error: GetItemError::ClientError(_) }) if status.as_u16() == 418),
        "{teapot:?}"
    );
    let other = call(5).await;
    assert!(
        matches!(&other, Err(Error::Documented { error: GetItemError::Default(r), .. }) if r.status.as_u16() == 503 && r.body == [0, 1]),
        "{other:?}"
    );
    let log = recording.items.lock().expect("log").clone();
    assert_eq!(log.len(), 5);
    // `ann:pa:ss` in base64, as the server receives it.
    assert!(log.iter().all(|(_, credentials)| credentials.basic_auth.as_deref() == Some("YW5uOnBhOnNz")));
}

#[tokio::test]
async fn bodies_and_credentials_of_every_kind() {
    let recording = Recording::default();
    let client = serve(recording.clone())
        .await
        .with_digest_auth("Digest username=\"ann\"")
        .with_oidc("oidc-token");
    let form = Item {
        name: "a b&c".to_owned(),
        count: Some(3),
    };
    assert_eq!(client.submit_form(&form).await.expect("200").body, "a b&c x3");
    client.upload(Some(vec![0, 159, 255])).await.expect("204");
    client.upload(None).await.expect("204");
    let note = client.add_note("remember ✓").await.expect("201");
    assert_eq!(note.body, serde_json::json!({ "length": 10 }));

    let (form_request, form_credentials) = recording.forms.lock().expect("log")[0].clone();
    assert_eq!(form_request.body, form);
    assert_eq!(form_credentials.digest_auth.as_deref(), Some("username=\"ann\""));
    let uploads = recording.uploads.lock().expect("log").clone();
    assert_eq!(uploads[0].0.body, Some(vec![0, 159, 255]));
    assert_eq!(uploads[1].0.body, None);
    assert_eq!(uploads[0].1.oidc.as_deref(), Some("oidc-token"));
    assert_eq!(recording.notes.lock().expect("log")[0].body, "remember ✓");
}

#[tokio::test]
async fn a_stream_walks_the_servers_pages() {
    let client = serve(Recording::default()).await;
    let params = ListPagesParams {
        per_page: Some(3),
        ..ListPagesParams::default()
    };
    let names: Vec<String> = client
        .list_pages_stream(params)
        .map(|item| item.expect("an item").name)
        .collect()
        .await;
    assert_eq!(names, ["1.0", "1.1", "1.2", "2.0"]);
}
