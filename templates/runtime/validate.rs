//! The spec's constraints on requests: lengths, patterns, formats, bounds, steps, item and
//! property counts, and read-only properties, checked on the typed request before the
//! implementation sees it.
//!
//! The generated code describes each position once, as a `static` [`Rules`]; the walk over a
//! value is this file's, generic over [`Checked`]. Types with nothing to check implement
//! nothing, and their positions are not walked.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::server::{Rejection, check_uri, invalid};

/// The most violations one rejection lists: enough to fix a request in one go, never a reply
/// as large as a hostile request.
pub const MAX_VIOLATIONS: usize = 10;

/// A bound or step: integer schemas' exactly, number schemas' as doubles.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
}

/// The string formats checked here; `uuid`, `date` and `date-time` are types of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `email`: `local@domain`.
    Email,
    /// `ipv4`: dotted decimal.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `byte`: standard base64 with padding.
    Byte,
    /// `uri`: absolute (RFC 3986).
    Uri,
}

/// A `pattern` a value must match. The generated crate's patterns are `runtime::pattern`'s
/// `Pattern`s (over the `regex` crate, a dependency only of crates that have a pattern).
pub trait Matches: Sync {
    /// The pattern as the spec writes it.
    fn source(&self) -> &'static str;

    /// Whether `text` matches (anywhere, as JSON Schema's `pattern` does unless anchored).
    fn accepts(&self, text: &str) -> bool;
}

/// What one position of a request (a parameter, a property, an item) allows beyond its type.
pub struct Rules {
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<&'static dyn Matches>,
    /// `format`.
    pub format: Option<Format>,
    /// `minimum`.
    pub minimum: Option<Limit>,
    /// Whether `minimum` is exclusive.
    pub exclusive_minimum: bool,
    /// `maximum`.
    pub maximum: Option<Limit>,
    /// Whether `maximum` is exclusive.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<Limit>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<usize>,
    /// `maxProperties`.
    pub max_properties: Option<usize>,
    /// `readOnly: true`: the property may not be sent.
    pub read_only: bool,
    /// The rules of each item of an array or value of a map.
    pub items: Option<&'static Rules>,
}

impl Rules {
    /// Nothing to check.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        format: None,
        minimum: None,
        exclusive_minimum: false,
        maximum: None,
        exclusive_maximum: false,
        multiple_of: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
        read_only: false,
        items: None,
    };

    fn has_text_rules(&self) -> bool {
        self.min_length.is_some()
            || self.max_length.is_some()
            || self.pattern.is_some()
            || self.format.is_some()
    }

    fn has_number_rules(&self) -> bool {
        self.minimum.is_some() || self.maximum.is_some() || self.multiple_of.is_some()
    }

    fn item_rules(&self) -> &'static Rules {
        self.items.unwrap_or(&Rules::NONE)
    }
}

/// A value whose constraints can be checked: given the rules of its position, it reports
/// what it breaks to the walk.
pub trait Checked {
    /// Checks the value against `rules` and its own type's rules.
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>);

    /// Whether the value was sent (`false` only for an absent `Option`).
    fn present(&self) -> bool {
        true
    }
}

/// One step of the way into a request body.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// One broken constraint.
#[derive(Debug)]
struct Violation {
    location: &'static str,
    name: Option<String>,
    pointer: String,
    constraint: &'static str,
    limit: String,
}

/// A walk over a request's parameters and body, collecting what breaks the spec.
#[derive(Debug, Default)]
pub struct Walk<'a> {
    location: &'static str,
    name: Option<&'a str>,
    path: Vec<Step<'a>>,
    violations: Vec<Violation>,
}

impl<'a> Walk<'a> {
    /// A walk that has found nothing yet.
    pub fn new() -> Self {
        Walk::default()
    }

    /// Checks a parameter, named on the wire `name`, in `location` (`query`, `path`, …).
    pub fn parameter<T: Checked>(
        &mut self,
        location: &'static str,
        name: &'a str,
        value: &'a T,
        rules: &Rules,
    ) {
        self.location = location;
        self.name = Some(name);
        value.check(rules, self);
    }

