//! The page walker: which pages it asks for, when it stops, and how it reads `Link` headers.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::future::{Ready, ready};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, LINK};

use crate::runtime::client::{Error, Response};
use crate::runtime::pagination::pages;

/// One scripted page: its items and the `Link` header values it carries.
struct Page {
    items: Vec<u32>,
    links: Vec<&'static str>,
}

fn page(items: &[u32], links: &[&'static str]) -> Page {
    Page {
        items: items.to_vec(),
        links: links.to_vec(),
    }
}

type Fetched = Result<Response<Vec<u32>>, Error>;

/// Walks `script` (page number → page) from `first` and returns the items (or the error that
/// ended the walk, as text) and the page numbers fetched, in order.
async fn walk<P>(
    first: Option<P>,
    page_size: Option<i64>,
    script: impl Fn(i64) -> Page + Send + 'static,
) -> (Vec<Result<u32, String>>, Vec<i64>)
where
    P: TryFrom<i64> + Into<i64> + Send + 'static,
{
    let fetched = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&fetched);
    let fetch = move |number: P| -> Ready<Fetched> {
        let number: i64 = number.into();
        log.lock().expect("log").push(number);
        let Page { items, links } = script(number);
        let mut header_map = HeaderMap::new();
        for link in links {
            header_map.append(LINK, HeaderValue::from_static(link));
        }
        ready(Ok(Response {
            status: StatusCode::OK,
            headers: (),
            header_map,
            body: items,
        }))
    };
    let stream = pages(first, page_size, "page", fetch);
    let items = stream.map(|item| item.map_err(|error| error.to_string()));
    let items: Vec<_> = items.collect().await;
    let fetched = fetched.lock().expect("log").clone();
    (items, fetched)
}

fn ok(items: &[u32]) -> Vec<Result<u32, String>> {
    items.iter().copied().map(Ok).collect()
}

#[tokio::test]
async fn next_links_are_followed_until_there_is_none() {
    let (items, fetched) = walk(None::<i64>, None, |number| match number {
        1 => page(
            &[1, 2],
            &[r#"<https://x.example/items?page=2&size=2>; rel="next""#],
        ),
        // Relative, among other relations, with the next page not the last link.
        2 => page(
            &[3],
            &[r#"</items?page=1>; rel="prev", </items?size=2&page=5>; rel="next last""#],
        ),
        5 => page(&[4], &[r#"</items?page=4>; rel="prev""#]),
        _ => page(&[99], &[]),
    })
    .await;
    assert_eq!(items, ok(&[1, 2, 3, 4]));
    assert_eq!(fetched, [1, 2, 5]);
}

#[tokio::test]
async fn without_links_a_short_or_empty_page_ends_the_list() {
    // No page size asked for: the first page's length is a full page.
    let (items, fetched) = walk(Some(3_i64), None, |number| match number {
        3 => page(&[1, 2], &[]),
        4 => page(&[3, 4], &[]),
        _ => page(&[5], &[]),
    })
    .await;
    assert_eq!(items, ok(&[1, 2, 3, 4, 5]));
    assert_eq!(fetched, [3, 4, 5]);

    let (items, fetched) = walk(None::<i64>, Some(3), |number| match number {
        1 => page(&[1, 2, 3], &[]),
        _ => page(&[], &[]),
    })
    .await;
    assert_eq!(items, ok(&[1, 2, 3]));
    assert_eq!(fetched, [1, 2]);

    let (items, fetched) = walk(None::<i64>, Some(3), |_| page(&[1, 2], &[])).await;
    assert_eq!(items, ok(&[1, 2]));
    assert_eq!(fetched, [1]);
}

#[tokio::test]
async fn a_server_that_stops_sending_links_has_sent_its_last_page() {
    // Found by fuzzing: `Link` on the first page, then one item per page without it walked
    // forever (the first page's length was never taken as a full page).
    let (items, fetched) = walk(None::<i64>, None, |number| match number {
        1 => page(&[1, 2, 3], &["</items?page=2>; rel=\"next\""]),
        n => page(&[u32::try_from(n).expect("small")], &[]),
    })
    .await;
    assert_eq!(items, ok(&[1, 2, 3, 2]));
    assert_eq!(fetched, [1, 2]);
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_is_an_error_not_a_loop() {
    let (items, fetched) = walk(None::<i64>, Some(2), |_| page(&[7, 8], &[])).await;
    let mut expected = ok(&[7, 8, 7, 8]);
    expected.push(Err(
        "cannot follow the pages: page 2 repeats the page before it: the server ignores `page`"
            .to_owned(),
    ));
    assert_eq!(items, expected);
    assert_eq!(fetched, [1, 2]);
}

#[tokio::test]
async fn links_that_cannot_be_followed_end_the_walk_after_the_items() {
    let (items, fetched) = walk(Some(2_i64), None, |_| {
        page(&[7], &[r#"</items?page=2>; rel="next""#])
    })
    .await;
    let mut expected = ok(&[7]);
    expected.push(Err(
        "cannot follow the pages: next page 2 is not after page 2".to_owned(),
    ));
    assert_eq!(items, expected);
    assert_eq!(fetched, [2]);

    let (items, _) = walk(None::<i64>, None, |_| {
        page(&[7], &[r#"</items?p=2>; rel=next"#])
    })
    .await;
    assert_eq!(
        items.last(),
        Some(&Err(
            "cannot follow the pages: no `page` in the next link `/items?p=2`".to_owned()
        ))
    );
}

#[tokio::test]
async fn a_next_page_past_the_page_type_is_an_error() {
    let (items, fetched) = walk(Some(1_i32), None, |_| {
        page(&[1], &[r#"</items?page=2147483648>; rel="next""#])
    })
    .await;
    let mut expected = ok(&[1]);
    expected.push(Err(
        "cannot follow the pages: page 2147483648 is past the page parameter's integer type"
            .to_owned(),
    ));
    assert_eq!(items, expected);
    assert_eq!(fetched, [1]);
}
