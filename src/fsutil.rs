//! The one write path: a temp file in the same folder, fsync, then rename. A replaced file
//! keeps its permissions; a new one gets the usual ones (the umask's), not a temp file's 0600.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Replaces (or creates) `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_beside(path, bytes)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(&tmp.0, meta.permissions())?;
    }
    std::fs::rename(&tmp.0, path)?;
    tmp.disarm();
    Ok(())
}

/// Replaces a cache file under `.git/annals/`: atomic (temp file and rename) like every write,
/// but without fsync. A cache lost in a crash is rebuilt; a hook should not wait on the disk.
pub fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let tmp = temp_beside_with(path, bytes, false)?;
    std::fs::rename(&tmp.0, path)?;
    tmp.disarm();
    if let Some(dir) = path.parent() {
        sweep_dead_temps(dir);
    }
    Ok(())
}

/// Removes the temp files in `dir` that processes no longer alive left (killed mid-write):
/// no temporary file outlives the run that made it by more than the next cache write.
pub fn sweep_dead_temps(dir: &Path) {
    // Whether a process lives is read from /proc; where there is none, nothing is swept.
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name.strip_suffix(".tmp") else {
            continue;
        };
        let Some(pid) = rest
            .rsplit_once(".annals-")
            .and_then(|(_, tail)| tail.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Creates `path` atomically; fails with `AlreadyExists` instead of replacing a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_beside(path, bytes)?;
    // A hard link never replaces an existing file, unlike a rename.
    std::fs::hard_link(&tmp.0, path)?;
    drop(tmp);
    Ok(())
}

/// A temp file that is removed unless it was renamed into place.
struct Temp(PathBuf, bool);

impl Temp {
    fn disarm(mut self) {
        self.1 = false;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

fn temp_beside(path: &Path, bytes: &[u8]) -> std::io::Result<Temp> {
    temp_beside_with(path, bytes, true)
}

fn temp_beside_with(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<Temp> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.annals-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(mut f) => {
                let guard = Temp(tmp, true);
                if std::env::var_os("ANNALS_TEST_STALL_WRITES").is_some() {
                    stall(&mut f, bytes);
                }
                f.write_all(bytes)?;
                if sync {
                    f.sync_all()?;
                }
                return Ok(guard);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// For the crash test (`tests/integration/bad_input.rs`): writes half the bytes, says so on
/// stderr and waits to be killed, so the test can kill annals in the middle of a write.
fn stall(f: &mut std::fs::File, bytes: &[u8]) {
    let _ = f.write_all(&bytes[..bytes.len() / 2]);
    let _ = f.sync_all();
    let _ = writeln!(std::io::stderr(), "annals: stalled mid-write");
    std::thread::sleep(std::time::Duration::from_secs(60));
    std::process::abort();
}

/// The lines of a cache file's text (without their `\n`), found with SIMD: the caches hold a
/// line per document and are read on every run.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain([None])
        .filter_map(move |end| {
            let from = start;
            let to = end.unwrap_or(text.len());
            start = to + 1;
            (from < to || end.is_some()).then(|| &text[from..to])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_clobbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        write_new(&p, b"one").unwrap();
        let err = write_new(&p, b"two").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn replaced_files_keep_their_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, b"one").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        // A new file gets what any other new file gets here (the umask decides).
        let plain = dir.path().join("plain.md");
        std::fs::write(&plain, b"x").unwrap();
        let q = dir.path().join("b.md");
        write_new(&q, b"new").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&q), mode(&plain));
    }

    #[test]
    fn lines_split_like_str_lines() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "é\nü"] {
            let want: Vec<&str> = text.lines().collect();
            assert_eq!(lines(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }
}
