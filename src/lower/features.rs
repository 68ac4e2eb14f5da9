//! Feature groups: every operation belongs to one group (`x-apigen-feature`, else its first tag,
//! else the first path segment after the prefix all paths share), each group is a cargo feature
//! of the generated crate, and each model is compiled under the features of the groups whose
//! operations reach it. A downstream crate that enables one group compiles that group's
//! operations and the models they use, nothing else.

use std::collections::HashMap;

use heck::ToKebabCase;

use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{Api, Group, Operation, TypeRef};
use crate::naming::{Scope, value_name};

/// The operation extension naming its group, overriding its tag.
pub const EXTENSION: &str = "x-apigen-feature";

/// The same, as the issue that asked for it spells it.
pub const EXTENSION_PLURAL: &str = "x-apigen-features";

/// The most features crates.io accepts for one crate.
pub const MAX_FEATURES: usize = 300;

/// Features every generated crate has besides the groups: `default`, `client`, `server`.
const FIXED_FEATURES: usize = 3;

/// The longest group part of a feature name; longer tags are cut at a word.
const MAX_GROUP_NAME: usize = 40;

/// Module names a group may not take: the client, server and models files import or define these.
const RESERVED_MODULES: [&str; 20] = [
    "models",
    "fmt",
    "std",
    "core",
    "alloc",
    "runtime",
    // The generated crate's dependencies: a module of the same name beside a `use uuid::Uuid`
    // would make the path ambiguous.
    "axum",
    "bytes",
    "chrono",
    "futures",
    "http",
    "multer",
    "percent_encoding",
    "regex",
    "reqwest",
    "rust_decimal",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "uuid",
];

/// Names Windows will not create a file by, whatever the extension: a group's module is a file
/// (`client/<module>.rs`), so a tag named `aux` must not make the crate uncheckoutable there.
const WINDOWS_DEVICE_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// How operations are put in groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grouping {
    /// By `x-apigen-feature` or first tag, else by path.
    Tags,
    /// By the first path segment after the common prefix, whatever the tags say.
    Paths,
    /// The whole API is one group.
    Whole,
}

/// Puts `api`'s operations in groups and gives each model the features that reach it.
pub fn assign(api: &mut Api) {
    regroup(api, Grouping::Tags);
}

/// Keeps the crate within crates.io's feature limit: APIs are regrouped by path, then as one
/// group each, largest first, until the groups fit; each regrouping is a warning on its spec.
pub fn fit_limit(apis: &mut [Api]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let budget = MAX_FEATURES - FIXED_FEATURES;
    for coarser in [Grouping::Paths, Grouping::Whole] {
        let mut order: Vec<usize> = (0..apis.len()).collect();
        order.sort_by_key(|&index| std::cmp::Reverse(apis[index].groups.len()));
        for index in order {
            let total: usize = apis
                .iter()
                .map(|api| api.groups.len() + usize::from(api.other_schemas.is_some()))
                .sum();
            if total <= budget {
                return warnings;
            }
            let before = apis[index].groups.len();
            regroup(&mut apis[index], coarser);
            let after = apis[index].groups.len();
            if after < before {
                let how = match coarser {
                    Grouping::Paths => "by the first segment of their paths",
                    _ => "as one feature",
                };
                warnings.push(
                    Diagnostic::warning_at(
                        &apis[index].source,
                        &Pointer::root(),
                        format!(
                            "the crate would have more than {MAX_FEATURES} cargo features, the most \
                             crates.io accepts: this spec's {before} groups are compiled {how} ({after})"
                        ),
                    )
                    .help(format!(
                        "group operations with `{EXTENSION}` to choose fewer, larger features"
                    )),
                );
            }
        }
    }
    warnings
}

fn regroup(api: &mut Api, grouping: Grouping) {
    let prefix = common_prefix(&api.operations);
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut modules = Scope::default();
    for reserved in RESERVED_MODULES.into_iter().chain(WINDOWS_DEVICE_NAMES) {
        modules.try_claim(reserved);
    }
    let api_feature = api.module.rust.to_kebab_case();
    for operation in &mut api.operations {
        let (name, source) = match (grouping, &operation.group_name) {
            (Grouping::Whole, _) => (api.module.wire.clone(), "the whole API".to_owned()),
            (Grouping::Tags, Some(name)) if operation.tags.first() == Some(name) => {
                (name.clone(), format!("the `{name}` tag"))
            }
            (Grouping::Tags, Some(name)) => (name.clone(), format!("`{EXTENSION}: {name}`")),
            _ => match path_segment(&operation.path, prefix) {
                Some(segment) => (segment.to_owned(), format!("the paths under `{segment}`")),
                None => ("root".to_owned(), "the paths at the root".to_owned()),
            },
        };
        let key = feature_word(&name);
        let index = *by_key.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                feature: format!("{api_feature}-{key}"),
                module: modules.claim(value_name(&key)),
                source,
            });
            groups.len() - 1
        });
        operation.group = index;
    }
    // The schemas no operation uses get a feature and a module of their own, apart from every
    // group's (a tag may be called `other schemas` too).
    let mut key = "other-schemas".to_owned();
    let mut next = 2;
    while by_key.contains_key(&key) {
        key = format!("other-schemas-{next}");
        next += 1;
    }
    let other = Group {
        feature: format!("{api_feature}-{key}"),
        module: modules.claim(value_name(&key)),
        source: "the schemas no operation uses".to_owned(),
    };
    api.groups = groups;
    assign_model_features(api, other);
}

