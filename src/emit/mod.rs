//! IR → Rust source files. Emitters see only the IR (**emit never imports openapiv3**); each
//! returns tokens that `format` turns into text on the same worker thread.

mod client;
mod models;
mod operation;
mod runtime;
mod same_types;
mod serde_case;
mod server;
pub mod types;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use crate::format;
use crate::ir::{Api, Group, Model, TypeRef};
use types::{CrateUse, ident};

/// A per-API file beside `models.rs` (`client.rs`, `server.rs`), and what it needs of the
/// runtime and of other crates.
pub struct ApiFile {
    /// The file's tokens, in pieces formatted one at a time.
    pub chunks: Vec<format::Piece>,
    /// Runtime files the file calls into.
    pub runtime: runtime::Capabilities,
    /// Crates the file uses.
    pub crates: CrateUse,
    /// Its child modules that are files of their own (`client/<group>.rs`), in order.
    pub modules: Vec<SubModule>,
}

/// A module written to a file of its own beside its parent's (`server.rs` → `server/<name>.rs`).
pub struct SubModule {
    /// The module's name, which is also its file's.
    pub name: String,
    /// The file's tokens (the first piece opens with the module's inner doc).
    pub pieces: Vec<format::Piece>,
}

/// A security scheme some operation uses, and the field that holds its credential in a generated
/// type (`Client`, `Credentials`).
pub struct SchemeSlot<'a> {
    /// The scheme.
    pub scheme: &'a crate::ir::SecurityScheme,
    /// The field's name, unique beside `reserved`.
    pub field: String,
}

/// The slots of the schemes `api`'s operations use, in document order; field names avoid
/// `reserved` (the type's other fields).
pub fn scheme_slots<'a>(api: &'a Api, reserved: &[&str]) -> Vec<SchemeSlot<'a>> {
    let mut fields = crate::naming::Scope::default();
    for name in reserved {
        fields.try_claim(name);
    }
    api.used_security_schemes()
        .map(|scheme| SchemeSlot {
            scheme,
            field: fields.claim(scheme.name.rust.clone()),
        })
        .collect()
}

/// Everything emitted for a set of APIs, formatted.
pub struct Emitted {
    /// Rust files: path in the generated crate and text.
    pub files: Vec<(String, String)>,
    /// Crates the generated code uses beyond serde.
    pub crates: CrateUse,
    /// Time spent building token streams, summed over the threads.
    pub emit_time: Duration,
    /// Time spent turning them into text, summed over the threads.
    pub format_time: Duration,
}

/// One per-API file to emit and format on a worker thread.
#[derive(Clone, Copy)]
enum Job {
    /// `mod.rs`, the API's module root.
    Module,
    /// `models.rs`.
    Models,
    /// `client.rs`.
    Client,
    /// `server.rs`.
    Server,
}

/// What one job produced: its formatted text (absent for a file the API does not have), and what
/// it needs of the runtime and of other crates.
struct Done {
    path: String,
    text: Option<Result<String, String>>,
    /// The file's child modules' files: path and text.
    modules: Vec<(String, Result<String, String>)>,
    runtime: runtime::Capabilities,
    crates: CrateUse,
    emit_time: Duration,
    format_time: Duration,
}

