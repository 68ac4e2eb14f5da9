//! The `form_bodies` client and server: URL-encoded and multipart bodies and parameters sent as
//! JSON, byte for byte against the recording server, in a round trip through the generated
//! server, and against multipart bodies written by reqwest, an encoder this project did not write.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use apis::Binary;
use apis::form_bodies::client::{Client, SearchParams};
use apis::form_bodies::models::{
    Charge, ChargeForm, ChargeFormItemsItem, Profile, ChargeFormShipping, ChargeFormShippingAddress,
    FileContent, Filter, SearchXContext, StoredFile, UploadFileBody, UploadFileBodyMeta,
    UploadFileBodyPurpose,
};
use apis::form_bodies::server::{
    Api, Body, CreateChargeReply, CreateChargeRequest, CreateProfileReply, CreateProfileRequest, FileContentReply, FileContentRequest, SearchReply,
    SearchRequest, UploadFileReply, UploadFileRequest, router,
};

use crate::recorder::{Recorder, Reply};

fn charge_form() -> ChargeForm {
    ChargeForm {
        amount: 2000,
        currency: "eur".to_owned(),
        description: Some("a&b=c d".to_owned()),
        capture: Some(false),
        expand: Some(vec!["customer".to_owned(), "invoice".to_owned()]),
        metadata: Some(BTreeMap::from([("order id".to_owned(), "6735".to_owned())])),
        shipping: Some(ChargeFormShipping {
            name: Some("Ann".to_owned()),
            address: Some(ChargeFormShippingAddress {
                line1: Some("1 Main St".to_owned()),
                city: None,
            }),
        }),
        items: Some(vec![
            ChargeFormItemsItem {
                price: Some("p_1".to_owned()),
                quantity: Some(2),
            },
            ChargeFormItemsItem {
                price: Some("p_2".to_owned()),
                quantity: None,
            },
        ]),
    }
}

fn upload() -> UploadFileBody {
    UploadFileBody {
        file: Binary(vec![0, 159, 255, b'\r', b'\n', b'-', b'-']),
        purpose: UploadFileBodyPurpose::FineTune,
        labels: Some(vec!["a".to_owned(), "b \"c\"".to_owned()]),
        retries: Some(3),
        meta: Some(UploadFileBodyMeta {
            source: Some("cli".to_owned()),
            size: Some(7),
        }),
        attachments: Some(vec![Binary::from("first"), Binary::from(&[1_u8, 2][..])]),
    }
}

#[tokio::test]
async fn a_form_body_is_url_encoded_with_lists_repeated_and_nesting_in_brackets() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", r#"{"id":"ch_1","amount":2000}"#)).await;
    let client = Client::new(&recorder.base_url).expect("client");
    client.create_charge(&charge_form()).await.expect("200");
    let request = recorder.only_request();
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "amount=2000&currency=eur&description=a%26b%3Dc%20d&capture=false&expand=customer\
         &expand=invoice&metadata[order%20id]=6735&shipping[name]=Ann\
         &shipping[address][line1]=1%20Main%20St&items[0][price]=p_1&items[0][quantity]=2\
         &items[1][price]=p_2"
    );
}

#[tokio::test]
async fn parameters_with_content_travel_as_json_text() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", "[]")).await;
    let client = Client::new(&recorder.base_url).expect("client");
    let context = SearchXContext {
        tenant: Some("t\"1".to_owned()),
        depth: Some(2),
    };
    let params = SearchParams {
        filter: Some(Filter {
            status: Some("open & new".to_owned()),
            min: Some(5),
        }),
        q: Some("{not json}".to_owned()),
    };
    client.search(&context, &params).await.expect("200");
    client.search(&context, &SearchParams::default()).await.expect("200");
    let requests = recorder.requests();
    assert_eq!(
        requests[0].query(),
        "filter=%7B%22status%22%3A%22open%20%26%20new%22%2C%22min%22%3A5%7D&q=%7Bnot%20json%7D"
    );
    assert_eq!(requests[0].header("x-context"), Some(r#"{"tenant":"t\"1","depth":2}"#));
    assert_eq!(requests[1].query(), "");
}

/// What the server received.
#[derive(Default, Clone)]
struct Recording {
    charges: Arc<Mutex<Vec<ChargeForm>>>,
    uploads: Arc<Mutex<Vec<UploadFileBody>>>,
    searches: Arc<Mutex<Vec<SearchRequest>>>,
}

impl Api for Recording {
    async fn create_charge(&self, request: CreateChargeRequest) -> CreateChargeReply {
        let amount = request.body.amount;
        self.charges.lock().expect("log").push(request.body);
        CreateChargeReply::Ok(Body::from(Charge {
            id: "ch_1".to_owned(),
            amount,
        }))
    }

    async fn upload_file(&self, request: UploadFileRequest) -> UploadFileReply {
        let bytes = request.body.file.as_bytes().len() as i64;
        self.uploads.lock().expect("log").push(request.body);
        UploadFileReply::Created(Body::from(StoredFile {
            id: "file_1".to_owned(),
            bytes,
        }))
    }

    async fn file_content(&self, request: FileContentRequest) -> FileContentReply {
        let content = match request.id.as_str() {
            "text" => Binary::from("plain text"),
            _ => Binary(vec![0, 255]),
        };
        FileContentReply::Ok(Body::from(FileContent {
            id: request.id,
            content,
        }))
    }

    async fn create_profile(&self, request: CreateProfileRequest) -> CreateProfileReply {
        CreateProfileReply::Created(request.body.into())
    }

    async fn search(&self, request: SearchRequest) -> SearchReply {
        self.searches.lock().expect("log").push(request);
        SearchReply::Ok(Vec::new())
    }
}

async fn serve(recording: Recording) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router(recording)).await.expect("serve");
    });
    format!("http://{address}")
}

