//! A hermetic test environment: a temp repository, the annals binary, filtered output.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const NOW: &str = "2026-06-30T12:00:00Z";

/// A temporary repository with the fixture configuration, and `HOME` pointed inside it.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A repository holding `tests/fixtures/annals.toml`.
    pub fn with_config() -> TestEnv {
        let env = TestEnv::new();
        env.write(
            "annals.toml",
            &std::fs::read_to_string(fixtures().join("annals.toml")).unwrap(),
        );
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Copies a fixture tree into the repository.
    pub fn copy_tree(&self, from: &Path) {
        copy_dir(from, self.root());
    }

    /// `annals -C ROOT ARGS...` with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_in(self.root(), args)
    }

    /// `annals -C DIR ARGS...` with the same clean environment.
    pub fn cmd_in(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_annals"));
        c.arg("-C").arg(dir).args(args);
        c.env_clear()
            .env("HOME", self.root().join(".home"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("ANNALS_NOW", NOW)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1");
        c
    }

    /// Runs and returns (exit code, stdout, stderr), temp paths replaced by `[ROOT]`.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().expect("run annals");
        (
            out.status.code().unwrap_or(-1),
            self.filter(&String::from_utf8_lossy(&out.stdout)),
            self.filter(&String::from_utf8_lossy(&out.stderr)),
        )
    }

    /// Like [`TestEnv::run`], in another folder.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd_in(dir, args).output().expect("run annals");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn filter(&self, s: &str) -> String {
        let root = self.root().to_string_lossy().into_owned();
        let canon = self
            .root()
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        s.replace(&canon, "[ROOT]").replace(&root, "[ROOT]")
    }

    /// Every file under the root with its bytes, to prove a command wrote nothing.
    pub fn snapshot_tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        walk(self.root(), &mut out);
        out.sort();
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            // annals' own state outside git (the write lock, the search index): not content.
            if e.file_name() != ".annals" {
                walk(&e.path(), out);
            }
        } else if ft.is_file() {
            out.push((e.path(), std::fs::read(e.path()).unwrap()));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
