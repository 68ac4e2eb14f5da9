//! The only module that touches the disk for output: it makes a directory hold exactly a set of
//! generated files, or reports how the directory differs from them.
//!
//! **The output directory is owned entirely by the generator**: after [`write_tree`] it holds exactly
//! the given files, except for a top-level `target/` directory, which belongs to cargo and is left
//! alone by both [`write_tree`] and [`diff_tree`].

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use similar::TextDiff;

/// Generated files: a relative path with `/` separators (such as `src/waldur/models.rs`) mapped to
/// the file's full text.
pub type Files = BTreeMap<String, String>;

/// What [`write_tree`] changed. Every list is sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files that were created or whose contents changed.
    pub written: Vec<String>,
    /// Files whose bytes were already right; they keep their modification time.
    pub unchanged: Vec<String>,
    /// Files that existed in the output directory but are no longer generated.
    pub removed: Vec<String>,
}

/// Makes `out_dir` hold exactly `files`, atomically.
///
/// The new tree is built in a sibling temporary directory and swapped in with two renames, so an
/// error while building leaves `out_dir` untouched. A file whose bytes did not change is carried
/// over with its modification time. When nothing differs, nothing on disk is touched at all.
/// A top-level `target/` directory inside `out_dir` is not ours: it is kept as it is.
pub fn write_tree(out_dir: &Path, files: &Files) -> io::Result<WriteSummary> {
    validate_relative_paths(files)?;
    recover_from_killed_runs(out_dir)?;
    let existing = ExistingTree::read(out_dir)?;
    let comparison = Comparison::new(&existing, files);
    let summary = WriteSummary {
        written: comparison.written.clone(),
        unchanged: comparison.unchanged.clone(),
        removed: comparison.removed.clone(),
    };
    if comparison.is_identical() {
        return Ok(summary);
    }

    let temp_dir = sibling_path(out_dir, "tmp")?;
    if let Err(error) = build_tree(&temp_dir, files, &existing) {
        // The build error is the one worth reporting; a leftover temporary directory is only
        // clutter, which the next run removes.
        let _ = fs::remove_dir_all(&temp_dir);
        return Err(in_terms_of_out_dir(error, &temp_dir, out_dir));
    }
    swap_into_place(&temp_dir, out_dir, existing.root_exists)?;
    Ok(summary)
}

/// Compares `out_dir` with `files` without writing anything.
///
/// Returns `None` when they are identical, else a unified diff (`--- a/<path>` / `+++ b/<path>`
/// headers, 3 lines of context) in path order, covering changed files, missing files (a diff from
/// empty) and files that should not exist (a diff to empty). A top-level `target/` directory inside
/// `out_dir` is ignored.
pub fn diff_tree(out_dir: &Path, files: &Files) -> io::Result<Option<String>> {
    validate_relative_paths(files)?;
    let existing = ExistingTree::read(out_dir)?;
    let comparison = Comparison::new(&existing, files);
    if comparison.is_identical() {
        return Ok(None);
    }
    Ok(Some(render_diff(out_dir, &existing, files, &comparison)))
}

/// The directory cargo builds into; it may appear inside the output directory when the generated
/// crate is built on its own, and it is never ours to write or remove.
const TARGET_DIR: &str = "target";

/// Number of unchanged lines shown around each change in a diff.
const DIFF_CONTEXT_LINES: usize = 3;

/// What is on disk in the output directory right now.
struct ExistingTree {
    root_exists: bool,
    /// Every non-directory entry, keyed by its `/`-separated path relative to the root.
    files: BTreeMap<String, ExistingFile>,
    /// Every directory below the root (not the root itself, not `target/`), by relative path.
    dirs: BTreeSet<String>,
}

struct ExistingFile {
    disk_path: PathBuf,
    /// The bytes of a regular file; `None` for anything else (a symlink, a socket), which is never
    /// considered up to date because the generator only produces regular files.
    contents: Option<Vec<u8>>,
}