/// Emits and formats every Rust file of the generated crate for `apis` (already sorted by module
/// name). Each file is emitted and formatted by one worker thread from the IR, shared read-only,
/// so tokens go straight from `quote!` to syn's tree and never through text. Results are put back
/// in job order, so the output does not depend on scheduling. An error names the file.
pub fn emit(apis: &[Api]) -> Result<Emitted, String> {
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    for index in 0..apis.len() {
        for job in [Job::Module, Job::Models, Job::Client, Job::Server] {
            jobs.push((index, job));
        }
    }
    // Heaviest first, so a large file does not start last and leave the other cores idle.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&at| std::cmp::Reverse(weight(&apis[jobs[at].0], jobs[at].1)));
    let done = run_in_parallel(&order, |at| {
        let (index, job) = jobs[at];
        emit_job(&apis[index], job)
    });
    let mut files = Vec::new();
    let mut crates = CrateUse::default();
    let mut capabilities = runtime::Capabilities::default();
    let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
    for item in done {
        let item = item?;
        emit_time += item.emit_time;
        format_time += item.format_time;
        capabilities = capabilities.union(item.runtime);
        crates = crates.union(item.crates);
        if let Some(text) = item.text {
            files.push((item.path, text?));
        }
        for (path, text) in item.modules {
            files.push((path, text?));
        }
    }
    capabilities.binary |= crates.binary;
    capabilities.text_types = runtime::TextTypes {
        uuid: crates.uuid,
        chrono: crates.chrono,
        decimal: crates.rust_decimal,
    };
    crates.regex = capabilities.patterns;
    let runtime = runtime::runtime(capabilities);
    let lib = lib_file(apis, runtime.is_some(), capabilities.binary);
    files.push((
        "src/lib.rs".to_owned(),
        format::rust_file("src/lib.rs", "spec/", [lib])?,
    ));
    if let Some(runtime) = runtime {
        let root = format::rust_file("src/runtime.rs", "spec/", [runtime.root])?;
        files.push(("src/runtime.rs".to_owned(), root));
        // The runtime is ordinary Rust source: copied as written, only the header goes first.
        for file in runtime.files {
            let text = format!("{}{}", format::header("spec/"), file.text);
            files.push((file.path.to_owned(), text));
        }
    }
    Ok(Emitted {
        files,
        crates,
        emit_time,
        format_time,
    })
}

/// A rough measure of how long a job takes, to start the longest ones first.
fn weight(api: &Api, job: Job) -> usize {
    match job {
        Job::Module => 0,
        Job::Models => api.models.len(),
        Job::Client | Job::Server => 2 * api.operations.len(),
    }
}

/// The stack of each emitter thread.
const WORKER_STACK: usize = 8 * 1024 * 1024;

/// Runs `work` for every index in `order` on as many threads as the machine has cores, each
/// thread taking the next index when it finishes one; returns the results by index. `order`
/// holds each of `0..order.len()` once.
fn run_in_parallel<T: Send>(
    order: &[usize],
    work: impl Fn(usize) -> T + Sync,
) -> Vec<Result<T, String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, order.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                // The main thread's stack, not the 2 MiB a spawned thread gets by default: syn and
                // prettyplease recurse into nested types and expressions.
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || {
                        let mut mine = Vec::new();
                        while let Some(&at) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                            mine.push((at, work(at)));
                        }
                        mine
                    })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle {
                Ok(handle) => handle.join().unwrap_or_default(),
                Err(_) => Vec::new(),
            })
            .collect()
    });
    results.sort_by_key(|(at, _)| *at);
    let mut results = results.into_iter().peekable();
    (0..order.len())
        .map(|at| match results.next_if(|(got, _)| *got == at) {
            Some((_, value)) => Ok(value),
            None => Err("internal error: an emitter thread panicked or could not start".to_owned()),
        })
        .collect()
}