/// How many leading path segments every operation's path shares (`/api/v1/…` → 2); parameters
/// never count.
fn common_prefix(operations: &[Operation]) -> usize {
    let mut paths = operations.iter().map(|operation| segments(&operation.path));
    let Some(first) = paths.next() else {
        return 0;
    };
    let mut shared: Vec<&str> = first.take_while(|s| !s.starts_with('{')).collect();
    for path in paths {
        let same = shared.iter().zip(path).take_while(|(a, b)| *a == b).count();
        shared.truncate(same);
    }
    // A path that is only the prefix (`/api/`) still needs a segment of its own to group by.
    let longest_shared = operations
        .iter()
        .map(|operation| segments(&operation.path).count())
        .min()
        .unwrap_or(0);
    shared.len().min(longest_shared.saturating_sub(1))
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

fn path_segment(path: &str, prefix: usize) -> Option<&str> {
    segments(path)
        .skip(prefix)
        .find(|segment| !segment.starts_with('{'))
}

/// A group's part of a feature name: lowercase words joined by `-`, ASCII only.
fn feature_word(name: &str) -> String {
    let kebab = name.to_kebab_case();
    let mut word = String::new();
    for part in kebab.split('-') {
        let part: String = part
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if part.is_empty() || word.len() + part.len() + 1 > MAX_GROUP_NAME {
            continue;
        }
        if !word.is_empty() {
            word.push('-');
        }
        word.push_str(&part);
    }
    if word.is_empty() {
        "other".to_owned()
    } else {
        word
    }
}

/// Each model's features: those of the groups whose operations reach it through parameters,
/// bodies, headers and the models they contain. One walk per group; a model reached by every
/// group or by none has no features (it is always compiled). Schemas no operation uses get
/// `other`'s feature.
fn assign_model_features(api: &mut Api, other: Group) {
    let index: HashMap<&str, usize> = api
        .models
        .iter()
        .enumerate()
        .map(|(at, model)| (model.name.rust.as_str(), at))
        .collect();
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); api.models.len()];
    // The last walk (plus one) that reached each model, so the walks share one marker array.
    let mut mark = vec![0usize; api.models.len()];
    let groups = api.groups.len();
    let mut walk = |walk_index: usize, mut stack: Vec<usize>, reached: &mut Vec<Vec<usize>>| {
        while let Some(at) = stack.pop() {
            if mark[at] == walk_index + 1 {
                continue;
            }
            mark[at] = walk_index + 1;
            reached[at].push(walk_index);
            for ty in api.models[at].kind.types() {
                stack.extend(ty.model().and_then(|name| index.get(name)).copied());
            }
        }
    };
    for group in 0..groups {
        let mut roots = Vec::new();
        for operation in api.operations.iter().filter(|op| op.group == group) {
            for ty in operation_types(operation) {
                roots.extend(ty.model().and_then(|name| index.get(name)).copied());
            }
        }
        walk(group, roots, &mut reached);
    }
    // Schemas no operation uses are compiled under one more feature of their own (on by
    // default), so a build of some groups leaves them out; so is what only they refer to.
    let unused: Vec<usize> = (0..reached.len())
        .filter(|&at| reached[at].is_empty())
        .collect();
    let other = (!unused.is_empty() && groups > 0).then(|| {
        walk(groups, unused, &mut reached);
        other
    });
    // A model every group reaches is compiled whatever the features, and so is all it refers to.
    let mut always: Vec<bool> = reached
        .iter()
        .map(|walks| groups == 0 || walks.iter().filter(|&&walk| walk < groups).count() == groups)
        .collect();
    let mut stack: Vec<usize> = (0..always.len()).filter(|&at| always[at]).collect();
    while let Some(at) = stack.pop() {
        for ty in api.models[at].kind.types() {
            if let Some(&next) = ty.model().and_then(|name| index.get(name)) {
                if !always[next] {
                    always[next] = true;
                    stack.push(next);
                }
            }
        }
    }
    drop(index);
    for ((model, walks), always) in api.models.iter_mut().zip(reached).zip(always) {
        model.features = if always {
            Vec::new()
        } else {
            let mut features: Vec<String> = walks
                .iter()
                .map(|&walk| match api.groups.get(walk) {
                    Some(group) => group.feature.clone(),
                    None => other
                        .as_ref()
                        .map(|other| other.feature.clone())
                        .unwrap_or_default(),
                })
                .collect();
            features.sort();
            features
        };
    }
    api.other_schemas = other;
}

