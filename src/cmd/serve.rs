//! `annals serve [--port N] [--bind ADDR] [--open]`: the hub, live, on this machine.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use anyhow::{Context as _, Result};

use super::{App, Exit};
use crate::cli::ServeArgs;
use crate::hub::serve::{Answer, HEADERS, answer, text};
use crate::workspace::Mode;

pub fn run(app: &App, args: &ServeArgs) -> Result<Exit> {
    let cfg = app.config()?;
    let ip: IpAddr = args
        .bind
        .as_deref()
        .unwrap_or("127.0.0.1")
        .parse()
        .context("--bind takes an IP address such as 127.0.0.1")?;
    if !ip.is_loopback() {
        super::note(&format!(
            "warning: serving on {ip}: anyone who can reach this machine can read the handbook"
        ));
    }
    let server = tiny_http::Server::http((ip, args.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {ip}:{}: {e}", args.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("{ip}:{}", args.port), |a| a.to_string());
    let url = format!("http://{addr}/");
    // Tests and scripts read the address from the first line.
    super::note(&format!("serving {url}"));
    if args.open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let _ = std::process::Command::new(opener).arg(&url).spawn();
    }
    let mut built: Option<(crate::hub::Site, crate::workspace::Workspace)> = None;
    // Why the pages cannot be made now, while that lasts.
    let mut broken: Option<String> = None;
    // A watcher tells whether anything changed; without one, a look at every document.
    let mut fresh = Fresh::new(&cfg);
    let mut stamp = 0;
    // Open pages listen on `/events` (server-sent events) and reload when a file changes: a
    // watcher of their own asks every 300 ms.
    let listeners: Listeners = std::sync::Arc::default();
    if let Some(mut watch) = Fresh::new(&cfg) {
        let listeners = listeners.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(300));
                if watch.changed()
                    && let Ok(mut l) = listeners.lock()
                {
                    l.retain(|tx| tx.send(()).is_ok());
                }
            }
        });
    }
    let streams = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for request in server.incoming_requests() {
        // A page on another host name (a DNS rebinding attack) must not read the handbook:
        // on loopback only the loopback names are answered.
        if ip.is_loopback() && !loopback_host(&request) {
            let _ = request.respond(refusal(
                403,
                "annals serve answers only 127.0.0.1 and localhost",
            ));
            continue;
        }
        if request.method() == &tiny_http::Method::Get && request.url() == "/events" {
            if streams.load(std::sync::atomic::Ordering::SeqCst) >= MOST_STREAMS {
                let _ = request.respond(refusal(503, "too many open pages are listening"));
                continue;
            }
            events(request, &listeners, &streams);
            continue;
        }
        // Pages reflect the work tree on the next request: the site is made again when a
        // document or the configuration changed since it was made.
        let changed = if let Some(f) = &mut fresh {
            f.changed()
        } else {
            let now = fingerprint(&cfg);
            std::mem::replace(&mut stamp, now) != now
        };
        if changed || built.is_none() || broken.is_some() {
            let now = super::check::parse_now(args.now.as_deref())?;
            // A configuration or repository that cannot be read now (an annals.toml being
            // edited) is shown on every page until it can: the server goes on.
            match app
                .config()
                .and_then(|c| app.workspace(c, Mode::WorkTree, true))
            {
                Ok(ws) => {
                    let site = crate::hub::build(&ws, now, None);
                    built = Some((site, ws));
                    broken = None;
                }
                Err(e) => broken = Some(format!("{e:#}")),
            }
        }
        if let Some(why) = &broken {
            let _ = request.respond(refusal(
                500,
                &format!("annals cannot make the hub's pages: {why}\n(the pages come back when the files are fixed)"),
            ));
            continue;
        }
        let Some((site, ws)) = &built else {
            continue;
        };
        let search = |q: &str| {
            let found = crate::search::SearchIndex::open_fresh(&ws.corpus.config)
                .map_err(|e| e.to_string())
                .and_then(|index| {
                    crate::search::search(
                        &index,
                        &crate::search::SearchOptions {
                            query: q.to_string(),
                            limit: 50,
                            ..Default::default()
                        },
                    )
                    .map_err(|e| e.to_string())
                });
            crate::hub::search_page(&ws.corpus, q, Some(found))
        };
        let a = answer(site, request.method().as_str(), request.url(), &search);
        let _ = request.respond(response(a));
    }
    Ok(Exit::Clean)
}

/// The open pages' event streams.
type Listeners = std::sync::Arc<std::sync::Mutex<Vec<std::sync::mpsc::Sender<()>>>>;

/// How many pages may listen at once: each holds a thread.
const MOST_STREAMS: usize = 64;

/// Whether a request names this machine's loopback (`Host: 127.0.0.1:4807`, `localhost`,
/// `[::1]`), or names no host at all (HTTP/1.0).
fn loopback_host(request: &tiny_http::Request) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default().to_string(),
        None => host.split(':').next().unwrap_or_default().to_string(),
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// A short plain-text refusal.
fn refusal(status: u16, message: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    response(text(status, message))
}