/// Emits and formats one per-API file.
fn emit_job(api: &Api, job: Job) -> Done {
    let module = &api.module.rust;
    let source = api.source.as_str();
    let started = Instant::now();
    let (name, emitted) = match job {
        Job::Module => {
            let tokens = vec![format::Piece::Items(api_module(
                api,
                !api.operations.is_empty(),
            ))];
            (
                "mod",
                Some(ApiFile {
                    chunks: tokens,
                    runtime: runtime::Capabilities::default(),
                    crates: CrateUse::default(),
                    modules: Vec::new(),
                }),
            )
        }
        Job::Models => return models_job(api),
        Job::Client => ("client", client::client_file(api)),
        Job::Server => ("server", server::server_file(api)),
    };
    let emit_time = started.elapsed();
    let path = format!("src/{module}/{name}.rs");
    let started = Instant::now();
    match emitted {
        Some(file) => {
            let modules = file
                .modules
                .into_iter()
                .map(|child| {
                    let path = format!("src/{module}/{name}/{}.rs", child.name);
                    let text = format::rust_file(&path, source, child.pieces);
                    (path, text)
                })
                .collect();
            Done {
                text: Some(format::rust_file(&path, source, file.chunks)),
                modules,
                path,
                runtime: file.runtime,
                crates: file.crates,
                emit_time,
                format_time: started.elapsed(),
            }
        }
        None => Done {
            path,
            text: None,
            modules: Vec::new(),
            runtime: runtime::Capabilities::default(),
            crates: CrateUse::default(),
            emit_time,
            format_time: Duration::ZERO,
        },
    }
}

/// Models emitted and printed per thread in one run; fewer and the threads cost more than they
/// save.
const MODELS_PER_RUN: usize = 400;

/// Emits and formats `models.rs` and the groups' model files. A crate's models are most of its
/// text (two thirds of Stripe's), so rather than leave them to one thread while the others are
/// done, runs of consecutive models are emitted and printed on threads of their own and the text
/// joined in order; the opening (`use` lines for what every run noted) is emitted last and
/// printed first. The groups' files are emitted in parallel too.
fn models_job(api: &Api) -> Done {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let files = ModelFiles::of(api);
    let runs = (files.shared.len() / MODELS_PER_RUN).clamp(1, threads);
    let order: Vec<usize> = (0..files.groups.len()).collect();
    let groups = run_in_parallel(&order, |at| {
        let (group, models) = &files.groups[at];
        group_models_file(api, group, models)
    });
    let mut done = models_in_runs(api, &files, runs);
    for group in groups {
        let group = match group {
            Ok(group) => group,
            Err(error) => {
                done.text = Some(Err(error));
                continue;
            }
        };
        done.emit_time += group.emit_time;
        done.format_time += group.format_time;
        done.runtime = done.runtime.union(group.runtime);
        done.crates = done.crates.union(group.crates);
        if let Some(text) = group.text {
            done.modules.push((group.path, text));
        }
    }
    done
}

/// An API's models by the file they go in.
struct ModelFiles<'a> {
    /// Those of `models.rs`: every model compiled whatever the features, or under several
    /// groups' features.
    shared: Vec<&'a Model>,
    /// Each group's own models, compiled under its feature alone, for `models/<group>.rs`; only
    /// groups that have some, in the groups' order, then the schemas no operation uses. A build
    /// without the group's feature never reads the file.
    groups: Vec<(&'a Group, Vec<&'a Model>)>,
}