impl ExistingFile {
    fn has_contents(&self, expected: &str) -> bool {
        self.contents.as_deref() == Some(expected.as_bytes())
    }
}

impl ExistingTree {
    fn read(root: &Path) -> io::Result<Self> {
        let mut tree = ExistingTree {
            root_exists: false,
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
        };
        // symlink_metadata, not metadata: renaming a symlink during the swap would replace the link
        // and not the directory it points to, so a symlinked output directory is refused below.
        match fs::symlink_metadata(root) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(tree),
            Err(error) => return Err(with_path(root)(error)),
            Ok(metadata) if !metadata.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::NotADirectory,
                    format!(
                        "{}: output path exists and is not a directory",
                        root.display()
                    ),
                ));
            }
            Ok(_) => tree.root_exists = true,
        }
        tree.walk(root, "")?;
        Ok(tree)
    }

    fn walk(&mut self, dir: &Path, relative_prefix: &str) -> io::Result<()> {
        for entry in fs::read_dir(dir).map_err(with_path(dir))? {
            let entry = entry.map_err(with_path(dir))?;
            let disk_path = entry.path();
            let file_name = entry.file_name();
            let name = file_name.to_string_lossy();
            let relative_path = if relative_prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{relative_prefix}/{name}")
            };
            let file_type = entry.file_type().map_err(with_path(&disk_path))?;
            if file_type.is_dir() {
                if relative_prefix.is_empty() && relative_path == TARGET_DIR {
                    continue;
                }
                self.walk(&disk_path, &relative_path)?;
                self.dirs.insert(relative_path);
            } else {
                let contents = if file_type.is_file() {
                    Some(fs::read(&disk_path).map_err(with_path(&disk_path))?)
                } else {
                    None
                };
                self.files.insert(
                    relative_path,
                    ExistingFile {
                        disk_path,
                        contents,
                    },
                );
            }
        }
        Ok(())
    }
}

/// How the existing tree differs from the wanted files; every list is sorted by path.
struct Comparison {
    written: Vec<String>,
    unchanged: Vec<String>,
    removed: Vec<String>,
    /// Directories on disk that the wanted files do not need.
    stray_dirs: Vec<String>,
    /// The output directory itself is missing.
    root_missing: bool,
}

impl Comparison {
    fn new(existing: &ExistingTree, files: &Files) -> Self {
        let mut written = Vec::new();
        let mut unchanged = Vec::new();
        for (path, contents) in files {
            match existing.files.get(path) {
                Some(old) if old.has_contents(contents) => unchanged.push(path.clone()),
                _ => written.push(path.clone()),
            }
        }
        let removed = existing
            .files
            .keys()
            .filter(|path| !files.contains_key(*path))
            .cloned()
            .collect();
        let needed_dirs = parent_dirs(files);
        let stray_dirs = existing
            .dirs
            .iter()
            .filter(|dir| !needed_dirs.contains(dir.as_str()))
            .cloned()
            .collect();
        Comparison {
            written,
            unchanged,
            removed,
            stray_dirs,
            root_missing: !existing.root_exists,
        }
    }

    fn is_identical(&self) -> bool {
        self.written.is_empty()
            && self.removed.is_empty()
            && self.stray_dirs.is_empty()
            && !self.root_missing
    }
}

/// Every directory that must exist to hold `files`, as `/`-separated relative paths.
fn parent_dirs(files: &Files) -> BTreeSet<&str> {
    let mut dirs = BTreeSet::new();
    for path in files.keys() {
        let mut rest = path.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            dirs.insert(parent);
            rest = parent;
        }
    }
    dirs
}