#[tokio::test]
async fn forms_multipart_and_json_parameters_make_the_round_trip() {
    let recording = Recording::default();
    let base_url = serve(recording.clone()).await;
    let client = Client::new(&base_url).expect("client");

    client.create_charge(&charge_form()).await.expect("200");
    assert_eq!(recording.charges.lock().expect("log")[0], charge_form());

    let stored = client.upload_file(&upload()).await.expect("201");
    assert_eq!(stored.body.bytes, 7);
    assert_eq!(recording.uploads.lock().expect("log")[0], upload());

    let context = SearchXContext {
        tenant: Some("t1".to_owned()),
        depth: None,
    };
    let params = SearchParams {
        filter: Some(Filter {
            status: Some("open".to_owned()),
            min: Some(5),
        }),
        q: Some("x".to_owned()),
    };
    client.search(&context, &params).await.expect("200");
    let searches = recording.searches.lock().expect("log").clone();
    assert_eq!(searches[0].filter, params.filter);
    assert_eq!(searches[0].x_context, context);
    assert_eq!(searches[0].q.as_deref(), Some("x"));

    // Binary in JSON: text where the bytes are UTF-8, numbers otherwise; read back either way.
    let text = client.file_content("text").await.expect("200");
    assert_eq!(text.body.content, Binary::from("plain text"));
    let bytes = client.file_content("bytes").await.expect("200");
    assert_eq!(bytes.body.content, Binary(vec![0, 255]));
}

#[tokio::test]
async fn the_server_reads_multipart_written_by_reqwest_and_rejects_bad_fields() {
    let recording = Recording::default();
    let base_url = serve(recording.clone()).await;
    let http = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![1, 2, 3])
                .file_name("data.bin")
                .mime_str("application/octet-stream")
                .expect("mime"),
        )
        .text("purpose", "assistants")
        .text("labels", "x")
        .text("labels", "y")
        .text("retries", "4")
        .part(
            "meta",
            reqwest::multipart::Part::text(r#"{"source":"web","size":3}"#)
                .mime_str("application/json")
                .expect("mime"),
        );
    let response = http.post(format!("{base_url}/files")).multipart(form).send().await.expect("sent");
    assert_eq!(response.status(), 201);
    let received = recording.uploads.lock().expect("log")[0].clone();
    assert_eq!(
        received,
        UploadFileBody {
            file: Binary(vec![1, 2, 3]),
            purpose: UploadFileBodyPurpose::Assistants,
            labels: Some(vec!["x".to_owned(), "y".to_owned()]),
            retries: Some(4),
            meta: Some(UploadFileBodyMeta {
                source: Some("web".to_owned()),
                size: Some(3),
            }),
            attachments: None,
        }
    );

    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![1]).file_name("a"))
        .text("purpose", "assistants")
        .text("retries", "many");
    let response = http.post(format!("{base_url}/files")).multipart(form).send().await.expect("sent");
    assert_eq!(response.status(), 400);
    let problem: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("a JSON problem");
    assert_eq!(problem["name"], "retries", "{problem}");

    let response = http
        .post(format!("{base_url}/charges"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("amount=ten&currency=eur")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let problem: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("a JSON problem");
    assert_eq!(problem["name"], "amount", "{problem}");

    let response = http
        .get(format!("{base_url}/search?filter=%7Bnot"))
        .header("x-context", "{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let problem: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("a JSON problem");
    assert_eq!(problem["name"], "filter", "{problem}");
}

#[tokio::test]
async fn one_body_type_is_read_in_each_encoding_the_spec_lists() {
    let base_url = serve(Recording::default()).await;
    let profile = Profile {
        name: "Ann Lee".to_owned(),
        age: 41,
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let client = Client::new(&base_url).expect("client");
    assert_eq!(client.create_profile(&profile).await.expect("201").body, profile);

    let http = reqwest::Client::new();
    let url = format!("{base_url}/profiles");
    let echoed = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 201);
        let text = response.text().await.expect("body");
        serde_json::from_str::<Profile>(&text).expect("a profile")
    };
    let form = http
        .post(&url)
        .header("content-type", "Application/X-WWW-Form-Urlencoded; charset=utf-8")
        .body("name=Ann+Lee&age=41&tags=a&tags=b")
        .send()
        .await
        .expect("sent");
    assert_eq!(echoed(form).await, profile);
    let parts = reqwest::multipart::Form::new()
        .text("name", "Ann Lee")
        .text("age", "41")
        .text("tags", "a")
        .text("tags", "b");
    let multipart = http.post(&url).multipart(parts).send().await.expect("sent");
    assert_eq!(echoed(multipart).await, profile);
    let refused = http
        .post(&url)
        .header("content-type", "text/csv")
        .body("name,age")
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 415);
}