/// An answer as sent, with the headers every answer carries.
fn response(a: Answer) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(a.body).with_status_code(a.status);
    let mut headers = vec![("Content-Type", a.content_type)];
    headers.extend_from_slice(HEADERS);
    if a.status == 405 {
        headers.push(("Allow", "GET, HEAD"));
    }
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    response
}

/// An event stream: `reload` each time a file changes, until the page goes away. A comment
/// every 15 seconds finds a page that went away without a word, so its thread ends.
fn events(
    request: tiny_http::Request,
    listeners: &Listeners,
    streams: &std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    let (tx, rx) = std::sync::mpsc::channel();
    if let Ok(mut l) = listeners.lock() {
        l.push(tx);
    }
    let mut w = request.into_writer();
    let streams = streams.clone();
    streams.fetch_add(1, Ordering::SeqCst);
    std::thread::spawn(move || {
        let mut send = |text: &str| w.write_all(text.as_bytes()).and_then(|()| w.flush());
        let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n");
        for (k, v) in HEADERS {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("Cache-Control: no-cache\r\n\r\n: listening\n\n");
        if send(&head).is_ok() {
            loop {
                let sent = match rx.recv_timeout(std::time::Duration::from_secs(15)) {
                    Ok(()) => send("data: reload\n\n"),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => send(": still here\n\n"),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                };
                if sent.is_err() {
                    break;
                }
            }
        }
        streams.fetch_sub(1, Ordering::SeqCst);
    });
}

/// Whether the work tree changed, from a file-system watcher: a request writes a cookie
/// file and waits for its own event, and since events arrive in order, every change made
/// before the request has been seen by then (as `annals index --watch` does, after
/// watchman).
struct Fresh {
    events: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
    cookies: std::path::PathBuf,
    /// What does not change the pages: git's folder, the search index, the cookies.
    ignored: Vec<std::path::PathBuf>,
    /// This watcher's own number: the server has two (requests, live reload), whose cookies
    /// must not be taken for each other's.
    id: u64,
    next: u64,
}

const COOKIE: &str = "annals-serve-cookie-";

static WATCHERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Fresh {
    fn new(cfg: &crate::config::Config) -> Option<Fresh> {
        use notify::Watcher;
        let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let root = canonical(&cfg.root);
        let index = crate::search::index_dir(&cfg.root);
        std::fs::create_dir_all(&index).ok()?;
        let cookies = canonical(index.parent()?);
        let (tx, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .ok()?;
        watcher
            .watch(&root, notify::RecursiveMode::Recursive)
            .ok()?;
        if !cookies.starts_with(&root) {
            watcher
                .watch(&cookies, notify::RecursiveMode::NonRecursive)
                .ok()?;
        }
        let mut ignored = vec![canonical(&index)];
        ignored.extend(crate::git::Git::open(&cfg.root).map(|g| canonical(g.git_dir())));
        Some(Fresh {
            events,
            _watcher: watcher,
            cookies,
            ignored,
            id: WATCHERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            next: 0,
        })
    }

    /// Whether anything that makes the pages changed since the last call.
    fn changed(&mut self) -> bool {
        let cookie = self.cookies.join(format!(
            "{COOKIE}{}-{}-{}",
            std::process::id(),
            self.id,
            self.next
        ));
        self.next += 1;
        if std::fs::write(&cookie, b"").is_err() {
            return true;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        let mut changed = false;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Ok(event)) => {
                    if matches!(event.kind, notify::EventKind::Access(_)) {
                        continue;
                    }
                    let mine = event.paths.contains(&cookie);
                    changed |= event.paths.iter().any(|p| {
                        !p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(COOKIE))
                            && !self.ignored.iter().any(|i| p.starts_with(i))
                    });
                    if mine {
                        break;
                    }
                }
                // An overflow or an error, or no cookie in time: anything may have changed.
                Ok(Err(_)) => changed = true,
                Err(_) => {
                    changed = true;
                    break;
                }
            }
        }
        let _ = std::fs::remove_file(&cookie);
        changed
    }
}

/// What the site is made from: every document's and catalog's path, size and modification
/// time, and the configuration file's.
fn fingerprint(cfg: &crate::config::Config) -> u64 {
    let found = crate::docs::discover(cfg, None);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let stat = |rel: &str, h: &mut std::collections::hash_map::DefaultHasher| {
        rel.hash(h);
        if let Ok(m) = std::fs::metadata(cfg.root.join(rel)) {
            m.len().hash(h);
            m.modified().ok().hash(h);
        }
    };
    for f in found.documents.iter().chain(&found.catalogs) {
        stat(&f.path, &mut h);
    }
    if let Some(file) = &cfg.file {
        stat(&file.to_string_lossy(), &mut h);
    }
    h.finish()
}
