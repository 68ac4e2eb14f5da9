//! `pattern`s, over the `regex` crate: a file of its own, so only a crate with a pattern to check
//! depends on `regex`.

use std::sync::OnceLock;

use regex::Regex;

use super::validate::Matches;

/// A `pattern`, compiled the first time a value meets it and kept for every later request.
pub struct Pattern {
    source: &'static str,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            regex: OnceLock::new(),
        }
    }
}

impl Matches for Pattern {
    fn source(&self) -> &'static str {
        self.source
    }

    /// The generator only writes patterns `regex` compiles, so one that fails here anyway (a
    /// different `regex` version) checks nothing rather than refusing every request.
    fn accepts(&self, text: &str) -> bool {
        let regex = self.regex.get_or_init(|| Regex::new(self.source).ok());
        regex.as_ref().is_none_or(|regex| regex.is_match(text))
    }
}