fn render_diff(
    out_dir: &Path,
    existing: &ExistingTree,
    files: &Files,
    comparison: &Comparison,
) -> String {
    let mut diff = String::new();
    if comparison.root_missing && files.is_empty() {
        // The only case no file diff shows: nothing is wanted but the directory itself.
        diff.push_str(&format!("directory {} does not exist\n", out_dir.display()));
    }
    let all_paths: BTreeSet<&String> = existing.files.keys().chain(files.keys()).collect();
    for path in all_paths {
        let old_file = existing.files.get(path);
        let new_text = files.get(path);
        let up_to_date = matches!(
            (old_file, new_text),
            (Some(old_file), Some(new_text)) if old_file.has_contents(new_text)
        );
        if up_to_date {
            continue;
        }
        let old_text = old_file
            .and_then(|file| file.contents.as_deref())
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let new_text = new_text.map(String::as_str).unwrap_or_default();
        diff.push_str(&file_diff(path, &old_text, new_text));
    }
    for dir in &comparison.stray_dirs {
        // A stray directory that still holds files already shows up as those files' removal.
        let dir_prefix = format!("{dir}/");
        let holds_files = existing
            .files
            .keys()
            .any(|path| path.starts_with(&dir_prefix));
        if !holds_files {
            diff.push_str(&format!("empty directory a/{dir}/ should not exist\n"));
        }
    }
    diff
}

/// A unified diff of one file, always with its headers so the path is named even when the
/// difference has no lines to show.
fn file_diff(path: &str, old_text: &str, new_text: &str) -> String {
    let old_header = format!("a/{path}");
    let new_header = format!("b/{path}");
    let rendered = TextDiff::from_lines(old_text, new_text)
        .unified_diff()
        .context_radius(DIFF_CONTEXT_LINES)
        .header(&old_header, &new_header)
        .to_string();
    if rendered.is_empty() {
        // An empty file that is missing or extra, a non-regular file, or bytes that differ only
        // where they are not valid UTF-8: there is no line to show, so say so.
        format!("--- {old_header}\n+++ {new_header}\nFiles {old_header} and {new_header} differ\n")
    } else {
        rendered
    }
}

/// Refuses paths that could escape the output directory or collide with cargo's `target/`.
fn validate_relative_paths(files: &Files) -> io::Result<()> {
    for path in files.keys() {
        let invalid = |reason: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{path}: invalid generated file path: {reason}"),
            )
        };
        for component in path.split('/') {
            let mut components = Path::new(component).components();
            let is_one_normal_component = matches!(
                (components.next(), components.next()),
                (Some(Component::Normal(_)), None)
            );
            if !is_one_normal_component || component.contains('\\') {
                return Err(invalid(
                    "it must be relative, use `/` separators and have no empty, `.` or `..` parts",
                ));
            }
        }
        if path.split('/').next() == Some(TARGET_DIR) {
            return Err(invalid(
                "`target/` in the output directory belongs to cargo",
            ));
        }
    }
    Ok(())
}

/// `<parent>/.<name>.<purpose>-<pid>`: next to `out_dir`, so renames stay on one file system.
fn sibling_path(out_dir: &Path, purpose: &str) -> io::Result<PathBuf> {
    let name = out_dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: output directory has no final name", out_dir.display()),
        )
    })?;
    let mut sibling_name = OsString::from(".");
    sibling_name.push(name);
    sibling_name.push(format!(".{purpose}-{}", std::process::id()));
    Ok(out_dir.with_file_name(sibling_name))
}

/// Cleans up after earlier runs that were killed while writing: their temporary `.NAME.tmp-PID`
/// and backup `.NAME.old-PID` siblings are removed, and when `out_dir` itself is missing while a
/// backup exists (a run killed between the two renames where the OS has no atomic exchange), the
/// backup is the old tree and is put back first. Siblings of a process that is still running are
/// left alone.
fn recover_from_killed_runs(out_dir: &Path) -> io::Result<()> {
    let Some(name) = out_dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
    else {
        return Ok(());
    };
    let parent = match out_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(()); // no parent yet: nothing was ever written here
    };
    let mut stale: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        for (purpose, is_backup) in [("tmp", false), ("old", true)] {
            let prefix = format!(".{name}.{purpose}-");
            let Some(pid) = file_name.strip_prefix(&prefix) else {
                continue;
            };
            let Ok(pid) = pid.parse::<u32>() else {
                continue;
            };
            if pid == std::process::id() || !process_is_running(pid) {
                stale.push((is_backup, entry.path()));
            }
        }
    }
    stale.sort();
    let out_missing = matches!(
        fs::symlink_metadata(out_dir),
        Err(error) if error.kind() == io::ErrorKind::NotFound
    );
    if out_missing {
        if let Some((_, backup)) = stale.iter().rev().find(|(is_backup, _)| *is_backup) {
            fs::rename(backup, out_dir).map_err(with_path(backup))?;
        }
    }
    for (_, path) in stale {
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_dir() => remove_dir_if_present(&path)?,
            Ok(_) => fs::remove_file(&path).map_err(with_path(&path))?,
            Err(_) => {} // already gone, or restored as the output directory
        }
    }
    Ok(())
}

