//! `cargo xtask codegen` killed at any moment leaves the output path holding a whole tree, the
//! old one or the new one, never none and never a mix; the next run removes whatever the killed
//! one left beside it. (The write swaps the trees with one atomic exchange where the OS has one;
//! before, a kill between its two renames left no output directory at all.)

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file below `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("directory is readable") {
            let path = entry.expect("entry is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("below dir").to_path_buf();
                found.insert(relative, fs::read(&path).expect("file is readable"));
            }
        }
    }
    found
}

fn codegen(spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("codegen")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn run_to_completion(spec: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let status = codegen(spec, out).status().expect("codegen starts");
    assert!(status.success(), "codegen of {} failed", spec.display());
    started.elapsed()
}

/// The names in `dir` other than `keep`.
fn others(dir: &Path, keep: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("directory is readable")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != keep)
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_codegen_leaves_a_whole_tree_and_the_next_run_cleans_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let work = tempfile::tempdir().expect("temporary directory");
    // Two specs with the same file name, so both write the same module and files of the same
    // names hold different text.
    let (dir_a, dir_b) = (work.path().join("a"), work.path().join("b"));
    fs::create_dir_all(&dir_a).expect("a/");
    fs::create_dir_all(&dir_b).expect("b/");
    let spec_a = dir_a.join("api.yaml");
    let spec_b = dir_b.join("api.yaml");
    fs::copy(root.join("spec/waldur.yaml"), &spec_a).expect("spec a");
    fs::copy(root.join("spec/graalsystems.yaml"), &spec_b).expect("spec b");
    let out = work.path().join("generated");
    let slowest = run_to_completion(&spec_a, &out).max(run_to_completion(&spec_b, &out));
    let tree_b = tree(&out);
    run_to_completion(&spec_a, &out);
    let tree_a = tree(&out);
    assert_ne!(tree_a, tree_b);

    // Kill runs while they write: once the temporary tree appears beside the output, after a
    // delay drawn from a fixed sequence (so every machine tries the same moments), or at a
    // moment anywhere in the run when the write is over before it is seen.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let span = u64::try_from(slowest.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    for round in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let spec = if round % 2 == 0 { &spec_b } else { &spec_a };
        let mut child = codegen(spec, &out).spawn().expect("codegen starts");
        let writing = format!(".generated.tmp-{}", child.id());
        let deadline = Instant::now() + slowest * 4;
        while !work.path().join(&writing).exists() && Instant::now() < deadline {
            if child.try_wait().expect("codegen can be polled").is_some() {
                break;
            }
        }
        let delay = if round % 3 == 0 {
            seed % span
        } else {
            seed % 3_000
        };
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        child.wait().expect("codegen ends");
        assert!(out.is_dir(), "round {round}: the output directory is gone");
        let now = tree(&out);
        assert!(
            now == tree_a || now == tree_b,
            "round {round}: the output is neither the old tree nor the new one"
        );
    }

    run_to_completion(&spec_b, &out);
    assert_eq!(tree(&out), tree_b);
    assert_eq!(
        others(work.path(), "generated"),
        ["a", "b"],
        "a killed run's temporary or backup tree was left beside the output"
    );
}