    /// Checks the request body.
    pub fn body<T: Checked>(&mut self, value: &'a T, rules: &Rules) {
        self.location = "body";
        self.name = None;
        value.check(rules, self);
    }

    /// `Ok` when nothing broke a constraint, else the `400` listing what did.
    pub fn finish(self) -> Result<(), Rejection> {
        let Some(first) = self.violations.first() else {
            return Ok(());
        };
        let place = match (&first.name, first.pointer.is_empty()) {
            (Some(name), true) => format!("`{name}`"),
            (Some(name), false) => format!("`{name}` at `{}`", first.pointer),
            (None, true) => "the body".to_owned(),
            (None, false) => format!("`{}`", first.pointer),
        };
        let error = format!(
            "{place} breaks `{} {}`",
            first.constraint,
            shorten(&first.limit)
        );
        let name = first.name.clone().unwrap_or_else(|| first.pointer.clone());
        let location = first.location;
        let list = self.violations.into_iter().map(|violation| {
            let mut entry = Map::new();
            entry.insert("in".to_owned(), json!(violation.location));
            if let Some(name) = violation.name {
                entry.insert("name".to_owned(), json!(name));
            }
            entry.insert("pointer".to_owned(), json!(violation.pointer));
            entry.insert("constraint".to_owned(), json!(violation.constraint));
            entry.insert("limit".to_owned(), json!(violation.limit));
            Value::Object(entry)
        });
        Err(invalid(error, location, &name, list.collect()))
    }

    /// Whether the walk has found as many violations as a rejection lists.
    pub fn is_full(&self) -> bool {
        self.violations.len() >= MAX_VIOLATIONS
    }

    /// Checks the property `key` of an object.
    pub fn field<T: Checked>(&mut self, key: &'a str, value: &'a T, rules: &Rules) {
        if self.is_full() {
            return;
        }
        self.path.push(Step::Key(key));
        if rules.read_only && value.present() {
            self.broken("readOnly", "true".to_owned());
        }
        value.check(rules, self);
        self.path.pop();
    }

    /// Checks an object's number of properties.
    pub fn properties(&mut self, count: usize, rules: &Rules) {
        if let Some(min) = rules.min_properties.filter(|min| count < *min) {
            self.broken("minProperties", min.to_string());
        }
        if let Some(max) = rules.max_properties.filter(|max| count > *max) {
            self.broken("maxProperties", max.to_string());
        }
    }

    /// Checks text against the length, pattern and format rules.
    pub fn text(&mut self, text: &str, rules: &Rules) {
        // A character takes one to four bytes: text no longer in bytes than the maximum, and at
        // least four times the minimum, needs no counting (most text within its limits).
        let bytes = text.len();
        let may_be_short = rules
            .min_length
            .is_some_and(|min| bytes < min.saturating_mul(4));
        let may_be_long = rules.max_length.is_some_and(|max| bytes > max);
        if may_be_short || may_be_long {
            let length = text.chars().count();
            if let Some(min) = rules.min_length.filter(|min| length < *min) {
                self.broken("minLength", min.to_string());
            }
            if let Some(max) = rules.max_length.filter(|max| length > *max) {
                self.broken("maxLength", max.to_string());
            }
        }
        if let Some(pattern) = rules.pattern {
            if !pattern.accepts(text) {
                self.broken("pattern", pattern.source().to_owned());
            }
        }
        if let Some(format) = rules.format {
            if !format_accepts(format, text) {
                self.broken("format", format_name(format).to_owned());
            }
        }
    }

    /// Checks an integer against the bound and step rules.
    pub fn integer(&mut self, value: i64, rules: &Rules) {
        let below = |limit: Limit, exclusive: bool| match limit {
            Limit::Int(limit) => value < limit || (exclusive && value == limit),
            Limit::Float(limit) => float_below(value as f64, limit, exclusive),
        };
        let above = |limit: Limit, exclusive: bool| match limit {
            Limit::Int(limit) => value > limit || (exclusive && value == limit),
            Limit::Float(limit) => float_below(limit, value as f64, exclusive),
        };
        let step = |step: Limit| match step {
            Limit::Int(step) => step == 0 || value % step == 0,
            Limit::Float(step) => float_multiple(value as f64, step),
        };
        self.bounds(rules, below, above, step);
    }

