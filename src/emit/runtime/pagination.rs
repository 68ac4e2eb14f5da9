//! The page walker behind every paginated list's `…_stream` method.

use proc_macro2::TokenStream;
use quote::quote;

/// `pages` and the `Link` header parsing it relies on.
pub fn pages() -> TokenStream {
    quote! {
        /// Walks a page-numbered list from `first` (page 1 when `None`), yielding every item.
        ///
        /// After each page: when the response has a `Link` header, its `rel="next"` URL gives the
        /// next page number and its absence ends the list (this is how Django REST framework
        /// servers such as Waldur say where a list goes on). Without `Link`, an empty page ends the
        /// list, and so does a page shorter than `page_size`, or shorter than the first page when
        /// no page size was asked for.
        pub(crate) fn pages<'a, T, H, E, F, Fut>(
            first: Option<i64>,
            page_size: Option<i64>,
            page_parameter: &'static str,
            fetch: F,
        ) -> futures::stream::BoxStream<'a, Result<T, Error<E>>>
        where
            T: Send + 'a,
            H: Send + 'a,
            E: Send + 'a,
            F: FnMut(i64) -> Fut + Send + 'a,
            Fut: std::future::Future<Output = Result<Response<Vec<T>, H>, Error<E>>> + Send + 'a,
        {
            use futures::{StreamExt, TryStreamExt};

            let walk = Walk {
                fetch,
                next: Some(first.unwrap_or(1)),
                full_page: page_size.and_then(|size| usize::try_from(size).ok()).filter(|size| *size > 0),
            };
            futures::stream::try_unfold(walk, move |mut walk| async move {
                let Some(page) = walk.next else {
                    return Ok(None);
                };
                let response = (walk.fetch)(page).await?;
                walk.next = next_page(&response, page, &mut walk.full_page, page_parameter)?;
                Ok(Some((response.body, walk)))
            })
            .map_ok(|items| futures::stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
        }

        /// Where a page walk stands.
        struct Walk<F> {
            fetch: F,
            next: Option<i64>,
            full_page: Option<usize>,
        }

        fn next_page<T, H, E>(
            response: &Response<Vec<T>, H>,
            page: i64,
            full_page: &mut Option<usize>,
            page_parameter: &str,
        ) -> Result<Option<i64>, Error<E>> {
            let links: Vec<&str> = response
                .header_map
                .get_all(reqwest::header::LINK)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect();
            if !links.is_empty() {
                let Some(next) = links.iter().find_map(|value| next_link(value)) else {
                    return Ok(None);
                };
                let url = Url::parse(next).or_else(|_| {
                    Url::parse("http://relative.invalid/").and_then(|base| base.join(next))
                });
                let number = url.ok().and_then(|url| {
                    url.query_pairs()
                        .find(|(key, _)| key == page_parameter)
                        .and_then(|(_, value)| value.parse::<i64>().ok())
                });
                return match number {
                    Some(number) if number > page => Ok(Some(number)),
                    Some(number) => Err(Error::Pagination(format!(
                        "the next page {number} does not come after page {page}"
                    ))),
                    None => Err(Error::Pagination(format!(
                        "the next link `{next}` has no `{page_parameter}` number"
                    ))),
                };
            }
            let count = response.body.len();
            if count == 0 {
                return Ok(None);
            }
            let full = *full_page.get_or_insert(count);
            if count < full {
                return Ok(None);
            }
            Ok(page.checked_add(1))
        }

        /// The URL of `rel="next"` in a `Link` header value (`<url>; rel="next", <url>; rel="prev"`).
        fn next_link(value: &str) -> Option<&str> {
            let mut rest = value;
            while let Some(start) = rest.find('<') {
                let after = &rest[start + 1..];
                let end = after.find('>')?;
                let url = &after[..end];
                let parameters = &after[end + 1..];
                let parameters = &parameters[..parameters.find('<').unwrap_or(parameters.len())];
                let is_next = parameters.split(';').any(|parameter| {
                    let Some((key, relations)) = parameter.split_once('=') else {
                        return false;
                    };
                    key.trim().eq_ignore_ascii_case("rel")
                        && relations
                            .trim()
                            .trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|relation| relation.eq_ignore_ascii_case("next"))
                });
                if is_next {
                    return Some(url);
                }
                rest = &after[end + 1..];
            }
            None
        }
    }
}