impl<'a> ModelFiles<'a> {
    fn of(api: &'a Api) -> ModelFiles<'a> {
        let groups: Vec<&Group> = api.groups.iter().chain(&api.other_schemas).collect();
        let by_feature: HashMap<&str, usize> = groups
            .iter()
            .enumerate()
            .map(|(at, group)| (group.feature.as_str(), at))
            .collect();
        let mut shared = Vec::new();
        let mut own: Vec<Vec<&Model>> = vec![Vec::new(); groups.len()];
        for model in &api.models {
            let group = match model.features.as_slice() {
                [feature] => by_feature.get(feature.as_str()).copied(),
                _ => None,
            };
            match group {
                Some(at) => own[at].push(model),
                None => shared.push(model),
            }
        }
        let groups = groups
            .into_iter()
            .zip(own)
            .filter(|(_, models)| !models.is_empty())
            .collect();
        ModelFiles { shared, groups }
    }
}

/// `models.rs` emitted and printed in `runs` runs, each on a thread of its own.
fn models_in_runs(api: &Api, files: &ModelFiles, runs: usize) -> Done {
    let path = format!("src/{}/models.rs", api.module.rust);
    let per_run = files.shared.len().div_ceil(runs).max(1);
    let emit_and_print = |models: &[&Model]| {
        let started = Instant::now();
        let emitted = models::model_items(models, true);
        let emit_time = started.elapsed();
        let started = Instant::now();
        let printed = format::print_run(&path, emitted.items);
        let times = (emit_time, started.elapsed());
        (printed, emitted.imports, emitted.runtime, times)
    };
    let mut chunks = files.shared.chunks(per_run);
    let first = chunks.next().unwrap_or_default();
    let done: Vec<_> = std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|models| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || emit_and_print(models))
            })
            .collect();
        let mut done = vec![Some(emit_and_print(first))];
        done.extend(others.into_iter().map(|other| other.ok()?.join().ok()));
        done
    });
    let mut imports = types::Imports::new();
    let mut used = models::RuntimeUse::default();
    let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
    let mut runs = Vec::new();
    let mut failure = None;
    for run in done {
        let Some((printed, run_imports, run_used, (emit, format))) = run else {
            failure = Some("internal error: a thread emitting models panicked".to_owned());
            continue;
        };
        imports.absorb(&run_imports);
        used = used.union(run_used);
        emit_time += emit;
        format_time += format;
        match printed {
            Ok(printed) => runs.push(printed),
            Err(error) => failure = Some(error),
        }
    }
    let started = Instant::now();
    let declarations: Vec<TokenStream> = files
        .groups
        .iter()
        .map(|(group, _)| operation::group_declaration(group, true))
        .collect();
    let head = models::models_head(api, &declarations, &imports);
    emit_time += started.elapsed();
    let started = Instant::now();
    let text = match failure {
        Some(error) => Err(error),
        None => format::print_run(&path, [head])
            .map(|head| format::join(&api.source, std::iter::once(head).chain(runs))),
    };
    format_time += started.elapsed();
    Done {
        path,
        text: Some(text),
        modules: Vec::new(),
        runtime: runtime_use(used),
        crates: imports.crates(),
        emit_time,
        format_time,
    }
}

/// What the models' runtime use asks of the runtime's files.
fn runtime_use(used: models::RuntimeUse) -> runtime::Capabilities {
    runtime::Capabilities {
        fields: used.reader,
        unions: used.unions,
        ..runtime::Capabilities::default()
    }
}

/// `models/<group>.rs`: the models only `group`'s operations use.
fn group_models_file(api: &Api, group: &Group, models: &[&Model]) -> Done {
    let path = format!("src/{}/models/{}.rs", api.module.rust, group.module);
    let started = Instant::now();
    let emitted = models::model_items(models, false);
    // What its models name that `models.rs` holds: a group's model only ever refers to its own
    // or to models compiled under more features than its own.
    let own: HashSet<&str> = models
        .iter()
        .map(|model| model.name.rust.as_str())
        .collect();
    let shared: BTreeSet<&str> = models
        .iter()
        .flat_map(|model| model.kind.types())
        .filter_map(TypeRef::model)
        .filter(|name| !own.contains(name))
        .collect();
    let head = models::group_models_head(api, group, &shared, &emitted.imports);
    let emit_time = started.elapsed();
    let started = Instant::now();
    let pieces = std::iter::once(head).chain(emitted.items);
    let text = format::rust_file(&path, &api.source, pieces);
    Done {
        path,
        text: Some(text),
        modules: Vec::new(),
        runtime: runtime_use(emitted.runtime),
        crates: emitted.imports.crates(),
        emit_time,
        format_time: started.elapsed(),
    }
}