    /// Checks a number against the bound and step rules.
    pub fn number(&mut self, value: f64, rules: &Rules) {
        let as_float = |limit: Limit| match limit {
            Limit::Int(limit) => limit as f64,
            Limit::Float(limit) => limit,
        };
        let below = |limit: Limit, exclusive: bool| float_below(value, as_float(limit), exclusive);
        let above = |limit: Limit, exclusive: bool| float_below(as_float(limit), value, exclusive);
        let step = |step: Limit| float_multiple(value, as_float(step));
        self.bounds(rules, below, above, step);
    }

    fn bounds(
        &mut self,
        rules: &Rules,
        below: impl Fn(Limit, bool) -> bool,
        above: impl Fn(Limit, bool) -> bool,
        step: impl Fn(Limit) -> bool,
    ) {
        if let Some(minimum) = rules.minimum {
            if below(minimum, rules.exclusive_minimum) {
                let name = if rules.exclusive_minimum {
                    "exclusiveMinimum"
                } else {
                    "minimum"
                };
                self.broken(name, limit_text(minimum));
            }
        }
        if let Some(maximum) = rules.maximum {
            if above(maximum, rules.exclusive_maximum) {
                let name = if rules.exclusive_maximum {
                    "exclusiveMaximum"
                } else {
                    "maximum"
                };
                self.broken(name, limit_text(maximum));
            }
        }
        if let Some(multiple_of) = rules.multiple_of {
            if !step(multiple_of) {
                self.broken("multipleOf", limit_text(multiple_of));
            }
        }
    }

    /// Checks a list's length and uniqueness, then each item.
    pub fn items<T: Checked + PartialEq>(&mut self, items: &'a [T], rules: &Rules) {
        if let Some(min) = rules.min_items.filter(|min| items.len() < *min) {
            self.broken("minItems", min.to_string());
        }
        if let Some(max) = rules.max_items.filter(|max| items.len() > *max) {
            self.broken("maxItems", max.to_string());
        }
        if rules.unique_items && !all_unique(items) {
            self.broken("uniqueItems", "true".to_owned());
        }
        let item_rules = rules.item_rules();
        for (index, item) in items.iter().enumerate() {
            if self.is_full() {
                return;
            }
            self.path.push(Step::Index(index));
            item.check(item_rules, self);
            self.path.pop();
        }
    }

    /// Checks a map's number of entries, then each value.
    pub fn entries<T: Checked>(&mut self, entries: &'a BTreeMap<String, T>, rules: &Rules) {
        self.properties(entries.len(), rules);
        let value_rules = rules.item_rules();
        for (key, value) in entries {
            self.field(key, value, value_rules);
        }
    }

    /// Records a broken `constraint` whose limit is `limit`, here.
    fn broken(&mut self, constraint: &'static str, limit: String) {
        if self.is_full() {
            return;
        }
        let mut pointer = String::new();
        for step in &self.path {
            pointer.push('/');
            match step {
                Step::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
                Step::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        self.violations.push(Violation {
            location: self.location,
            name: self.name.map(str::to_owned),
            pointer,
            constraint,
            limit,
        });
    }
}

/// How many of an object's properties were sent, from whether each was.
pub fn count_present(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

impl Checked for String {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.text(self, rules);
    }
}

impl Checked for i64 {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.integer(*self, rules);
    }
}

impl Checked for i32 {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.integer(i64::from(*self), rules);
    }
}

impl Checked for f64 {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.number(*self, rules);
    }
}

impl<T: Checked> Checked for Option<T> {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        if let Some(value) = self {
            value.check(rules, walk);
        }
    }

    fn present(&self) -> bool {
        self.is_some()
    }
}

impl<T: Checked> Checked for Box<T> {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        T::check(self, rules, walk);
    }
}

impl<T: Checked + PartialEq> Checked for Vec<T> {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.items(self, rules);
    }
}

impl<T: Checked> Checked for BTreeMap<String, T> {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        walk.entries(self, rules);
    }
}

