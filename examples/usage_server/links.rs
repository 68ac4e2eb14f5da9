//! Waldur's `Link` header, added by a middleware layer around the generated router: the spec does
//! not declare the header, so the typed replies cannot set it, and a layer is how a user adds
//! behaviour of their own. Like Django REST framework, it names the `first`, `prev`, `next` and
//! `last` pages of a list, from `X-Result-Count` and the request's `page` and `page_size`.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Adds `Link` to every response that carries `X-Result-Count`.
pub async fn waldur_links(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get("host")
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let mut response = next.run(request).await;
    let total: Option<u64> = response
        .headers()
        .get("x-result-count")
        .and_then(|count| count.to_str().ok())
        .and_then(|count| count.parse().ok());
    let Some(total) = total else {
        return response;
    };
    let number = |name: &str| -> Option<u64> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| value.parse().ok())
    };
    let page = number("page").unwrap_or(1).max(1);
    let size = number("page_size").unwrap_or(10).clamp(1, 300);
    let last = total.div_ceil(size).max(1);
    let url = |page: u64| {
        let mut pairs: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
            .map(str::to_owned)
            .collect();
        pairs.push(format!("page={page}"));
        format!("<http://{host}{path}?{}>", pairs.join("&"))
    };
    let mut links = vec![format!("{}; rel=\"first\"", url(1))];
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
    }
    links.push(format!("{}; rel=\"last\"", url(last)));
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        response.headers_mut().insert("link", value);
    }
    response
}