fn lib_file(apis: &[Api], has_runtime: bool, binary: bool) -> TokenStream {
    let mut docs = vec![
        " Rust bindings for the APIs described in `spec/`, one module per spec:".to_owned(),
        String::new(),
    ];
    for api in apis {
        docs.push(format!(
            " - [`{}`]: {} (version {}), from `{}`",
            api.module.rust, api.title, api.version, api.source
        ));
    }
    // The API modules' roots are small files written as rustfmt writes them; everything below
    // them, and the runtime, is prettyplease's layout, which rustfmt is told to leave alone.
    let mut modules: Vec<(&str, TokenStream)> = apis
        .iter()
        .map(|api| {
            let module = ident(&api.module.rust);
            (api.module.rust.as_str(), quote!(pub mod #module;))
        })
        .collect();
    if has_runtime {
        // Braces, not parentheses: rustfmt rewrites `quote!(…)` as a call and drops the attribute.
        let runtime = quote! {
            #[doc(hidden)]
            #[rustfmt::skip]
            pub mod runtime;
        };
        modules.push(("runtime", runtime));
    }
    modules.sort_by(|a, b| a.0.cmp(b.0));
    let modules = modules.into_iter().map(|(_, tokens)| tokens);
    // Models hold `Binary`, so callers name it at the root rather than in the hidden runtime.
    let binary = binary.then(|| {
        quote! {
            pub use runtime::Binary;
        }
    });
    quote! {
        #(#![doc = #docs])*
        #(#modules)*
        #binary
    }
}

fn api_module(api: &Api, has_client: bool) -> TokenStream {
    let mut docs = vec![format!(
        " {} (version {}), generated from `{}`.",
        api.title, api.version, api.source
    )];
    if !api.docs.lines.is_empty() {
        docs.push(String::new());
        docs.extend(
            types::markdown_for_rustdoc(&api.docs.lines)
                .iter()
                .map(|line| {
                    if line.is_empty() {
                        String::new()
                    } else {
                        format!(" {line}")
                    }
                }),
        );
    }
    let client = has_client.then(|| {
        quote! {
            #[cfg(feature = "client")]
            #[rustfmt::skip]
            pub mod client;
        }
    });
    let server = has_client.then(|| {
        quote! {
            #[cfg(feature = "server")]
            #[rustfmt::skip]
            pub mod server;
        }
    });
    quote! {
        #(#![doc = #docs])*
        #client
        #[rustfmt::skip]
        pub mod models;
        #server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Models that each need an import of their own, spread so every run notes different ones.
    fn many_models_api() -> Api {
        let mut yaml = String::from(
            "openapi: 3.0.3\ninfo: {title: Many, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
        );
        // Each import is needed only by some stretch of the models, so runs note different ones.
        let formats = ["uuid", "date", "date-time"];
        for index in 0..300 {
            let format = formats[index / 100];
            yaml.push_str(&format!(
                "    Model{index}:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string, format: {format}}}\n"
            ));
            if index >= 280 {
                yaml.push_str(
                    "        extra: {type: object, additionalProperties: {type: integer}}\n",
                );
            }
        }
        let source = crate::SpecSource {
            display_path: "spec/many.yaml".to_owned(),
            text: yaml,
        };
        let loaded = crate::load::load(&source).expect("the spec loads");
        crate::lower::lower(&loaded, "many")
            .expect("the spec lowers")
            .api
    }

    #[test]
    fn models_printed_in_runs_on_threads_are_the_models_printed_at_once() {
        let api = many_models_api();
        let files = ModelFiles::of(&api);
        let whole = models_in_runs(&api, &files, 1);
        let text = whole
            .text
            .clone()
            .expect("a models file")
            .expect("it formats");
        let head: String = text
            .lines()
            .take_while(|line| !line.starts_with("///"))
            .collect();
        for import in ["Uuid", "NaiveDate", "DateTime", "BTreeMap"] {
            assert!(head.contains(import), "`{import}` is imported: {head}");
        }
        for runs in [2, 3, 7] {
            let split = models_in_runs(&api, &files, runs);
            assert_eq!(split.text, whole.text, "{runs} runs");
            assert_eq!(split.crates, whole.crates, "{runs} runs");
        }
    }
}