/// Any JSON value: the rules of its kind apply (length to a string, items to an array, …).
impl Checked for Value {
    fn check<'a>(&'a self, rules: &Rules, walk: &mut Walk<'a>) {
        match self {
            Value::String(text) => walk.text(text, rules),
            Value::Number(number) => match number.as_i64() {
                Some(integer) => walk.integer(integer, rules),
                None => walk.number(number.as_f64().unwrap_or_default(), rules),
            },
            Value::Array(items) => walk.items(items, rules),
            Value::Object(object) => {
                walk.properties(object.len(), rules);
                let value_rules = rules.item_rules();
                for (key, value) in object {
                    walk.field(key, value, value_rules);
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

/// `Checked` for types whose constraints apply to their text (UUIDs, dates, decimals): a
/// decimal's bounds and step to the number it spells. The crate's runtime root uses it for
/// `bool` and the types the crate has, so this file names no optional crate.
macro_rules! checked_by_text {
    ($($type:ty),* $(,)?) => {$(
        impl $crate::runtime::validate::Checked for $type {
            fn check<'a>(
                &'a self,
                rules: &$crate::runtime::validate::Rules,
                walk: &mut $crate::runtime::validate::Walk<'a>,
            ) {
                walk.text_of(self, rules);
            }
        }
    )*};
}
pub(crate) use checked_by_text;

impl Walk<'_> {
    /// Checks a value by its text: text rules, and number rules when it spells a number.
    pub fn text_of(&mut self, value: &impl std::fmt::Display, rules: &Rules) {
        if !rules.has_text_rules() && !rules.has_number_rules() {
            return;
        }
        let text = value.to_string();
        self.text(&text, rules);
        if rules.has_number_rules() {
            if let Ok(number) = text.parse::<f64>() {
                self.number(number, rules);
            }
        }
    }
}

/// Whether `low` is below `high` (or equal, when the bound is `exclusive`).
fn float_below(low: f64, high: f64, exclusive: bool) -> bool {
    low < high || (exclusive && low == high)
}

/// Whether `value` is a whole multiple of `step`, allowing for the rounding of decimal
/// fractions in binary (`19.99 / 0.01` is `1998.9999999999998`): the quotient may be a few
/// units in its last place off a whole number, never more (`1e-40` is no multiple of `0.01`).
fn float_multiple(value: f64, step: f64) -> bool {
    if step <= 0.0 || !value.is_finite() {
        return true;
    }
    let quotient = value / step;
    (quotient - quotient.round()).abs() <= 8.0 * f64::EPSILON * quotient.abs()
}

fn limit_text(limit: Limit) -> String {
    match limit {
        Limit::Int(limit) => limit.to_string(),
        Limit::Float(limit) => limit.to_string(),
    }
}

/// A limit as the error sentence quotes it: a long pattern is cut with `…`.
fn shorten(limit: &str) -> String {
    const LONGEST: usize = 40;
    match limit.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}…", &limit[..end]),
        None => limit.to_owned(),
    }
}

/// Whether no two items are equal. Quadratic, so only lists the spec marks unique pay it.
fn all_unique<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(index, item)| !items[..index].contains(item))
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Email => "email",
        Format::Ipv4 => "ipv4",
        Format::Ipv6 => "ipv6",
        Format::Byte => "byte",
        Format::Uri => "uri",
    }
}

fn format_accepts(format: Format, text: &str) -> bool {
    match format {
        Format::Email => is_email(text),
        Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
        Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
        Format::Byte => is_base64(text),
        Format::Uri => check_uri(Some(text), "body", "").is_ok(),
    }
}

/// `local@domain`: a local part of printable characters, and a domain of dot-separated labels
/// of letters, digits and hyphens (RFC 5321's common form; quoted local parts are refused).
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    local_ok && domain.len() <= 253 && domain.split('.').all(label_ok)
}

/// Standard base64 (RFC 4648), padded to a multiple of four characters.
fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return false;
    }
    let data = text.trim_end_matches('=');
    let padding = bytes.len() - data.len();
    padding <= 2
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}