/// Whether a process with this id is running (on Linux; elsewhere every other process is
/// assumed to be, so nothing of another run is removed).
fn process_is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

fn join_relative(base: &Path, relative_path: &str) -> PathBuf {
    relative_path
        .split('/')
        .fold(base.to_path_buf(), |path, component| path.join(component))
}

fn remove_dir_if_present(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(with_path(dir)(error)),
        _ => Ok(()),
    }
}

/// Writes the complete new tree into `temp_dir`, reusing unchanged files from the existing tree.
fn build_tree(temp_dir: &Path, files: &Files, existing: &ExistingTree) -> io::Result<()> {
    // A leftover from an earlier run that crashed with the same process id.
    remove_dir_if_present(temp_dir)?;
    // `generated` has the parent `""`, which is the current directory and needs no creating.
    if let Some(parent) = temp_dir
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent).map_err(with_path(parent))?;
    }
    fs::create_dir(temp_dir).map_err(with_path(temp_dir))?;
    for (relative_path, contents) in files {
        let destination = join_relative(temp_dir, relative_path);
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent).map_err(with_path(parent))?;
        }
        match existing.files.get(relative_path) {
            Some(old) if old.has_contents(contents) => {
                reuse_unchanged_file(&old.disk_path, &destination)?;
            }
            _ => fs::write(&destination, contents).map_err(with_path(&destination))?,
        }
    }
    Ok(())
}

/// A hard link keeps the old file's bytes and mtime for free; when the file system cannot link,
/// a copy with the mtime set back does the same.
fn reuse_unchanged_file(old_path: &Path, destination: &Path) -> io::Result<()> {
    if fs::hard_link(old_path, destination).is_ok() {
        return Ok(());
    }
    copy_keeping_mtime(old_path, destination)
}

fn copy_keeping_mtime(old_path: &Path, destination: &Path) -> io::Result<()> {
    let modified = fs::metadata(old_path)
        .and_then(|metadata| metadata.modified())
        .map_err(with_path(old_path))?;
    fs::copy(old_path, destination).map_err(with_path(destination))?;
    fs::OpenOptions::new()
        .write(true)
        .open(destination)
        .and_then(|file| file.set_modified(modified))
        .map_err(with_path(destination))
}

/// Replaces `out_dir` with `temp_dir`: out_dir → backup, temp → out_dir, then the backup is
/// deleted. If the second rename fails, the backup is put back.
fn swap_into_place(temp_dir: &Path, out_dir: &Path, out_dir_exists: bool) -> io::Result<()> {
    if !out_dir_exists {
        return fs::rename(temp_dir, out_dir).map_err(|error| {
            let _ = fs::remove_dir_all(temp_dir);
            with_path(out_dir)(error)
        });
    }
    // Where the OS can exchange two directories in one step, `out_dir` never stops holding a
    // whole tree, old or new, even if the process is killed right here.
    if exchange(temp_dir, out_dir) {
        return finish_swap(temp_dir, out_dir);
    }

    let backup_dir = sibling_path(out_dir, "old")?;
    if let Err(error) = remove_dir_if_present(&backup_dir) {
        let _ = fs::remove_dir_all(temp_dir);
        return Err(error);
    }
    if let Err(error) = fs::rename(out_dir, &backup_dir) {
        let _ = fs::remove_dir_all(temp_dir);
        return Err(with_path(out_dir)(error));
    }
    if let Err(error) = fs::rename(temp_dir, out_dir) {
        let restored = fs::rename(&backup_dir, out_dir);
        let _ = fs::remove_dir_all(temp_dir);
        return Err(match restored {
            Ok(()) => with_path(out_dir)(error),
            Err(restore_error) => io::Error::new(
                error.kind(),
                format!(
                    "{}: {error}; the previous tree could not be restored from {}: {restore_error}",
                    out_dir.display(),
                    backup_dir.display()
                ),
            ),
        });
    }

    finish_swap(&backup_dir, out_dir)
}

