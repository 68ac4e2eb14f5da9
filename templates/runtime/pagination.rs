//! The page walker behind every paginated list's `…_stream` method.

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use reqwest::Url;
use reqwest::header::LINK;

use crate::runtime::client::{Error, Response};

/// Walks a page-numbered list from `first` (page 1 when `None`), yielding every item.
///
/// After each page: when the response has a `Link` header, its `rel="next"` URL gives the
/// next page number and its absence ends the list (this is how Django REST framework
/// servers such as Waldur say where a list goes on); once a server has sent `Link`, a page
/// without one is the last. Without `Link`, an empty page ends the list, and so does a page
/// shorter than `page_size`, or shorter than the first page when no page size was asked for.
/// A full page that repeats the one before (a server that ignores the page number) ends the
/// stream with an error instead of walking forever.
///
/// `P` and `S` are the spec's integer types for the page number and page size (`i64`, or
/// `i32` for `format: int32`); a next page past `P` ends the stream with an error.
pub fn pages<'a, T, H, E, P, S, F, Fut>(
    first: Option<P>,
    page_size: Option<S>,
    page_parameter: &'static str,
    fetch: F,
) -> BoxStream<'a, Result<T, Error<E>>>
where
    T: Clone + PartialEq + Send + 'a,
    H: Send + 'a,
    E: Send + 'a,
    P: TryFrom<i64> + Into<i64> + Send + 'a,
    S: Into<i64>,
    F: FnMut(P) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<Vec<T>, H>, Error<E>>> + Send + 'a,
{
    let full_page = page_size.and_then(|size| usize::try_from(size.into()).ok());
    let walk = Walk {
        fetch,
        next: Some(first.map_or(1, Into::into)),
        full_page: full_page.filter(|size| *size > 0),
        page_parameter,
        failed: None,
        linked: false,
        previous: None,
    };
    let pages = futures::stream::try_unfold(walk, next_items);
    let items = pages.map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)));
    items.try_flatten().boxed()
}

/// Where a page walk stands.
struct Walk<F, E, T> {
    fetch: F,
    next: Option<i64>,
    full_page: Option<usize>,
    page_parameter: &'static str,
    /// An error found after a page's items, reported once they are out.
    failed: Option<Error<E>>,
    /// Whether the server has sent a `Link` header: then a page without one is the last.
    linked: bool,
    /// The last full page walked without `Link`, to notice a server that ignores the page
    /// number and sends the same page again.
    previous: Option<Vec<T>>,
}

/// Fetches the next page, if any, and works out the one after it.
async fn next_items<T, H, E, P, F, Fut>(
    mut walk: Walk<F, E, T>,
) -> Result<Option<(Vec<T>, Walk<F, E, T>)>, Error<E>>
where
    T: Clone + PartialEq,
    P: TryFrom<i64>,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = Result<Response<Vec<T>, H>, Error<E>>>,
{
    if let Some(error) = walk.failed.take() {
        return Err(error);
    }
    let Some(page) = walk.next else {
        return Ok(None);
    };
    let Ok(number) = P::try_from(page) else {
        let reason = format!("page {page} is past the page parameter's integer type");
        return Err(Error::Pagination(reason));
    };
    let response = (walk.fetch)(number).await?;
    match next_page(&response, page, &mut walk) {
        Ok(next) => walk.next = next,
        Err(error) => {
            walk.next = None;
            walk.failed = Some(error);
        }
    }
    Ok(Some((response.body, walk)))
}

fn next_page<T: Clone + PartialEq, H, E, F>(
    response: &Response<Vec<T>, H>,
    page: i64,
    walk: &mut Walk<F, E, T>,
) -> Result<Option<i64>, Error<E>> {
    let page_parameter = walk.page_parameter;
    let links = response.header_map.get_all(LINK);
    let links: Vec<&str> = links.iter().filter_map(|v| v.to_str().ok()).collect();
    let count = response.body.len();
    // The first page's length is what a full page holds when no page size was asked for.
    let full = *walk.full_page.get_or_insert(count);
    if !links.is_empty() {
        walk.linked = true;
        let Some(next) = links.iter().find_map(|value| next_link(value)) else {
            return Ok(None);
        };
        return match link_page(next, page_parameter) {
            Some(number) if number > page => Ok(Some(number)),
            Some(number) => {
                let reason = format!("next page {number} is not after page {page}");
                Err(Error::Pagination(reason))
            }
            None => {
                let reason = format!("no `{page_parameter}` in the next link `{next}`");
                Err(Error::Pagination(reason))
            }
        };
    }
    if walk.linked || count == 0 || count < full {
        return Ok(None);
    }
    if walk.previous.as_ref() == Some(&response.body) {
        let reason = format!(
            "page {page} repeats the page before it: the server ignores `{page_parameter}`"
        );
        return Err(Error::Pagination(reason));
    }
    walk.previous = Some(response.body.clone());
    Ok(page.checked_add(1))
}

/// The page number in a next link, which may be relative.
fn link_page(link: &str, page_parameter: &str) -> Option<i64> {
    let base = Url::parse("http://relative.invalid/").ok()?;
    let url = base.join(link).ok()?;
    let mut pairs = url.query_pairs();
    let (_, number) = pairs.find(|(key, _)| key == page_parameter)?;
    number.parse().ok()
}

/// The URL of `rel="next"` in a `Link` header value (`<url>; rel="next", <url>; rel="prev"`).
fn next_link(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let url = &after[..end];
        rest = &after[end + 1..];
        let parameters = rest.split('<').next().unwrap_or_default();
        let parameters = parameters.trim_end().trim_end_matches(',');
        if parameters.split(';').any(is_next_relation) {
            return Some(url);
        }
    }
    None
}

/// Whether a link parameter is `rel="next"` (or lists `next` among its relations).
fn is_next_relation(parameter: &str) -> bool {
    let Some((key, relations)) = parameter.split_once('=') else {
        return false;
    };
    let mut relations = relations.trim().trim_matches('"').split_ascii_whitespace();
    let is_rel = key.trim().eq_ignore_ascii_case("rel");
    is_rel && relations.any(|relation| relation.eq_ignore_ascii_case("next"))
}
