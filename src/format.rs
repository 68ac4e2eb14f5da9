//! Token streams → source text: parsed into syn's tree, printed with prettyplease, the
//! `@generated` header on top. prettyplease's layout is the layout: nothing here moves a token
//! or measures a column (the generated crate declares these files `#[rustfmt::skip]`, so rustfmt
//! leaves them as printed). The only additions are blank lines, which prettyplease never writes:
//! between top-level items and between the items of an `impl`, trait or inline module.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

/// A part of a file to print: whole items, or a block item printed member by member.
pub enum Piece {
    /// Whole items (the first piece of a file may open with its inner attributes).
    Items(TokenStream),
    /// An inline module, `impl` block or trait whose members are printed one at a time.
    Block(Block),
}

impl From<TokenStream> for Piece {
    fn from(tokens: TokenStream) -> Self {
        Piece::Items(tokens)
    }
}

/// A block item given as its opening (the item with an empty body: attributes, `mod name`,
/// `impl Type`, `pub trait Name: Bounds`) and its members. A trait of three thousand methods or
/// a module of a whole API is then never one syntax tree: each member is parsed and printed on
/// its own, at its own depth, and dropped. prettyplease lays out each member the same way
/// wherever it stands (members are separated by hard breaks), so the text is the one it would
/// print for the whole item.
pub struct Block {
    /// What the body holds, which decides how a member is wrapped to be printed alone.
    pub kind: BlockKind,
    /// The item with an empty body (`{}`).
    pub open: TokenStream,
    /// The members, in order.
    pub members: Vec<Piece>,
}

/// The kinds of block item.
#[derive(Clone, Copy)]
pub enum BlockKind {
    /// `mod name { items }`.
    Module,
    /// `impl Type { associated items }`.
    Impl,
    /// `trait Name { trait items }`.
    Trait,
}

/// Formats one generated Rust file from its pieces (the first may open with the file's inner
/// attributes). Each piece is parsed and printed on its own and dropped before the next, so a
/// large file never holds all its syntax tree at once. A parse failure is a bug in an emitter,
/// reported with the file it happened in rather than a panic.
pub fn rust_file<P: Into<Piece>>(
    path: &str,
    source: &str,
    pieces: impl IntoIterator<Item = P>,
) -> Result<String, String> {
    Ok(join(source, [print_run(path, pieces)?]))
}

/// Prints a run of consecutive pieces of a file, to be [`join`]ed with the other runs: a file's
/// runs can be printed on different threads (tokens cannot cross threads, text can).
pub fn print_run<P: Into<Piece>>(
    path: &str,
    pieces: impl IntoIterator<Item = P>,
) -> Result<Run, String> {
    let mut run = Run::default();
    for piece in pieces {
        run.print(path, piece.into())?;
    }
    Ok(run)
}

/// Consecutive pieces of a file, printed.
#[derive(Default)]
pub struct Run {
    text: String,
    /// Whether the first item is a `use` (or `mod foo;`) line; `None` while nothing is printed.
    first_is_use: Option<bool>,
    /// Whether the last item printed is one.
    last_is_use: bool,
}

impl Run {
    /// Prints `piece` after what is printed, with a blank line between items except between
    /// consecutive `use` and `mod foo;` lines, which stay together as a person would write them.
    fn print(&mut self, path: &str, piece: Piece) -> Result<(), String> {
        let chunk = match piece {
            Piece::Items(chunk) => chunk,
            Piece::Block(block) => {
                self.start_item(false);
                let mut printed = String::new();
                print_block(path, block, &mut Vec::new(), &mut printed)?;
                separate_nested_items(&printed, &mut self.text);
                return Ok(());
            }
        };
        let file = parse(path, chunk)?;
        if !file.attrs.is_empty() {
            self.text.push_str(&prettyplease::unparse(&syn::File {
                shebang: None,
                frontmatter: None,
                attrs: file.attrs,
                items: Vec::new(),
            }));
            self.first_is_use.get_or_insert(false);
            self.last_is_use = false;
        }
        for item in file.items {
            let is_use = matches!(
                item,
                syn::Item::Use(_) | syn::Item::Mod(syn::ItemMod { content: None, .. })
            );
            self.start_item(is_use);
            let printed = prettyplease::unparse(&syn::File {
                shebang: None,
                frontmatter: None,
                attrs: Vec::new(),
                items: vec![item],
            });
            separate_nested_items(&printed, &mut self.text);
        }
        Ok(())
    }