/// Swaps the two directories atomically; false when this OS or file system cannot (then nothing
/// moved).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// With the new tree in `out_dir` and the old one in `backup_dir`: brings cargo's `target/` back
/// and deletes the old tree.
fn finish_swap(backup_dir: &Path, out_dir: &Path) -> io::Result<()> {
    let backup_dir = backup_dir.to_path_buf();
    // cargo's target/ travelled with the old tree into the backup; bring it back before the backup
    // is deleted. If that fails, the backup is kept so the build cache is not lost.
    let old_target_dir = backup_dir.join(TARGET_DIR);
    let backup_has_target = fs::symlink_metadata(&old_target_dir)
        .map(|metadata| metadata.is_dir())
        .unwrap_or(false);
    if backup_has_target {
        fs::rename(&old_target_dir, out_dir.join(TARGET_DIR)).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!(
                    "{}: {error}; it is kept in {}",
                    old_target_dir.display(),
                    backup_dir.display()
                ),
            )
        })?;
    }
    fs::remove_dir_all(&backup_dir).map_err(with_path(&backup_dir))
}

/// An error about the temporary tree, said about the output directory the user named: the
/// temporary sibling is the generator's business (`/x/.gen.tmp-42/src: Permission denied`
/// becomes `/x/gen/src: Permission denied (writing the new tree beside /x/gen)`).
fn in_terms_of_out_dir(error: io::Error, temp_dir: &Path, out_dir: &Path) -> io::Error {
    let message = error.to_string();
    let temp = temp_dir.display().to_string();
    if !message.contains(&temp) {
        return error;
    }
    let message = message.replace(&temp, &out_dir.display().to_string());
    io::Error::new(
        error.kind(),
        format!(
            "{message} (writing the new tree in a temporary folder beside {})",
            out_dir.display()
        ),
    )
}

