//! The Waldur list streams walk every page: by the `Link` header's `rel="next"` as the real server
//! sends it, or, without `Link`, until a short or empty page.

use apis::waldur::client::{self as waldur, Error, SlurmAllocationUserUsageListParams};
use futures::StreamExt;

use crate::recorder::{Recorded, Recorder, Reply};

/// A Slurm usage row for user `index`.
fn row(index: usize) -> String {
    format!(
        r#"{{"month":1,"year":2024,"allocation":"https://w.example/a/","username":"user{index}","full_name":"User {index}"}}"#
    )
}

fn page_of(indexes: std::ops::Range<usize>) -> String {
    let rows: Vec<String> = indexes.map(row).collect();
    format!("[{}]", rows.join(","))
}

/// The `page` query parameter of a recorded request.
fn page_number(request: &Recorded) -> usize {
    request
        .query()
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|number| number.parse().ok())
        .expect("the request names a page")
}

async fn collect(
    stream_params: SlurmAllocationUserUsageListParams,
    recorder: &Recorder,
) -> Vec<Result<String, String>> {
    let client = waldur::Client::new(&recorder.base_url).expect("client");
    let stream = client.slurm_allocation_user_usage_list_stream(stream_params);
    stream
        .map(|item| {
            item.map(|usage| usage.username)
                .map_err(|error| error.to_string())
        })
        .collect()
        .await
}

/// Django REST framework's `Link` header for `page` of `last` pages.
fn link_header(page: usize, last: usize) -> String {
    let url = |n: usize| {
        format!("<http://testserver/api/slurm-allocation-user-usage/?page={n}&page_size=2&user=u>")
    };
    let mut links = vec![format!("{}; rel=\"first\"", url(1))];
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
    }
    links.push(format!("{}; rel=\"last\"", url(last)));
    links.join(", ")
}

#[tokio::test]
async fn three_pages_by_link_header() {
    let recorder = Recorder::start(|request, _| {
        let page = page_number(request);
        let rows = match page {
            1 => page_of(0..2),
            2 => page_of(2..4),
            _ => page_of(4..5),
        };
        let link = link_header(page, 3);
        Reply::new(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "5"),
                ("Link", &link),
            ],
            rows.as_bytes(),
        )
    })
    .await;
    let params = SlurmAllocationUserUsageListParams {
        page_size: Some(2),
        user: Some("u".to_owned()),
        ..Default::default()
    };
    let items = collect(params, &recorder).await;
    let names: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("no error"))
        .collect();
    assert_eq!(names, ["user0", "user1", "user2", "user3", "user4"]);
    let queries: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| r.query().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "page=1&page_size=2&user=u",
            "page=2&page_size=2&user=u",
            "page=3&page_size=2&user=u"
        ]
    );
}

#[tokio::test]
async fn a_full_last_page_ends_by_link_without_asking_for_more() {
    // Four items over two full pages: only the missing `rel="next"` says the list is over.
    let recorder = Recorder::start(|request, _| {
        let page = page_number(request);
        let rows = if page == 1 {
            page_of(0..2)
        } else {
            page_of(2..4)
        };
        let link = link_header(page, 2);
        Reply::new(
            200,
            &[("Content-Type", "application/json"), ("Link", &link)],
            rows.as_bytes(),
        )
    })
    .await;
    let params = SlurmAllocationUserUsageListParams {
        page_size: Some(2),
        ..Default::default()
    };
    let items = collect(params, &recorder).await;
    assert_eq!(items.len(), 4);
    assert_eq!(recorder.requests().len(), 2);
}

#[tokio::test]
async fn three_pages_by_short_page_without_link() {
    let recorder = Recorder::start(|request, _| {
        let rows = match page_number(request) {
            1 => page_of(0..2),
            2 => page_of(2..4),
            _ => page_of(4..5),
        };
        Reply::json("application/json", &rows)
    })
    .await;
    let params = SlurmAllocationUserUsageListParams {
        page_size: Some(2),
        ..Default::default()
    };
    let items = collect(params, &recorder).await;
    assert_eq!(items.len(), 5);
    let pages: Vec<usize> = recorder.requests().iter().map(page_number).collect();
    assert_eq!(pages, [1, 2, 3], "the short third page ends the walk");
}

#[tokio::test]
async fn without_a_page_size_the_first_page_sets_it_and_an_empty_page_ends() {
    let recorder = Recorder::start(|request, _| {
        let rows = match page_number(request) {
            1 => page_of(0..3),
            2 => page_of(3..6),
            _ => page_of(0..0),
        };
        Reply::json("application/json", &rows)
    })
    .await;
    let items = collect(SlurmAllocationUserUsageListParams::default(), &recorder).await;
    assert_eq!(items.len(), 6);
    assert_eq!(recorder.requests().len(), 3);
    assert!(
        recorder
            .requests()
            .iter()
            .all(|r| !r.query().contains("page_size"))
    );
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_before_it() {
    let recorder = Recorder::start(|request, _| match page_number(request) {
        1 => Reply::json("application/json", &page_of(0..2)),
        _ => Reply::new(500, &[("Content-Type", "text/plain")], b"boom"),
    })
    .await;
    let params = SlurmAllocationUserUsageListParams {
        page_size: Some(2),
        ..Default::default()
    };
    let items = collect(params, &recorder).await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    let error = items[2].as_ref().expect_err("the 500");
    assert!(error.contains("500"), "{error}");
    assert_eq!(recorder.requests().len(), 2);
}

#[tokio::test]
async fn a_next_link_that_does_not_advance_is_an_error_not_a_loop() {
    let recorder = Recorder::start(|_, _| {
        let link = "<http://testserver/api/slurm-allocation-user-usage/?page=1>; rel=\"next\"";
        Reply::new(
            200,
            &[("Content-Type", "application/json"), ("Link", link)],
            page_of(0..1).as_bytes(),
        )
    })
    .await;
    let client = waldur::Client::new(&recorder.base_url).expect("client");
    let mut stream = client.slurm_allocation_user_usage_list_stream(Default::default());
    assert!(stream.next().await.expect("an item").is_ok());
    let error = stream
        .next()
        .await
        .expect("an error")
        .expect_err("no progress");
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(stream.next().await.is_none());
}