    /// The blank line before an item, unless it is the first or a `use` after a `use`.
    fn start_item(&mut self, is_use: bool) {
        match self.first_is_use {
            None => self.first_is_use = Some(is_use),
            Some(_) if is_use && self.last_is_use => {}
            Some(_) => self.text.push('\n'),
        }
        self.last_is_use = is_use;
    }
}

/// The runs of a file one after another under the `@generated` header, separated as items are
/// within a run.
pub fn join(source: &str, runs: impl IntoIterator<Item = Run>) -> String {
    let runs: Vec<Run> = runs.into_iter().collect();
    let mut text = header(source);
    text.reserve(runs.iter().map(|run| run.text.len() + 1).sum());
    let mut previous: Option<bool> = None;
    for run in runs {
        let Some(first_is_use) = run.first_is_use else {
            continue;
        };
        if previous.is_some_and(|last_is_use| !(last_is_use && first_is_use)) {
            text.push('\n');
        }
        text.push_str(&run.text);
        previous = Some(run.last_is_use);
    }
    text
}

/// Parses tokens as a file, every doc attribute kept to one line.
fn parse(path: &str, tokens: TokenStream) -> Result<syn::File, String> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|error| format!("internal error: generated `{path}` does not parse: {error}"))?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut OneLineDocs, &mut file);
    Ok(file)
}

/// Appends `block` as prettyplease prints it inside the blocks `outer` (outermost first): its
/// opening line(s), each member printed alone at the depth inside it, the closing brace.
fn print_block(
    path: &str,
    block: Block,
    outer: &mut Vec<BlockKind>,
    out: &mut String,
) -> Result<(), String> {
    let open = print_at(path, block.open, outer)?;
    let Some(open) = open.strip_suffix("{}\n") else {
        return Err(format!(
            "internal error: a block item in generated `{path}` does not end with an empty body"
        ));
    };
    out.push_str(open);
    out.push_str("{\n");
    outer.push(block.kind);
    for member in block.members {
        match member {
            Piece::Items(tokens) => out.push_str(&print_at(path, tokens, outer)?),
            Piece::Block(inner) => print_block(path, inner, outer, out)?,
        }
    }
    outer.pop();
    out.push_str(&"    ".repeat(outer.len()));
    out.push_str("}\n");
    Ok(())
}

/// `tokens` (items, or the members of the innermost of `outer`) printed as they would be inside
/// the blocks `outer`: wrapped in stand-in blocks of those kinds, printed, and unwrapped (the
/// stand-ins' opening and closing lines cut off), so the indentation and line width are theirs.
fn print_at(path: &str, tokens: TokenStream, outer: &[BlockKind]) -> Result<String, String> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    let mut wrapped = tokens;
    for kind in outer.iter().rev() {
        let (keyword, name) = match kind {
            BlockKind::Module => ("mod", "stand_in"),
            BlockKind::Impl => ("impl", "StandIn"),
            BlockKind::Trait => ("trait", "StandIn"),
        };
        wrapped = TokenStream::from_iter([
            TokenTree::Ident(Ident::new(keyword, Span::call_site())),
            TokenTree::Ident(Ident::new(name, Span::call_site())),
            TokenTree::Group(Group::new(Delimiter::Brace, wrapped)),
        ]);
    }
    let printed = prettyplease::unparse(&parse(path, wrapped)?);
    let depth = outer.len();
    if depth == 0 {
        return Ok(printed);
    }
    let lines: Vec<&str> = printed.lines().collect();
    let Some(inner) = lines.get(depth..lines.len().saturating_sub(depth)) else {
        return Err(format!(
            "internal error: a nested item in generated `{path}` printed unexpectedly"
        ));
    };
    let mut text = String::with_capacity(printed.len());
    for line in inner {
        text.push_str(line);
        text.push('\n');
    }
    Ok(text)
}

