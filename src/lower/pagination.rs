//! Which list operations are paginated, and by which parameters.
//!
//! The default recognises page-number pagination as Waldur (Django REST framework) does it: a
//! query parameter `page` of type integer, optionally `page_size`, and a success response whose
//! JSON body is an array. The `x-apigen-pagination` extension overrides it, at the document root for
//! every operation or on one operation:
//!
//! - `false` turns recognition off;
//! - `true` requires the operation to be paginated with the default names;
//! - `{page: <name>, page_size: <name>}` renames the parameters (and, on an operation, requires it
//!   to be paginated).
//!
//! A requirement that the operation cannot meet is a spec error naming what is missing.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{
    MediaKind, Pagination, Parameter, ParameterLocation, Primitive, Response, TypeRef,
};

/// The extension's key.
pub const EXTENSION: &str = "x-apigen-pagination";

/// What the extension says, or the default when it is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Never paginated.
    Off,
    /// Paginated when the operation fits; otherwise a plain operation.
    Detect(Names),
    /// Paginated, or a spec error.
    Require(Names),
}

/// The wire names of the page and page-size parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    page: String,
    page_size: String,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            page: "page".to_owned(),
            page_size: "page_size".to_owned(),
        }
    }
}

impl Default for Rule {
    fn default() -> Self {
        Rule::Detect(Names::default())
    }
}

/// Reads the extension's value at `at`. `inherited` is the rule in force above it (the root's for
/// an operation): an object or `true` on an operation requires pagination, at the root it only
/// renames what detection looks for.
pub fn rule(
    value: Option<&Value>,
    inherited: &Rule,
    at_root: bool,
    file: &str,
    at: &Pointer,
) -> Result<Rule, Diagnostic> {
    let Some(value) = value else {
        return Ok(inherited.clone());
    };
    let names = match value {
        Value::Bool(false) => return Ok(Rule::Off),
        Value::Bool(true) => Names::default(),
        Value::Object(object) => {
            let mut names = Names::default();
            for (key, field) in object {
                let slot = match key.as_str() {
                    "page" => &mut names.page,
                    "page_size" => &mut names.page_size,
                    _ => {
                        return Err(Diagnostic::at(
                            file,
                            &at.join(key),
                            format!("unknown key `{key}` in `{EXTENSION}`"),
                        )
                        .help("the keys are `page` and `page_size`"));
                    }
                };
                let Some(name) = field.as_str() else {
                    return Err(Diagnostic::at(
                        file,
                        &at.join(key),
                        format!("`{key}` must name a query parameter"),
                    )
                    .help(format!("write `{key}: <parameter name>`")));
                };
                *slot = name.to_owned();
            }
            names
        }
        _ => {
            return Err(Diagnostic::at(
                file,
                at,
                format!("`{EXTENSION}` must be `false`, `true` or an object"),
            )
            .help("write `false`, `true` or `{page: page, page_size: page_size}`"));
        }
    };
    Ok(if at_root {
        Rule::Detect(names)
    } else {
        Rule::Require(names)
    })
}

/// What pagination looks at in a lowered operation.
pub struct Candidate<'a> {
    /// Its parameters.
    pub parameters: &'a [Parameter],
    /// Its responses.
    pub responses: &'a [Response],
    /// Whether it has a request body (a page walk repeats calls, so it may not).
    pub has_body: bool,
}

/// Applies `rule` to one lowered operation.
pub fn pagination(
    rule: &Rule,
    operation: &Candidate,
    file: &str,
    at: &Pointer,
) -> Result<Option<Pagination>, Diagnostic> {
    let (names, required) = match rule {
        Rule::Off => return Ok(None),
        Rule::Detect(names) => (names, false),
        Rule::Require(names) => (names, true),
    };
    match fit(names, operation) {
        Ok(pagination) => Ok(Some(pagination)),
        Err(_) if !required => Ok(None),
        Err(problem) => Err(Diagnostic::at(
            file,
            &at.join(EXTENSION),
            format!("the operation cannot be paginated: {problem}"),
        )
        .help(format!(
            "fix the operation, or remove `{EXTENSION}` from it"
        ))),
    }
}

fn fit(names: &Names, operation: &Candidate) -> Result<Pagination, String> {
    let Candidate {
        parameters,
        responses,
        has_body,
    } = operation;
    if *has_body {
        return Err("it has a request body".to_owned());
    }
    let page_number = |name: &str| {
        parameters
            .iter()
            .find(|p| p.location == ParameterLocation::Query && p.name.wire == name)
    };
    let page = page_number(&names.page)
        .ok_or_else(|| format!("it has no query parameter `{}`", names.page))?;
    let page_size = page_number(&names.page_size);
    for parameter in [Some(page), page_size].into_iter().flatten() {
        let integer = matches!(
            parameter.ty,
            TypeRef::Primitive(Primitive::I64 | Primitive::I32)
        );
        if !integer || parameter.required {
            return Err(format!(
                "the query parameter `{}` must be an optional integer",
                parameter.name.wire
            ));
        }
    }
    let mut successes = responses.iter().filter(|r| r.status.is_success());
    let (Some(success), None) = (successes.next(), successes.next()) else {
        return Err("it must have exactly one success response".to_owned());
    };
    let item = success
        .contents
        .iter()
        .find(|content| content.kind == MediaKind::Json)
        .and_then(|content| match &content.ty {
            Some(TypeRef::Array(item)) => Some((**item).clone()),
            _ => None,
        })
        .ok_or("its success response must be a JSON array")?;
    Ok(Pagination {
        page: page.name.clone(),
        page_size: page_size.map(|p| p.name.clone()),
        item,
    })
}