fn operation_types(operation: &Operation) -> Vec<&TypeRef> {
    let mut types: Vec<&TypeRef> = operation.parameters.iter().map(|p| &p.ty).collect();
    if let Some(body) = &operation.request_body {
        types.extend(
            body.contents
                .iter()
                .filter_map(|content| content.ty.as_ref()),
        );
    }
    for response in &operation.responses {
        types.extend(
            response
                .contents
                .iter()
                .filter_map(|content| content.ty.as_ref()),
        );
        types.extend(response.headers.iter().map(|header| &header.ty));
    }
    if let Some(pagination) = &operation.pagination {
        types.push(&pagination.item);
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SpecSource, generate_with_warnings};

    fn spec_with_tags(tags: usize) -> SpecSource {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: Many, version: '1'}\npaths:\n");
        for index in 0..tags {
            text.push_str(&format!(
                "  /area{index}/things:\n    get:\n      operationId: list{index}\n      tags: [area{index}]\n      responses:\n        '204': {{description: ok}}\n"
            ));
        }
        SpecSource {
            display_path: "spec/many.yaml".to_owned(),
            text,
        }
    }

    #[test]
    fn past_the_feature_limit_groups_become_coarser_with_a_warning() {
        let generated = generate_with_warnings(&[spec_with_tags(310)]).expect("generates");
        let manifest = &generated.files["Cargo.toml"];
        let groups = manifest.matches(" = []").count();
        assert!(groups <= MAX_FEATURES - FIXED_FEATURES, "{groups} groups");
        let warning = generated
            .warnings
            .0
            .iter()
            .find(|w| w.message.contains("cargo features"));
        assert!(warning.is_some(), "{:?}", generated.warnings);
        // Each tag was its own path segment, so the path grouping cannot help: one feature.
        assert_eq!(groups, 1, "{manifest}");
        let fits = generate_with_warnings(&[spec_with_tags(20)]).expect("generates");
        assert_eq!(fits.files["Cargo.toml"].matches(" = []").count(), 20);
        assert!(fits.warnings.0.is_empty(), "{:?}", fits.warnings);
    }

    #[test]
    fn the_extension_overrides_the_tag() {
        let mut source = spec_with_tags(2);
        source.text = source.text.replace(
            "tags: [area1]",
            "tags: [area1]\n      x-apigen-feature: Billing Reports",
        );
        let generated = generate_with_warnings(&[source]).expect("generates");
        let manifest = &generated.files["Cargo.toml"];
        assert!(manifest.contains("many-billing-reports = []"), "{manifest}");
        assert!(manifest.contains("many-area0 = []"), "{manifest}");
        assert!(!manifest.contains("many-area1 = []"), "{manifest}");
    }

    #[test]
    fn a_tag_named_like_the_unused_schemas_feature_does_not_take_it() {
        let mut source = spec_with_tags(2);
        source.text = source
            .text
            .replace("tags: [area1]", "tags: [other schemas]");
        source.text.push_str(
            "components:\n  schemas:\n    Leftover: {type: object, properties: {a: {type: string}}}\n",
        );
        let generated = generate_with_warnings(&[source]).expect("generates");
        let manifest = &generated.files["Cargo.toml"];
        assert_eq!(
            manifest.matches("many-other-schemas = []").count(),
            1,
            "{manifest}"
        );
        assert!(manifest.contains("many-other-schemas-2 = []"), "{manifest}");
        let leftover = &generated.files["src/many/models/other_schemas_2.rs"];
        assert!(leftover.contains("pub struct Leftover"), "{leftover}");
    }

    #[test]
    fn feature_words_are_lowercase_ascii_words() {
        assert_eq!(
            feature_word("Marketplace Resources"),
            "marketplace-resources"
        );
        assert_eq!(
            feature_word("customerBalanceTransactions"),
            "customer-balance-transactions"
        );
        assert_eq!(feature_word("Ünïcode ✓"), "ncode");
        assert_eq!(feature_word("✓"), "other");
        assert!(feature_word(&"word ".repeat(40)).len() <= MAX_GROUP_NAME);
    }
}
