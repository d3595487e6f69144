//! Fuzz regressions: every seed of the fuzz targets (`fuzz/seeds/<target>/`) and every input
//! a fuzzer once failed on (`tests/fuzz-regressions/<target>/`), replayed through the very
//! code the targets run (`fuzz/src/checks.rs`, included below): no panic, same invariants.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/checks.rs"]
mod checks;

/// The inputs of one target, sorted by path.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in [
        root.join("fuzz/seeds").join(target),
        root.join("tests/fuzz-regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_file() {
                let bytes = std::fs::read(&path).expect("read input");
                found.push((path, bytes));
            }
        }
    }
    found.sort();
    found
}

/// Runs `check` on every input of `target`, then fails naming each input that panicked.
fn replay(target: &str, check: impl Fn(&[u8])) {
    let inputs = inputs(target);
    assert!(
        !inputs.is_empty(),
        "no inputs for `{target}`: fuzz/seeds/{target}/ is missing"
    );
    let failed: Vec<String> = inputs
        .iter()
        .filter(|(_, bytes)| catch_unwind(AssertUnwindSafe(|| check(bytes))).is_err())
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} `{target}` inputs panicked (messages above):\n{}",
        failed.len(),
        inputs.len(),
        failed.join("\n")
    );
}

#[test]
fn frontmatter() {
    replay("frontmatter", checks::frontmatter);
}

#[test]
fn markdown() {
    replay("markdown", checks::markdown);
}

#[test]
fn slug() {
    replay("slug", checks::slug);
}

#[test]
fn config() {
    replay("config", checks::config);
}

#[test]
fn pattern() {
    replay("pattern", checks::pattern);
}

#[test]
fn query() {
    let fixture = checks::QueryFixture::new();
    replay("query", |bytes| checks::query(&fixture, bytes));
}