/// Keeps every doc attribute to one line of plain text. Emitters write one `#[doc]` per line,
/// but text from a spec (a title, a summary, a parameter name) may hold line breaks or other
/// control characters: prettyplease would print such a doc as a `/** … */` block, which a `*/` in
/// the text could end early to inject code, and rustc refuses a bare carriage return in a doc
/// comment. Each control character becomes a space (a tab four), whatever emitter wrote it.
struct OneLineDocs;

impl syn::visit_mut::VisitMut for OneLineDocs {
    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        let syn::Meta::NameValue(meta) = &mut attribute.meta else {
            return;
        };
        if !meta.path.is_ident("doc") {
            return;
        }
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &mut meta.value
        {
            // A control character is written escaped (`\n`, `\u{0}`): a literal without a
            // backslash needs no look inside.
            if !text.token().to_string().contains('\\') {
                return;
            }
            let value = text.value();
            if value.contains(char::is_control) {
                *text = syn::LitStr::new(&one_line(&value), text.span());
            }
        }
    }
}

/// `text` with each control character replaced by a space (a tab by four).
fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => line.push_str("    "),
            c if c.is_control() => line.push(' '),
            c => line.push(c),
        }
    }
    line
}

/// The first line of every generated file. `source` is a spec path: it is written with `{:?}`-like
/// escaping of anything that could end the comment (a line break) so a path cannot inject code.
pub fn header(source: &str) -> String {
    let mut line = String::from("// @generated by cargo xtask codegen from ");
    for c in source.chars() {
        if c.is_control() {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line.push_str(". Do not edit.\n");
    line
}

/// Copies `printed` (one item as prettyplease wrote it) into `out`, with a blank line before each
/// item nested in an `impl` block, trait or inline module that follows another one: prettyplease
/// prints those back to back. An item starts right after a line that closes the previous one at
/// the same depth (`}` or a `;`-ended one-line item) and opens with an item keyword or an
/// attribute; only whole lines are inserted, so the layout is prettyplease's.
fn separate_nested_items(printed: &str, out: &mut String) {
    const ITEM_STARTS: [&str; 13] = [
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "async fn ",
        "impl",
        "const ",
        "struct ",
        "enum ",
        "mod ",
        "type ",
        "unsafe ",
    ];
    out.reserve(printed.len() + printed.len() / 16);
    let mut previous: Option<&str> = None;
    // The indent of a `use` being read, and of one that just ended: an inline module's `use`
    // lines stay together, with a blank line before the first item after them.
    let mut open_use: Option<usize> = None;
    let mut ended_use: Option<usize> = None;
    for line in printed.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_use = trimmed.starts_with("use ") || trimmed.starts_with("pub use ");
        let starts_item = ITEM_STARTS.iter().any(|start| trimmed.starts_with(start));
        if let Some(previous) = previous {
            let closes = previous.trim_start() == "}" && previous.len() - 1 == indent;
            let after_uses = ended_use == Some(indent) && !is_use;
            if (closes || after_uses) && indent > 0 && starts_item {
                out.push('\n');
            }
        }
        if is_use {
            open_use = Some(indent);
        }
        if open_use == Some(indent) && trimmed.ends_with(';') {
            open_use = None;
            ended_use = Some(indent);
        } else if open_use.is_none() && ended_use.is_some_and(|at| at >= indent) && !is_use {
            ended_use = None;
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn items_inside_impl_blocks_are_separated_by_a_blank_line() {
        let mut out = String::new();
        separate_nested_items(
            "impl A {\n    fn a() {}\n    fn b() {\n    }\n    fn c() {}\n}\n",
            &mut out,
        );
        assert_eq!(
            out,
            "impl A {\n    fn a() {}\n    fn b() {\n    }\n\n    fn c() {}\n}\n"
        );
    }

    #[test]
    fn top_level_items_are_separated_and_uses_kept_together() {
        let tokens = quote! {
            #![doc = " Docs."]
            use a::B;
            use c::D;
            pub struct E;
            pub fn f() {}
        };
        let text = rust_file("src/x.rs", "spec/x.yaml", [tokens]).expect("formats");
        assert_eq!(
            text,
            "// @generated by cargo xtask codegen from spec/x.yaml. Do not edit.\n\
             //! Docs.\n\nuse a::B;\nuse c::D;\n\npub struct E;\n\npub fn f() {}\n"
        );
    }

    #[test]
    fn chunks_print_as_one_file() {
        let chunks = [
            quote!(#![doc = " Docs."] use a::B;),
            quote!(
                use c::D;
                pub struct E;
            ),
            quote!(
                pub fn f() {}
            ),
        ];
        let text = rust_file("src/x.rs", "spec/x.yaml", chunks).expect("formats");
        assert_eq!(
            text,
            "// @generated by cargo xtask codegen from spec/x.yaml. Do not edit.\n\
             //! Docs.\n\nuse a::B;\nuse c::D;\n\npub struct E;\n\npub fn f() {}\n"
        );
    }

    #[test]
    fn a_block_printed_member_by_member_is_the_block_printed_whole() {
        // Lines that fit at one depth and wrap at the next: the members must be laid out at
        // their own depth, not at the top level.
        let call = quote! {
            let value = some_function_with_a_long_name(first_argument_value, second_argument_value_x);
        };
        let method = quote! {
            /// A method.
            pub fn method(&self) -> u32 { #call 1 }
        };
        let signature = quote! {
            /// A trait method.
            fn required(&self, request: SomeRequestTypeWithALongName, credentials: Credentials) -> u32;
        };
        let whole = quote! {
            /// The module.
            #[cfg(feature = "x")]
            mod group {
                use super::Client;
                impl Client { #method #method }
                pub trait Api { #signature #signature }
                pub struct Last;
            }
        };
        let pieces = vec![Piece::Block(Block {
            kind: BlockKind::Module,
            open: quote! {
                /// The module.
                #[cfg(feature = "x")]
                mod group {}
            },
            members: vec![
                Piece::Items(quote!(
                    use super::Client;
                )),
                Piece::Block(Block {
                    kind: BlockKind::Impl,
                    open: quote!(impl Client {}),
                    members: vec![Piece::Items(method.clone()), Piece::Items(method)],
                }),
                Piece::Block(Block {
                    kind: BlockKind::Trait,
                    open: quote!(
                        pub trait Api {}
                    ),
                    members: vec![Piece::Items(signature.clone()), Piece::Items(signature)],
                }),
                Piece::Items(quote!()),
                Piece::Items(quote!(
                    pub struct Last;
                )),
            ],
        })];
        let expected = rust_file("src/x.rs", "spec/x.yaml", [whole]).expect("formats");
        let text = rust_file("src/x.rs", "spec/x.yaml", pieces).expect("formats");
        assert_eq!(text, expected);
        assert!(
            text.contains("\n            let value = some_function_with_a_long_name(\n"),
            "{text}"
        );
    }

    #[test]
    fn doc_text_with_line_breaks_cannot_leave_its_comment() {
        let hostile = " sum\n*/ pub fn evil() {} /*\r\n#![allow(warnings)]\u{0}\tend";
        let tokens = quote! {
            #[doc = #hostile]
            pub struct S;
        };
        let text = rust_file("src/x.rs", "spec/x.yaml", [tokens]).expect("formats");
        let file = syn::parse_file(&text).expect("the output parses");
        assert_eq!(file.items.len(), 1, "only the struct is an item:\n{text}");
        assert!(file.attrs.is_empty(), "no inner attribute got in:\n{text}");
        assert_eq!(
            text.lines().nth(1),
            Some("/// sum */ pub fn evil() {} /*  #![allow(warnings)]     end")
        );
    }

    #[test]
    fn a_line_break_in_the_source_path_cannot_end_the_header_comment() {
        let text = header("spec/x.yaml\n#![allow(warnings)]");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("\\n#![allow(warnings)]"), "{text}");
    }

    #[test]
    fn tokens_that_do_not_parse_are_an_internal_error_naming_the_file() {
        let error = rust_file("src/x.rs", "spec/x.yaml", [quote!(fn)]).expect_err("fails");
        assert!(error.contains("src/x.rs"), "{error}");
    }
}