/// Adds the path to an I/O error, which on its own never says which file it is about.
fn with_path(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |error| io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect()
    }

    fn strings(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|path| path.to_string()).collect()
    }

    /// Everything under `root` except `target/`, read independently of the code under test.
    fn read_back(root: &Path) -> io::Result<BTreeMap<String, String>> {
        fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) -> io::Result<()> {
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let relative = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                if entry.file_type()?.is_dir() {
                    if relative != "target" {
                        walk(&entry.path(), &relative, out)?;
                    }
                } else {
                    out.insert(relative, fs::read_to_string(entry.path())?);
                }
            }
            Ok(())
        }
        let mut out = BTreeMap::new();
        walk(root, "", &mut out)?;
        Ok(out)
    }

    fn dir_names(dir: &Path) -> io::Result<BTreeSet<String>> {
        fs::read_dir(dir)?
            .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
            .collect()
    }

    fn mtime(path: &Path) -> io::Result<SystemTime> {
        fs::metadata(path)?.modified()
    }

    /// Sets an mtime far in the past, so "kept its mtime" cannot pass by accident.
    fn set_old_mtime(path: &Path) -> io::Result<SystemTime> {
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let file = if path.is_dir() {
            fs::File::open(path)?
        } else {
            fs::OpenOptions::new().write(true).open(path)?
        };
        file.set_modified(old)?;
        Ok(old)
    }

    /// A process id no running process has (Linux's limit is far below it).
    const DEAD_PID: u32 = u32::MAX - 1;

    #[test]
    fn leftovers_of_killed_runs_are_removed_and_a_lost_output_restored() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        // A run killed between the two renames: no output directory, the old tree in its backup,
        // and a half-written temporary tree.
        let backup = parent.path().join(format!(".generated.old-{DEAD_PID}"));
        fs::create_dir_all(backup.join("src"))?;
        fs::write(backup.join("src/lib.rs"), "old\n")?;
        fs::write(backup.join("kept.txt"), "same\n")?;
        let temp = parent.path().join(format!(".generated.tmp-{DEAD_PID}"));
        fs::create_dir_all(&temp)?;
        fs::write(temp.join("half"), "x")?;
        let wanted = files(&[("src/lib.rs", "new\n"), ("kept.txt", "same\n")]);

        let summary = write_tree(&out_dir, &wanted)?;

        assert_eq!(
            summary.unchanged,
            strings(&["kept.txt"]),
            "the old tree came back"
        );
        assert_eq!(read_back(&out_dir)?, wanted);
        assert_eq!(
            dir_names(parent.path())?,
            BTreeSet::from(["generated".to_string()])
        );
        Ok(())
    }

    #[test]
    fn write_errors_name_the_output_directory_not_the_temporary_one() {
        let parent = Path::new("/x");
        let error = io::Error::new(
            io::ErrorKind::PermissionDenied,
            "/x/.gen.tmp-42/src: Permission denied",
        );
        let said = in_terms_of_out_dir(error, &parent.join(".gen.tmp-42"), &parent.join("gen"));
        assert_eq!(said.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(
            said.to_string(),
            "/x/gen/src: Permission denied (writing the new tree in a temporary folder beside /x/gen)"
        );
    }

    #[test]
    fn siblings_of_a_running_process_are_left_alone() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        // Process 1 always runs: its temporary tree may be in use.
        let busy = parent.path().join(".generated.tmp-1");
        fs::create_dir_all(&busy)?;
        write_tree(&out_dir, &files(&[("a.txt", "a\n")]))?;
        assert!(busy.exists());
        Ok(())
    }

    #[test]
    fn creates_a_fresh_tree() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let wanted = files(&[
            ("Cargo.toml", "[package]\n"),
            ("src/lib.rs", "pub mod waldur;\n"),
            ("src/waldur/models.rs", "pub struct Project;\n"),
        ]);

        let summary = write_tree(&out_dir, &wanted)?;

        assert_eq!(
            summary,
            WriteSummary {
                written: strings(&["Cargo.toml", "src/lib.rs", "src/waldur/models.rs"]),
                unchanged: vec![],
                removed: vec![],
            }
        );
        assert_eq!(read_back(&out_dir)?, wanted);
        // No temporary or backup sibling is left behind.
        assert_eq!(
            dir_names(parent.path())?,
            BTreeSet::from(["generated".to_string()])
        );
        Ok(())
    }

    #[test]
    fn rewrite_changes_adds_removes_and_keeps_unchanged_mtime() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        write_tree(
            &out_dir,
            &files(&[
                ("changed.rs", "old\n"),
                ("same/unchanged.rs", "same\n"),
                ("old/removed.rs", "gone soon\n"),
            ]),
        )?;
        let unchanged_path = out_dir.join("same").join("unchanged.rs");
        let old_mtime = set_old_mtime(&unchanged_path)?;

        let wanted = files(&[
            ("added.rs", "new file\n"),
            ("changed.rs", "new\n"),
            ("same/unchanged.rs", "same\n"),
        ]);
        let summary = write_tree(&out_dir, &wanted)?;

        assert_eq!(
            summary,
            WriteSummary {
                written: strings(&["added.rs", "changed.rs"]),
                unchanged: strings(&["same/unchanged.rs"]),
                removed: strings(&["old/removed.rs"]),
            }
        );
        assert_eq!(read_back(&out_dir)?, wanted);
        assert_eq!(mtime(&unchanged_path)?, old_mtime);
        assert!(
            !out_dir.join("old").exists(),
            "the emptied directory is removed"
        );
        assert_eq!(
            dir_names(parent.path())?,
            BTreeSet::from(["generated".to_string()])
        );
        Ok(())
    }

    #[test]
    fn nothing_changed_touches_nothing() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let wanted = files(&[("a.rs", "a\n"), ("src/b.rs", "b\n")]);
        write_tree(&out_dir, &wanted)?;
        // Old mtimes everywhere: recreating, renaming into or writing any of these would change one.
        let watched = [
            parent.path().to_path_buf(),
            out_dir.clone(),
            out_dir.join("src"),
            out_dir.join("a.rs"),
            out_dir.join("src").join("b.rs"),
        ];
        let mut before = Vec::new();
        for path in &watched {
            before.push(set_old_mtime(path)?);
        }

        let summary = write_tree(&out_dir, &wanted)?;

        assert_eq!(
            summary,
            WriteSummary {
                written: vec![],
                unchanged: strings(&["a.rs", "src/b.rs"]),
                removed: vec![],
            }
        );
        let after = watched
            .iter()
            .map(|path| mtime(path))
            .collect::<io::Result<Vec<_>>>()?;
        assert_eq!(after, before);
        Ok(())
    }

    #[test]
    fn diff_tree_is_none_when_equal_and_names_every_difference() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let wanted = files(&[
            ("b_changed.rs", "one\ntwo\nthree\n"),
            ("c_missing.rs", "brand new\n"),
            ("d_same.rs", "same\n"),
        ]);
        write_tree(&out_dir, &wanted)?;
        assert_eq!(diff_tree(&out_dir, &wanted)?, None);

        fs::write(out_dir.join("b_changed.rs"), "one\nTWO\nthree\n")?;
        fs::remove_file(out_dir.join("c_missing.rs"))?;
        fs::write(out_dir.join("a_extra.rs"), "stale\n")?;
        let on_disk_before = read_back(&out_dir)?;

        let diff = diff_tree(&out_dir, &wanted)?.ok_or("expected a diff")?;

        let expected = "\
--- a/a_extra.rs
+++ b/a_extra.rs
@@ -1 +0,0 @@
-stale
--- a/b_changed.rs
+++ b/b_changed.rs
@@ -1,3 +1,3 @@
 one
