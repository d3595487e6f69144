//! `annals index --watch`: keeps the search index fresh between searches, so that a search
//! need not look at every document first. At 100,000 documents that look (a `stat` per file)
//! costs about 80 ms, most of a warm search; with a watcher a search costs about 5 ms.
//!
//! A search asks the watcher, over a Unix socket beside the index, to sync. The watcher then
//! creates a cookie file and waits for its own event: inotify delivers a watcher's events in
//! order, so by then it has seen every change made before the search asked. If it saw any, it
//! refreshes the index (the same refresh a search does itself), and answers `ok`; the search
//! reads the index as it is. No watcher, or no answer in time, and the search refreshes the
//! index itself: a watcher only ever makes searches faster, never staler. (The technique is
//! watchman's.)

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use super::{SearchIndex, index_dir};
use crate::config::Config;

/// How long a search waits for the watcher before refreshing the index itself.
const PATIENCE: Duration = Duration::from_secs(2);

const COOKIE: &str = "annals-watch-cookie-";

/// The socket a watcher listens on, beside the index folder.
pub fn socket_of(index_dir: &Path) -> PathBuf {
    index_dir.with_extension("sock")
}

/// What a search and its watcher must agree on: the same root and the same kinds (a search
/// run with another configuration must not trust a watcher of this one).
fn request(cfg: &Config) -> String {
    format!(
        "sync\t{}\t{}\n",
        cfg.root.display(),
        super::fingerprint(cfg).replace(['\t', '\n'], " ")
    )
}

/// Asks a running watcher to catch up with every change made so far; `true` when it did and
/// the index can be searched as it is.
pub fn sync(cfg: &Config, socket: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let asked = stream
        .set_read_timeout(Some(PATIENCE))
        .and_then(|()| stream.set_write_timeout(Some(PATIENCE)))
        .and_then(|()| stream.write_all(request(cfg).as_bytes()));
    let mut answer = String::new();
    asked.is_ok() && BufReader::new(stream).read_line(&mut answer).is_ok() && answer == "ok\n"
}

/// Whether an event can change what the index holds (reading a file cannot).
fn changes(kind: EventKind) -> bool {
    use notify::event::{MetadataKind, ModifyKind};
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Whether an event can bring a folder into the tree (made, or moved in).
fn adds_folder(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(notify::event::ModifyKind::Name(_))
    )
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Sync(UnixStream),
}

/// The socket file, removed when the watcher stops (a search then refreshes by itself).
struct Socket(PathBuf);

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Watches the repository and answers searches until the process is stopped, or until it can
/// no longer vouch for the index (an error from the watch, a changed configuration): then it
/// returns an error saying so. `ready` is called once the socket is listening.
#[allow(clippy::too_many_lines)] // one event loop; its cases read best together
pub fn serve(cfg: &Config, ready: impl FnOnce(&Path)) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let socket = socket_of(&index_dir(&cfg.root));
    if UnixStream::connect(&socket).is_ok() {
        anyhow::bail!("another `annals index --watch` is watching this repository");
    }
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket)
        .with_context(|| format!("cannot listen on {}", socket.display()))?;
    let _socket = Socket(socket.clone());
    // Events name canonical paths: compare with canonical ones.
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(&cfg.root);
    let cookies = canonical(socket.parent().unwrap_or(&cfg.root));
    let config_file = cfg.file.as_deref().map(canonical);
    let git_dir = crate::git::Git::open(&cfg.root).map(|g| canonical(g.git_dir()));
    let expected = request(cfg);

    let (tx, rx) = mpsc::channel();
    let fs_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = fs_tx.send(Msg::Fs(event));
    })?;
    watcher.watch(&root, RecursiveMode::Recursive)?;
    if !cookies.starts_with(&root) {
        watcher.watch(&cookies, RecursiveMode::NonRecursive)?;
    }
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = stream.set_read_timeout(Some(PATIENCE));
            let asked = stream
                .try_clone()
                .is_ok_and(|s| BufReader::new(s).read_line(&mut line).is_ok());
            // A search with another root or configuration gets no answer, and refreshes.
            if asked && line == expected && tx.send(Msg::Sync(stream)).is_err() {
                return;
            }
        }
    });
    // Changes before the watch began were not seen: the first sync refreshes.
    let mut dirty = true;
    let mut next = 0u64;
    let mut waiting: Vec<(u64, UnixStream)> = Vec::new();
    ready(&socket);
    // Cookies carry the process ID: one a killed watcher left behind is not taken for ours.
    let prefix = format!("{COOKIE}{}-", std::process::id());
    let cookie_of = |p: &Path| -> Option<u64> {
        (p.parent()? == cookies)
            .then(|| p.file_name()?.to_str()?.strip_prefix(&prefix)?.parse().ok())
            .flatten()
    };
    // The index's own folder (index, lock, socket, cookies) and git's.
    let ignored =
        |p: &Path| p.starts_with(&cookies) || git_dir.as_deref().is_some_and(|g| p.starts_with(g));
    for msg in rx {
        match msg {
            Msg::Sync(stream) => {
                next += 1;
                let cookie = cookies.join(format!("{prefix}{next}"));
                if std::fs::write(&cookie, b"").is_ok() {
                    waiting.push((next, stream));
                }
                // A stream dropped here tells the search to refresh the index itself.
            }
            Msg::Fs(Err(e)) => {
                // Changes may go unseen from now on (a watch limit, a lost watch).
                anyhow::bail!("stopped watching: {e}; searches refresh the index themselves");
            }
            Msg::Fs(Ok(event)) => {
                if event.need_rescan() {
                    dirty = true;
                }
                let mut seen = 0;
                for p in &event.paths {
                    if let Some(n) = cookie_of(p) {
                        if !matches!(event.kind, EventKind::Remove(_)) {
                            seen = seen.max(n);
                        }
                        continue;
                    }
                    if !changes(event.kind) || ignored(p) {
                        continue;
                    }
                    if config_file.as_deref() == Some(p.as_path()) {
                        anyhow::bail!(
                            "{} changed: restart `annals index --watch` to watch with it",
                            p.display()
                        );
                    }
                    dirty = true;
                    // notify watches a new folder only after the events at hand; a file made
                    // in it before then would go unseen. Watch it now, before answering.
                    if adds_folder(event.kind) && p.is_dir() {
                        watcher
                            .watch(p, RecursiveMode::Recursive)
                            .with_context(|| format!("cannot watch {}", p.display()))?;
                    }
                }
                if seen == 0 {
                    continue;
                }
                let fresh =
                    !dirty || SearchIndex::open(cfg, false).is_ok_and(|index| !index.lagging);
                dirty = !fresh;
                let (done, rest): (Vec<_>, Vec<_>) =
                    waiting.drain(..).partition(|(n, _)| *n <= seen);
                waiting = rest;
                for (n, mut stream) in done {
                    let _ = std::fs::remove_file(cookies.join(format!("{prefix}{n}")));
                    if fresh {
                        let _ = stream.write_all(b"ok\n");
                    }
                }
            }
        }
    }
    Ok(())
}
