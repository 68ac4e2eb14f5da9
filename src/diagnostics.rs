//! Spec problems that name their place: a file, a JSON pointer into it, what is wrong and how to
//! fix it. An error stops generation; a warning says what was read leniently and does not.

use std::fmt;

/// One problem found in a spec, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file as the user names it, e.g. `spec/waldur.yaml`.
    pub file: String,
    /// Where in the file: a JSON pointer such as `#/paths/~1usages/post`, or `line:column` for
    /// YAML syntax errors.
    pub location: Location,
    /// What is wrong, lowercase and without a trailing period.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
    /// Whether it stops generation.
    pub severity: Severity,
}

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec cannot be used as written: nothing is generated.
    #[default]
    Error,
    /// The spec is invalid but its intent is clear: it is read as said in the message, and
    /// generation goes on.
    Warning,
}

/// Where a diagnostic points inside its file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A line and column (1-based), used for YAML syntax errors.
    LineColumn(usize, usize),
    /// A JSON pointer fragment, always starting with `#`.
    Pointer(String),
}

impl Diagnostic {
    /// A diagnostic at a JSON pointer.
    pub fn at(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            location: Location::Pointer(pointer.to_string()),
            message: message.into(),
            help: None,
            severity: Severity::Error,
        }
    }

    /// A warning at a JSON pointer: the spec is read leniently, as `message` says.
    pub fn warning_at(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::at(file, pointer, message)
        }
    }

    /// Whether this is a warning rather than an error.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Adds a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match &self.location {
            Location::LineColumn(line, column) => {
                writeln!(f, "  --> {}:{line}:{column}", self.file)?
            }
            Location::Pointer(pointer) => writeln!(f, "  --> {}{pointer}", self.file)?,
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, sorted by file and place so output is stable: the errors that
/// stopped generation, or the warnings of a run that went on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts and removes exact duplicates (the same `$ref` may be reached from several places).
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort();
        list.dedup();
        Diagnostics(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let errors = self.0.iter().filter(|d| !d.is_warning()).count();
        let plural = |count: usize| if count == 1 { "" } else { "s" };
        if errors > 0 {
            write!(
                f,
                "error: could not generate: {errors} error{}",
                plural(errors)
            )
        } else {
            let warnings = self.0.len();
            write!(f, "warning: {warnings} warning{}", plural(warnings))
        }
    }
}

impl std::error::Error for Diagnostics {}

/// A JSON pointer built while walking a document (RFC 6901 escaping: `~` → `~0`, `/` → `~1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses a local `$ref` target such as `#/components/schemas/Usage`.
    pub fn from_fragment(fragment: &str) -> Self {
        Pointer(fragment.trim_start_matches('#').to_owned())
    }

    /// This pointer with one more segment.
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        use fmt::Write as _;
        // One allocation: the segment is escaped as it is written (`~` → `~0`, `/` → `~1`).
        struct Escaped<'a>(&'a mut String);
        impl fmt::Write for Escaped<'_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                for c in text.chars() {
                    match c {
                        '~' => self.0.push_str("~0"),
                        '/' => self.0.push_str("~1"),
                        c => self.0.push(c),
                    }
                }
                Ok(())
            }
        }
        let mut pointer = String::with_capacity(self.0.len() + 24);
        pointer.push_str(&self.0);
        pointer.push('/');
        let _ = write!(Escaped(&mut pointer), "{segment}");
        Pointer(pointer)
    }

    /// The unescaped segments, for walking a JSON value.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slashes_and_tildes() {
        let pointer = Pointer::root().join("paths").join("/a~b/{id}").join("get");
        assert_eq!(pointer.to_string(), "#/paths/~1a~0b~1{id}/get");
        let segments: Vec<String> = pointer.segments().collect();
        assert_eq!(segments, ["paths", "/a~b/{id}", "get"]);
    }

    #[test]
    fn renders_warnings_as_warnings() {
        let pointer = Pointer::root().join("components").join("schemas").join("A");
        let warning = Diagnostic::warning_at("spec/x.yaml", &pointer.join("required"), "empty")
            .help("remove it");
        assert_eq!(
            warning.to_string(),
            "warning: empty\n  --> spec/x.yaml#/components/schemas/A/required\n  = help: remove it\n"
        );
        let all = Diagnostics::sorted(vec![warning.clone(), warning]);
        assert_eq!(all.0.len(), 1);
        assert!(all.to_string().ends_with("\nwarning: 1 warning"), "{all}");
    }

    #[test]
    fn renders_file_pointer_and_help() {
        let diagnostic = Diagnostic::at(
            "spec/x.yaml",
            &Pointer::root().join("paths").join("/usages").join("post"),
            "operation has no `responses`",
        )
        .help("add at least one response");
        assert_eq!(
            diagnostic.to_string(),
            "error: operation has no `responses`\n  --> spec/x.yaml#/paths/~1usages/post\n  = help: add at least one response\n"
        );
    }
}