-TWO
+two
 three
--- a/c_missing.rs
+++ b/c_missing.rs
@@ -0,0 +1 @@
+brand new
";
        assert_eq!(diff, expected);
        assert_eq!(
            read_back(&out_dir)?,
            on_disk_before,
            "diff_tree writes nothing"
        );
        Ok(())
    }

    #[test]
    fn diff_tree_reports_a_missing_output_directory_and_empty_files() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let diff = diff_tree(&out_dir, &files(&[("empty.rs", "")]))?.ok_or("expected a diff")?;
        assert_eq!(
            diff,
            "--- a/empty.rs\n+++ b/empty.rs\nFiles a/empty.rs and b/empty.rs differ\n"
        );
        assert!(!out_dir.exists());
        Ok(())
    }

    #[test]
    fn stray_empty_directory_is_reported_and_removed() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let wanted = files(&[("a.rs", "a\n")]);
        write_tree(&out_dir, &wanted)?;
        fs::create_dir_all(out_dir.join("leftover").join("deeper"))?;

        let diff = diff_tree(&out_dir, &wanted)?.ok_or("expected a diff")?;
        assert!(
            diff.contains("empty directory a/leftover/ should not exist"),
            "{diff}"
        );

        let summary = write_tree(&out_dir, &wanted)?;
        assert_eq!(summary.unchanged, strings(&["a.rs"]));
        assert!(!out_dir.join("leftover").exists());
        assert_eq!(diff_tree(&out_dir, &wanted)?, None);
        Ok(())
    }

    #[test]
    fn target_directory_is_left_in_place() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let wanted = files(&[("src/lib.rs", "v1\n")]);
        write_tree(&out_dir, &wanted)?;
        let cache_file = out_dir.join("target").join("debug").join("cache.bin");
        fs::create_dir_all(cache_file.parent().ok_or("no parent")?)?;
        fs::write(&cache_file, "build cache")?;

        assert_eq!(
            diff_tree(&out_dir, &wanted)?,
            None,
            "target/ is not ours to compare"
        );
        let unchanged_summary = write_tree(&out_dir, &wanted)?;
        assert!(unchanged_summary.removed.is_empty());

        let changed = files(&[("src/lib.rs", "v2\n")]);
        let summary = write_tree(&out_dir, &changed)?;
        assert_eq!(summary.written, strings(&["src/lib.rs"]));
        assert!(summary.removed.is_empty(), "{:?}", summary.removed);
        assert_eq!(fs::read_to_string(&cache_file)?, "build cache");
        assert_eq!(read_back(&out_dir)?, changed);
        assert_eq!(
            dir_names(parent.path())?,
            BTreeSet::from(["generated".to_string()])
        );
        Ok(())
    }

    #[test]
    fn failure_while_building_leaves_the_old_tree_untouched() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        let original = files(&[("keep.rs", "keep\n")]);
        write_tree(&out_dir, &original)?;

        // `a` cannot be both a file and a directory, so building the new tree fails halfway.
        let impossible = files(&[
            ("a", "file\n"),
            ("a/b.rs", "child\n"),
            ("keep.rs", "changed\n"),
        ]);
        let error = match write_tree(&out_dir, &impossible) {
            Ok(summary) => return Err(format!("expected an error, got {summary:?}").into()),
            Err(error) => error,
        };

        let message = error.to_string();
        assert!(!message.contains(".generated.tmp-"), "{message}");
        assert!(message.contains("beside"), "{message}");
        assert_eq!(read_back(&out_dir)?, original);
        assert_eq!(
            dir_names(parent.path())?,
            BTreeSet::from(["generated".to_string()])
        );
        Ok(())
    }

    #[test]
    fn paths_that_could_escape_or_collide_are_refused() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        for bad_path in [
            "../escape.rs",
            "/absolute.rs",
            "a//b.rs",
            "./a.rs",
            "",
            "target/x.rs",
        ] {
            let bad = files(&[(bad_path, "x\n")]);
            for result in [
                write_tree(&out_dir, &bad).map(|_| ()),
                diff_tree(&out_dir, &bad).map(|_| ()),
            ] {
                let error = result.err().ok_or(format!("{bad_path:?} was accepted"))?;
                assert_eq!(
                    error.kind(),
                    io::ErrorKind::InvalidInput,
                    "{bad_path:?}: {error}"
                );
            }
        }
        assert!(dir_names(parent.path())?.is_empty(), "nothing was written");
        Ok(())
    }

    #[test]
    fn output_path_that_is_a_file_is_an_error_naming_it() -> TestResult {
        let parent = tempfile::tempdir()?;
        let out_dir = parent.path().join("generated");
        fs::write(&out_dir, "not a directory")?;
        let error = write_tree(&out_dir, &files(&[("a.rs", "a\n")]))
            .err()
            .ok_or("expected an error")?;
        assert!(
            error.to_string().contains(&out_dir.display().to_string()),
            "{error}"
        );
        assert_eq!(fs::read_to_string(&out_dir)?, "not a directory");
        Ok(())
    }

    #[test]
    fn copy_fallback_keeps_bytes_and_mtime() -> TestResult {
        let dir = tempfile::tempdir()?;
        let old_path = dir.path().join("old.rs");
        let destination = dir.path().join("copy.rs");
        fs::write(&old_path, "contents\n")?;
        let old_mtime = set_old_mtime(&old_path)?;

        copy_keeping_mtime(&old_path, &destination)?;

        assert_eq!(fs::read_to_string(&destination)?, "contents\n");
        assert_eq!(mtime(&destination)?, old_mtime);
        Ok(())
    }
}
