//! The one gate between annals and the files that configuration names or that annals
//! writes. In CI, `annals.toml`, templates, file names and symlinks come from a pull request:
//! every such path resolves here, after following symlinks, inside the repository root and
//! outside `.git` and nested repositories (submodules); only regular files are read, within
//! the size limit. Every write goes through [`Writer`]: it holds the repository write lock (an
//! OS file lock, freed when its process dies) and applies a change through a journal, so that
//! after a crash at any point the next annals command finishes the change (or rolls it back
//! when nothing had been written yet) and no temporary file outlives it.
//!
//! A leaf: it knows no documents, no git library and no rules.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("`{0}` lies outside the repository")]
    Outside(String),
    #[error("`{0}` lies inside `.git`")]
    InGit(String),
    #[error("`{path}` lies inside `{nested}`, another git repository (a submodule)")]
    InSubmodule { path: String, nested: String },
    #[error("`{0}` is not a regular file")]
    NotRegular(String),
    #[error("`{path}` is larger than [limits] max_file_size ({size} > {limit} bytes)")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("`{0}` already exists: annals never overwrites a file it creates")]
    Exists(String),
    #[error(
        "another annals process has held the write lock ({lock}) for {waited}s: gave up \
         (the lock is freed when that process ends; try again then)"
    )]
    Locked { lock: String, waited: u64 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl GateError {
    fn io(path: impl AsRef<Path>, source: std::io::Error) -> GateError {
        GateError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// The repository root as the gate sees it: canonical, with the folder where annals keeps its
/// state (`.git/annals`, or `.annals` outside git).
#[derive(Debug, Clone)]
pub struct Root {
    /// The root as configured (for messages and plain joins).
    given: PathBuf,
    /// The root with symlinks resolved: what every path must stay under.
    canon: PathBuf,
    /// `.git/annals/` of this work tree (a linked worktree has its own), or `.annals/`.
    state: PathBuf,
}

impl Root {
    pub fn new(root: &Path) -> Root {
        let given = root.to_path_buf();
        let canon = root
            .canonicalize()
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        let state = git_dir(&canon).map_or_else(|| canon.join(".annals"), |g| g.join("annals"));
        Root {
            given,
            canon,
            state,
        }
    }

    /// The canonical root.
    pub fn path(&self) -> &Path {
        &self.canon
    }

    /// Where annals keeps its lock, journal and caches.
    pub fn state_dir(&self) -> &Path {
        &self.state
    }

    /// Where `rel` (relative to the root; an absolute path must lie under it) really is,
    /// symlinks followed, or why annals must not touch it.
    pub fn resolve(&self, rel: impl AsRef<Path>) -> Result<PathBuf, GateError> {
        let rel = rel.as_ref();
        let shown = rel.display().to_string();
        let relative = if rel.is_absolute() {
            let lexical = normalise(rel).ok_or_else(|| GateError::Outside(shown.clone()))?;
            let under = lexical
                .strip_prefix(&self.canon)
                .or_else(|_| lexical.strip_prefix(normalise(&self.given).unwrap_or_default()))
                .map_err(|_| GateError::Outside(shown.clone()))?;
            under.to_path_buf()
        } else {
            normalise(rel).ok_or_else(|| GateError::Outside(shown.clone()))?
        };
        if relative.components().any(|c| c.as_os_str() == ".git") {
            return Err(GateError::InGit(shown));
        }
        // The deepest part that exists is resolved (it may be or pass through a symlink); what
        // does not exist yet cannot be a symlink.
        let mut existing = self.canon.join(&relative);
        let mut rest: Vec<std::ffi::OsString> = Vec::new();
        while existing != self.canon && std::fs::symlink_metadata(&existing).is_err() {
            let Some(name) = existing.file_name() else {
                break;
            };
            rest.push(name.to_os_string());
            existing.pop();
        }
        if existing == self.canon && std::fs::symlink_metadata(&self.canon).is_err() {
            // No root on disk (a configuration parsed in memory): nothing to follow.
            return Ok(self.canon.join(relative));
        }
        let real = existing
            .canonicalize()
            .map_err(|e| GateError::io(&shown, e))?;
        let Ok(inside) = real.strip_prefix(&self.canon) else {
            return Err(GateError::Outside(shown));
        };
        if inside.components().any(|c| c.as_os_str() == ".git") {
            return Err(GateError::InGit(shown));
        }
        // A folder below the root holding its own `.git` is another repository.
        let mut dir = real.clone();
        if !real.is_dir() {
            dir.pop();
        }
        while dir.starts_with(&self.canon) && dir != self.canon {
            if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
                let nested = dir
                    .strip_prefix(&self.canon)
                    .unwrap_or(&dir)
                    .display()
                    .to_string();
                return Err(GateError::InSubmodule {
                    path: shown,
                    nested,
                });
            }
            dir.pop();
        }
        let mut out = real;
        for r in rest.iter().rev() {
            out.push(r);
        }
        Ok(out)
    }

    /// The bytes of a file that configuration names: contained, a regular file (never a
    /// device, a FIFO or a folder), at most `limit` bytes.
    pub fn read(&self, rel: impl AsRef<Path>, limit: u64) -> Result<Vec<u8>, GateError> {
        let rel = rel.as_ref();
        let shown = rel.display().to_string();
        let path = self.resolve(rel)?;
        let meta = std::fs::metadata(&path).map_err(|e| GateError::io(&shown, e))?;
        if !meta.is_file() {
            return Err(GateError::NotRegular(shown));
        }
        // Non-blocking, so that a FIFO swapped in after the check cannot hang the read.
        let mut file = open_nonblocking(&path).map_err(|e| GateError::io(&shown, e))?;
        let meta = file.metadata().map_err(|e| GateError::io(&shown, e))?;
        if !meta.is_file() {
            return Err(GateError::NotRegular(shown));
        }
        if meta.len() > limit {
            return Err(GateError::TooLarge {
                path: shown,
                size: meta.len(),
                limit,
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let n = Read::by_ref(&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| GateError::io(&shown, e))?;
        if n as u64 > limit {
            return Err(GateError::TooLarge {
                path: shown,
                size: n as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// Like [`Root::read`], with `None` for a file that does not exist.
    pub fn read_optional(
        &self,
        rel: impl AsRef<Path>,
        limit: u64,
    ) -> Result<Option<Vec<u8>>, GateError> {
        match self.read(rel, limit) {
            Ok(b) => Ok(Some(b)),
            Err(GateError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Takes the repository write lock, waiting for another writer (saying so after a
    /// second) and giving up after `ANNALS_LOCK_TIMEOUT` seconds (default 60). A change an
    /// earlier process left half done is finished first.
    pub fn lock(&self, quiet: bool) -> Result<Writer, GateError> {
        std::fs::create_dir_all(&self.state).map_err(|e| GateError::io(&self.state, e))?;
        let lock_path = self.state.join("lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| GateError::io(&lock_path, e))?;
        let timeout = std::env::var("ANNALS_LOCK_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(60);
        let started = Instant::now();
        let mut told = false;
        loop {
            match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => break,
                Err(e) if e == rustix::io::Errno::WOULDBLOCK || e == rustix::io::Errno::INTR => {}
                Err(e) => return Err(GateError::io(&lock_path, e.into())),
            }
            let waited = started.elapsed();
            if waited >= Duration::from_secs(timeout) {
                return Err(GateError::Locked {
                    lock: lock_path.display().to_string(),
                    waited: waited.as_secs(),
                });
            }
            if !told && waited >= Duration::from_secs(1) && !quiet {
                told = true;
                let _ = writeln!(
                    std::io::stderr(),
                    "annals: waiting for another annals process to finish writing ({})",
                    lock_path.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let writer = Writer {
            root: self.clone(),
            _lock: file,
        };
        crate::fsutil::sweep_dead_temps(&self.state);
        if let Some(note) = writer.recover()? {
            let _ = writeln!(std::io::stderr(), "{note}");
        }
        Ok(writer)
    }

    /// Finishes or rolls back a change a crashed writer left (when no writer holds the lock
    /// now), and says what it did. Costs two `stat`s when there is nothing to do.
    pub fn recover(&self) -> Option<String> {
        let pending = self.state.join(JOURNAL_PENDING);
        let committed = self.state.join(JOURNAL);
        if !pending.exists() && !committed.exists() {
            return None;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.state.join("lock"))
            .ok()?;
        // A live writer is mid-change: leave its journal alone.
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
        let writer = Writer {
            root: self.clone(),
            _lock: file,
        };
        match writer.recover() {
            Ok(note) => note,
            Err(e) => Some(format!(
                "annals: warning: could not recover an interrupted change: {e}"
            )),
        }
    }
}

const JOURNAL_PENDING: &str = "journal.pending";
const JOURNAL: &str = "journal";

/// One file change of a [`Writer::apply`].
#[derive(Debug, Clone)]
pub enum Op {
    /// A new file (refused when the path exists).
    Create { path: String, bytes: Vec<u8> },
    /// Replaces a file's contents (keeping its permissions), or creates it.
    Replace { path: String, bytes: Vec<u8> },
    /// Removes a file, and its folder if that leaves it empty.
    Remove { path: String },
}

impl Op {
    fn path(&self) -> &str {
        match self {
            Op::Create { path, .. } | Op::Replace { path, .. } | Op::Remove { path } => path,
        }
    }
}

/// What the journal records of one operation: absolute, canonical paths, so that recovery
/// acts on the files of the change whichever annals root (a monorepo may hold several under
/// one `.git`) runs the next command.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    op: String,
    path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    temp: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    label: String,
    entries: Vec<Entry>,
    /// Folders the change creates (deepest last): removed again when it is rolled back.
    #[serde(default)]
    made: Vec<String>,
}

/// The holder of the repository write lock: every write annals makes goes through it.
#[derive(Debug)]
pub struct Writer {
    root: Root,
    _lock: File,
}

impl Writer {
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// Applies `ops` as one change: every path is checked first (nothing is written when one
    /// is refused), new contents go to temp files beside their targets, and a journal makes
    /// the switch recoverable: a crash before the journal is committed leaves the files as
    /// they were; after it, the next annals command completes the change.
    pub fn apply(&self, label: &str, ops: &[Op]) -> Result<(), GateError> {
        let mut resolved = Vec::with_capacity(ops.len());
        for op in ops {
            let abs = self.root.resolve(op.path())?;
            if let Op::Create { path, .. } = op
                && std::fs::symlink_metadata(&abs).is_ok()
            {
                return Err(GateError::Exists(path.clone()));
            }
            if std::fs::metadata(&abs).is_ok_and(|m| m.is_dir()) {
                return Err(GateError::NotRegular(op.path().to_string()));
            }
            resolved.push(abs);
        }
        if ops.is_empty() {
            return Ok(());
        }
        let mut entries = Vec::with_capacity(ops.len());
        for (op, abs) in ops.iter().zip(&resolved) {
            let rel = abs.to_string_lossy().into_owned();
            entries.push(match op {
                Op::Create { .. } => Entry {
                    op: "create".into(),
                    temp: Some(temp_name(abs).to_string_lossy().into_owned()),
                    path: rel,
                },
                Op::Replace { .. } => Entry {
                    op: "replace".into(),
                    temp: Some(temp_name(abs).to_string_lossy().into_owned()),
                    path: rel,
                },
                Op::Remove { .. } => Entry {
                    op: "remove".into(),
                    temp: None,
                    path: rel,
                },
            });
        }
        // The folders that do not exist yet, outermost first, for a roll-back to remove.
        let mut made: Vec<String> = Vec::new();
        for abs in &resolved {
            let mut missing = Vec::new();
            let mut dir = abs.parent();
            while let Some(d) = dir {
                if d.exists() || d == self.root.canon {
                    break;
                }
                missing.push(d.to_string_lossy().into_owned());
                dir = d.parent();
            }
            for d in missing.into_iter().rev() {
                if !made.contains(&d) {
                    made.push(d);
                }
            }
        }
        let journal = Journal {
            label: label.to_string(),
            entries,
            made,
        };
        let mut crash = CrashPoint::from_env();
        std::fs::create_dir_all(&self.root.state)
            .map_err(|e| GateError::io(&self.root.state, e))?;
        let pending = self.root.state.join(JOURNAL_PENDING);
        let text = serde_json::to_vec(&journal).expect("a journal serialises");
        write_synced(&pending, &text).map_err(|e| GateError::io(&pending, e))?;
        crash.step();
        let outcome = self.stage(&journal, ops, &resolved, &mut crash);
        if let Err(e) = outcome {
            // Nothing was switched yet: undo the temp files.
            self.roll_back(&journal);
            let _ = std::fs::remove_file(&pending);
            return Err(e);
        }
        let committed = self.root.state.join(JOURNAL);
        std::fs::rename(&pending, &committed).map_err(|e| GateError::io(&committed, e))?;
        sync_dir(&self.root.state);
        crash.step();
        self.roll_forward(&journal, &mut crash)?;
        std::fs::remove_file(&committed).map_err(|e| GateError::io(&committed, e))?;
        Ok(())
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.canon.join(rel)
    }

    /// Writes every new content to its temp file, durably.
    fn stage(
        &self,
        journal: &Journal,
        ops: &[Op],
        resolved: &[PathBuf],
        crash: &mut CrashPoint,
    ) -> Result<(), GateError> {
        for ((entry, op), abs) in journal.entries.iter().zip(ops).zip(resolved) {
            let (Some(temp), Op::Create { bytes, .. } | Op::Replace { bytes, .. }) =
                (&entry.temp, op)
            else {
                continue;
            };
            let temp = self.abs(temp);
            if let Some(dir) = temp.parent() {
                std::fs::create_dir_all(dir).map_err(|e| GateError::io(dir, e))?;
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .map_err(|e| GateError::io(&temp, e))?;
            if std::env::var_os("ANNALS_TEST_STALL_WRITES").is_some() {
                stall(&mut f, bytes);
            }
            f.write_all(bytes).map_err(|e| GateError::io(&temp, e))?;
            f.sync_all().map_err(|e| GateError::io(&temp, e))?;
            if let Ok(meta) = std::fs::metadata(abs) {
                std::fs::set_permissions(&temp, meta.permissions())
                    .map_err(|e| GateError::io(&temp, e))?;
            }
            crash.step();
        }
        Ok(())
    }

    /// Switches every file; idempotent, so that recovery can run it again.
    fn roll_forward(&self, journal: &Journal, crash: &mut CrashPoint) -> Result<(), GateError> {
        for entry in &journal.entries {
            let target = self.abs(&entry.path);
            match (entry.op.as_str(), &entry.temp) {
                ("create", Some(temp)) => {
                    let temp = self.abs(temp);
                    if temp.exists() {
                        // A hard link never replaces a file, unlike a rename; an existing
                        // target means an earlier run linked it already.
                        match std::fs::hard_link(&temp, &target) {
                            Ok(()) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                            Err(e) => return Err(GateError::io(&target, e)),
                        }
                        std::fs::remove_file(&temp).map_err(|e| GateError::io(&temp, e))?;
                    }
                }
                ("replace", Some(temp)) => {
                    let temp = self.abs(temp);
                    if temp.exists() {
                        std::fs::rename(&temp, &target).map_err(|e| GateError::io(&target, e))?;
                    }
                }
                ("remove", _) => {
                    match std::fs::remove_file(&target) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(GateError::io(&target, e)),
                    }
                    // A folder the change emptied goes too (git keeps no empty folders).
                    if let Some(parent) = target.parent()
                        && parent != self.root.canon
                    {
                        let _ = std::fs::remove_dir(parent);
                    }
                }
                _ => {}
            }
            crash.step();
        }
        Ok(())
    }

    fn roll_back(&self, journal: &Journal) {
        for entry in &journal.entries {
            if let Some(temp) = &entry.temp {
                let _ = std::fs::remove_file(self.abs(temp));
            }
        }
        // Deepest first; a folder that is not empty (someone else's file) stays.
        for d in journal.made.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }

    /// Finishes a committed journal or rolls back a pending one.
    fn recover(&self) -> Result<Option<String>, GateError> {
        let committed = self.root.state.join(JOURNAL);
        let pending = self.root.state.join(JOURNAL_PENDING);
        let read = |p: &Path| -> Option<Journal> {
            let bytes = std::fs::read(p).ok()?;
            serde_json::from_slice(&bytes).ok()
        };
        if committed.exists() {
            let note = if let Some(j) = read(&committed) {
                self.roll_forward(&j, &mut CrashPoint::default())?;
                format!(
                    "annals: finished an interrupted change ({}): {} file{} as that command meant to leave {}",
                    j.label,
                    j.entries.len(),
                    if j.entries.len() == 1 { "" } else { "s" },
                    if j.entries.len() == 1 { "it" } else { "them" },
                )
            } else {
                "annals: warning: removed an unreadable journal of an interrupted change".into()
            };
            std::fs::remove_file(&committed).map_err(|e| GateError::io(&committed, e))?;
            let _ = std::fs::remove_file(&pending);
            return Ok(Some(note));
        }
        if pending.exists() {
            let note = if let Some(j) = read(&pending) {
                self.roll_back(&j);
                format!(
                    "annals: rolled back an interrupted change ({}): it had not changed any file yet",
                    j.label
                )
            } else {
                "annals: warning: removed an unreadable journal of an interrupted change".into()
            };
            std::fs::remove_file(&pending).map_err(|e| GateError::io(&pending, e))?;
            return Ok(Some(note));
        }
        Ok(None)
    }
}

/// Where git keeps this work tree's administrative files: `.git`, or where a `.git` file
/// (linked worktrees, submodules) points. Found by walking up, as git does.
fn git_dir(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let dot = d.join(".git");
        match std::fs::symlink_metadata(&dot) {
            Ok(m) if m.is_dir() => return Some(dot),
            Ok(m) if m.is_file() => {
                let text = std::fs::read_to_string(&dot).ok()?;
                let target = text.trim().strip_prefix("gitdir:")?.trim();
                return Some(d.join(target));
            }
            _ => {}
        }
        dir = d.parent();
    }
    None
}

/// `..` and `.` resolved lexically; `None` when the path climbs above its start.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
                out.pop();
            }
            Component::CurDir => {}
            Component::Normal(s) => {
                depth += 1;
                out.push(s);
            }
            Component::RootDir | Component::Prefix(_) => out.push(c.as_os_str()),
        }
    }
    Some(out)
}

fn temp_name(target: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = target.parent().unwrap_or(Path::new("."));
    dir.join(format!(".annals-{}-{n}.tmp", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("writing");
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed())
        .open(path)
}

/// For the crash tests: `ANNALS_TEST_CRASH_AFTER=N` aborts the process (as `kill -9` would
/// end it) after the Nth step of a change.
#[derive(Default)]
struct CrashPoint(Option<usize>);

impl CrashPoint {
    fn from_env() -> CrashPoint {
        CrashPoint(
            std::env::var("ANNALS_TEST_CRASH_AFTER")
                .ok()
                .and_then(|s| s.parse().ok()),
        )
    }

    fn step(&mut self) {
        if let Some(n) = &mut self.0 {
            if *n == 0 {
                std::process::abort();
            }
            *n -= 1;
        }
    }
}

/// For the crash test (`tests/integration/bad_input.rs`): writes half the bytes, says so on
/// stderr and waits to be killed.
fn stall(f: &mut File, bytes: &[u8]) {
    let _ = f.write_all(&bytes[..bytes.len() / 2]);
    let _ = f.sync_all();
    let _ = writeln!(std::io::stderr(), "annals: stalled mid-write");
    std::thread::sleep(Duration::from_secs(60));
    std::process::abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("decisions")).unwrap();
        std::fs::create_dir_all(root.join("vendor/lib/.git")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("decisions/archive"))
            .unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("passwd.md")).unwrap();
        let r = Root::new(&root);
        assert!(r.resolve("decisions/new.md").is_ok());
        assert!(r.resolve("decisions/sub/deeper/new.md").is_ok());
        for (p, want) in [
            ("../x/.bashrc", "outside"),
            ("/tmp/p.md", "outside"),
            ("decisions/../../x.md", "outside"),
            ("decisions/archive/x.md", "outside"),
            ("passwd.md", "outside"),
            (".git/x.md", "inside `.git`"),
            ("decisions/../.git/hooks/pre-commit", "inside `.git`"),
            ("vendor/lib/x.md", "submodule"),
        ] {
            let e = r.resolve(p).unwrap_err().to_string();
            assert!(e.contains(want), "{p}: {e}");
        }
        let abs = r.path().join("decisions/x.md");
        assert_eq!(r.resolve(&abs).unwrap(), abs);
        assert!(matches!(
            r.read("/dev/zero", 100),
            Err(GateError::Outside(_))
        ));
        std::fs::write(root.join("big.md"), vec![b'x'; 200]).unwrap();
        assert!(matches!(
            r.read("big.md", 100),
            Err(GateError::TooLarge { .. })
        ));
        assert!(matches!(
            r.read("decisions", 100),
            Err(GateError::NotRegular(_))
        ));
        assert_eq!(r.read_optional("none.md", 100).unwrap(), None);
    }

    #[test]
    fn a_change_is_all_or_nothing_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::fs::write(root.join("b.md"), "b").unwrap();
        let r = Root::new(root);
        let w = r.lock(true).unwrap();
        let err = w
            .apply(
                "test",
                &[
                    Op::Replace {
                        path: "a.md".into(),
                        bytes: b"A".to_vec(),
                    },
                    Op::Create {
                        path: "b.md".into(),
                        bytes: b"B".to_vec(),
                    },
                ],
            )
            .unwrap_err();
        assert!(matches!(err, GateError::Exists(_)), "{err}");
        assert_eq!(std::fs::read(root.join("a.md")).unwrap(), b"a");
        w.apply(
            "test",
            &[
                Op::Replace {
                    path: "a.md".into(),
                    bytes: b"A".to_vec(),
                },
                Op::Create {
                    path: "c/c.md".into(),
                    bytes: b"C".to_vec(),
                },
                Op::Remove {
                    path: "b.md".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(std::fs::read(root.join("a.md")).unwrap(), b"A");
        assert_eq!(std::fs::read(root.join("c/c.md")).unwrap(), b"C");
        assert!(!root.join("b.md").exists());
        let mut names: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".annals", "a.md", "c"]);
        let state: Vec<_> = std::fs::read_dir(root.join(".annals"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(state, ["lock"]);
    }

    #[test]
    fn the_lock_excludes_a_second_writer() {
        let dir = tempfile::tempdir().unwrap();
        let r = Root::new(dir.path());
        let first = r.lock(true).unwrap();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(r.state_dir().join("lock"))
            .unwrap();
        assert!(
            rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_err()
        );
        drop(first);
        assert!(
            rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
        );
    }
}
