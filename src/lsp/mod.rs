//! `annals lsp`: the handbook's rules, vocabulary and links in an editor, over the Language
//! Server Protocol on stdio.
//!
//! The transport is `lsp-server` (rust-analyzer's: a plain loop over a channel of framed
//! JSON-RPC messages, no async runtime) and the messages are `lsp-types`'. One process holds
//! one [`Workspace`]: an open or changed buffer replaces that file's contents, and only the
//! documents it touches (the changed one, those it points at, those pointing at it) are
//! judged again, after a short quiet period (the debounce).

mod convert;
mod edits;
mod features;
mod transport;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::{Config, ConfigError};
use crate::lint::{Context, Settings};
use crate::text::Encoding;
use crate::workspace::{Mode, Options, Workspace};

pub use convert::{path_of, uri_of};

/// How long the server waits after a change before judging: typing a word costs one run.
const DEBOUNCE: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
pub enum LspError {
    #[error("language server: the client went away")]
    Closed,
    #[error("language server: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves one client on stdin and stdout until it says `exit`; whether it asked for
/// `shutdown` first (the protocol's exit code: 0 if so, 1 if not).
pub fn run() -> Result<bool, LspError> {
    let (connection, io) = transport::stdio();
    let served = serve(&connection);
    drop(connection);
    io.join()?;
    served
}

/// The initialize handshake, then the main loop. Until `initialize`, a request is answered
/// "not initialized" and anything else is let go (as the protocol says); after it, every
/// message goes to the main loop (`initialized` among them), so a client that sends
/// something before `initialized` is served, not dropped.
pub fn serve(conn: &Connection) -> Result<bool, LspError> {
    let (id, params) = loop {
        match conn.receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => break (req.id, req.params),
            Ok(Message::Request(req)) => {
                let _ = conn.sender.send(Message::Response(Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "annals lsp: initialize first".to_string(),
                )));
            }
            Ok(Message::Notification(n)) if n.method == "exit" => return Ok(false),
            Ok(_) => {}
            Err(_) => return Err(LspError::Closed),
        }
    };
    let encoding = convert::negotiate(&params);
    let root = convert::root_of(&params).unwrap_or_else(|| PathBuf::from("."));
    let result = json!({
        "capabilities": features::capabilities(encoding),
        "serverInfo": {"name": "annals", "version": env!("CARGO_PKG_VERSION")},
    });
    let _ = conn
        .sender
        .send(Message::Response(Response::new_ok(id, result)));
    let mut server = Server::new(conn, root, encoding);
    server.reload();
    server.main_loop()
}

/// What the server holds between messages.
pub struct Server<'c> {
    conn: &'c Connection,
    /// Where the client opened its workspace (annals.toml is looked up from here).
    root: PathBuf,
    pub(crate) encoding: Encoding,
    /// `None` while annals.toml cannot be read (its error is shown on it).
    pub(crate) ws: Option<Workspace>,
    /// Open buffers by repository-relative path: their text as the editor has it.
    pub(crate) open: HashMap<String, String>,
    /// Paths whose last published diagnostics were not empty.
    published: HashSet<String>,
    /// Documents to judge again when the debounce runs out.
    pending: BTreeSet<String>,
    /// Buffers changed since the model last read them (`None`: read the file on disk).
    typed: std::collections::BTreeMap<String, Option<String>>,
    due: Option<Instant>,
    /// annals.toml's own diagnostic is showing.
    config_error_shown: Option<PathBuf>,
    shutdown: bool,
}

impl<'c> Server<'c> {
    fn new(conn: &'c Connection, root: PathBuf, encoding: Encoding) -> Server<'c> {
        Server {
            conn,
            root,
            encoding,
            ws: None,
            open: HashMap::new(),
            published: HashSet::new(),
            pending: BTreeSet::new(),
            typed: std::collections::BTreeMap::new(),
            due: None,
            config_error_shown: None,
            shutdown: false,
        }
    }

    fn main_loop(&mut self) -> Result<bool, LspError> {
        loop {
            let wait = self.due.map_or(Duration::from_secs(3600), |d| {
                d.saturating_duration_since(Instant::now())
            });
            match self.conn.receiver.recv_timeout(wait) {
                Ok(Message::Request(req)) => {
                    if self.shutdown {
                        self.error(
                            req.id,
                            ErrorCode::InvalidRequest,
                            "the server is shutting down",
                        );
                        continue;
                    }
                    if req.method == "shutdown" {
                        self.shutdown = true;
                        self.respond(req.id, Value::Null);
                        continue;
                    }
                    if req.method == "initialize" {
                        self.error(
                            req.id,
                            ErrorCode::InvalidRequest,
                            "the server is initialized already",
                        );
                        continue;
                    }
                    self.flush();
                    self.request(req);
                }
                Ok(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return Ok(self.shutdown);
                    }
                    self.notification(&n);
                }
                Ok(Message::Response(_)) => {}
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => self.flush(),
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    return Err(LspError::Closed);
                }
            }
        }
    }

    /// Reads annals.toml and every document again, and publishes every finding.
    fn reload(&mut self) {
        let started = Instant::now();
        // The open buffers are read into the new model below; the files on disk are.
        self.typed.clear();
        let config = match Config::discover(&self.root) {
            Ok(c) => c,
            Err(e) => {
                self.show_config_error(&e);
                self.ws = None;
                return;
            }
        };
        if let Some(path) = self.config_error_shown.take() {
            self.publish_raw(&path, &[]);
        }
        match Workspace::open(
            config,
            Mode::WorkTree,
            Options {
                history: true,
                ..Options::default()
            },
        ) {
            Ok(mut ws) => {
                for (path, text) in &self.open {
                    ws.replace(path, Some(text.clone().into_bytes()));
                }
                self.ws = Some(ws);
                let read = started.elapsed();
                let rules = self.judge(None);
                let docs = self.ws.as_ref().map_or(0, |ws| ws.corpus.docs.len());
                let all = started.elapsed();
                self.notify(
                    "window/logMessage",
                    json!({"type": 3, "message": format!(
                        "annals: {docs} documents read and judged in {} ms (read {} ms, rules {} ms, published {} ms)",
                        all.as_millis(),
                        read.as_millis(),
                        rules.as_millis(),
                        all.saturating_sub(read + rules).as_millis()
                    )}),
                );
            }
            Err(e) => self.log(&format!("annals: cannot open the repository: {e}")),
        }
    }

    /// A broken annals.toml, as a diagnostic at the line it names.
    fn show_config_error(&mut self, e: &ConfigError) {
        let (path, line, column, message) = match e {
            ConfigError::Invalid {
                path,
                line,
                column,
                message,
            } => (PathBuf::from(path), *line, *column, message.clone()),
            ConfigError::Io { path, .. } => (PathBuf::from(path), 1, 1, e.to_string()),
        };
        let path = if path.is_absolute() {
            path
        } else {
            self.root.join(path)
        };
        let line = u32::try_from(line.saturating_sub(1)).unwrap_or(0);
        let col = u32::try_from(column.saturating_sub(1)).unwrap_or(0);
        let d = json!({
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}},
            "severity": 1,
            "source": "annals",
            "message": message,
        });
        self.publish_raw(&path, &[d]);
        self.config_error_shown = Some(path);
    }

    /// The findings on `scope` (every document when `None`), as `annals check` gives them.
    pub(crate) fn report(
        &self,
        scope: Option<&HashSet<String>>,
    ) -> Result<crate::diagnostic::Report, String> {
        let ws = self.ws.as_ref().ok_or("annals.toml cannot be read")?;
        let corpus = &ws.corpus;
        let settings = Settings::new(&corpus.config, &[], &[]).map_err(|e| e.to_string())?;
        let ctx = Context::new(corpus, scope.cloned(), crate::time::now(), &ws.source)
            .map_err(|e| e.to_string())?
            .with_git(&ws.git);
        let mut report = crate::lint::run(&ctx, &settings);
        if let Some(scope) = scope {
            report.diagnostics.retain(|d| scope.contains(&d.path));
        }
        Ok(report)
    }

    /// Judges `paths` (every document when `None`) and publishes their diagnostics; returns
    /// the time the rules took.
    fn judge(&mut self, paths: Option<&BTreeSet<String>>) -> std::time::Duration {
        let started = Instant::now();
        let scope: Option<HashSet<String>> = paths.map(|p| p.iter().cloned().collect());
        let report = match self.report(scope.as_ref()) {
            Ok(r) => r,
            Err(e) => {
                self.log(&format!("annals: {e}"));
                return started.elapsed();
            }
        };
        let rules = started.elapsed();
        let Some(ws) = &self.ws else { return rules };
        let corpus = &ws.corpus;
        let root = corpus.config.root.clone();
        let enc = self.encoding;
        // The report is sorted by path: one group, and one line index, per file; the groups
        // become notifications on every core.
        let mut groups: Vec<&[crate::diagnostic::Diagnostic]> = Vec::new();
        let mut rest = report.diagnostics.as_slice();
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|d| d.path == first.path).count();
            groups.push(&rest[..n]);
            rest = &rest[n..];
        }
        let found: Vec<(String, Value)> = groups
            .par_iter()
            .map(|group| {
                let path = &group[0].path;
                let doc = corpus.document(path);
                let index = doc.map(|d| crate::text::LineIndex::new(&d.source));
                let at = doc.zip(index.as_ref());
                let diags: Vec<Value> = group
                    .iter()
                    .map(|d| convert::diagnostic(d, at, enc))
                    .collect();
                (path.clone(), Value::Array(diags))
            })
            .collect();
        // What was shown before (or is open) and has no finding now is cleared.
        let with_findings: HashSet<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        let mut cleared: BTreeSet<String> = self
            .published
            .iter()
            .chain(self.open.keys())
            .filter(|p| paths.is_none_or(|s| s.contains(*p)))
            .cloned()
            .collect();
        cleared.retain(|p| !with_findings.contains(p.as_str()));
        for (path, diags) in found {
            self.published.insert(path.clone());
            self.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": uri_of(&root.join(&path)), "diagnostics": diags}),
            );
        }
        for path in cleared {
            self.published.remove(&path);
            self.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": uri_of(&root.join(&path)), "diagnostics": []}),
            );
        }
        rules
    }

    fn publish_raw(&mut self, abs: &Path, diagnostics: &[Value]) {
        let rel = self
            .ws
            .as_ref()
            .and_then(|ws| abs.strip_prefix(&ws.corpus.config.root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        if let Some(rel) = &rel {
            if diagnostics.is_empty() {
                self.published.remove(rel);
            } else {
                self.published.insert(rel.clone());
            }
        }
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": uri_of(abs), "diagnostics": diagnostics}),
        );
    }

    /// Judges what changed once the client has been quiet for [`DEBOUNCE`].
    fn flush(&mut self) {
        self.due = None;
        // The buffers typed into since the last run, read into the model once each.
        let typed = std::mem::take(&mut self.typed);
        if let Some(ws) = &mut self.ws {
            for (path, text) in typed {
                let again = ws.replace(&path, text.map(String::into_bytes));
                self.pending.extend(again);
            }
        }
        if self.pending.is_empty() {
            return;
        }
        let paths = std::mem::take(&mut self.pending);
        let _ = self.judge(Some(&paths));
    }

    /// A buffer's new text (or, with `None`, the file on disk again).
    fn changed(&mut self, path: &str, text: Option<String>, now: bool) {
        if self.is_configuration(path) {
            if let Some(t) = &text {
                self.open.insert(path.to_string(), t.clone());
            }
            // Configuration is read from disk: a saved annals.toml or schema reloads it.
            if now {
                self.reload();
            }
            return;
        }
        if self.ws.is_none() {
            return;
        }
        // Parsed when the debounce runs out (or before the next request), not on every
        // keystroke: a large document is read once per pause in typing.
        self.typed.insert(path.to_string(), text);
        if now {
            self.flush();
        } else {
            self.due = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// annals.toml, or a schema a kind names.
    fn is_configuration(&self, path: &str) -> bool {
        path == crate::config::CONFIG_FILE
            || self.ws.as_ref().is_some_and(|ws| {
                ws.corpus
                    .config
                    .kinds
                    .iter()
                    .filter_map(|k| k.schema.as_ref())
                    .any(|s| s.to_string_lossy() == path)
            })
            || self.ws.is_none()
    }

    /// The repository-relative path of a `file:` URI inside the repository.
    pub(crate) fn relative(&self, uri: &str) -> Option<String> {
        let abs = path_of(uri)?;
        let root = self
            .ws
            .as_ref()
            .map_or_else(|| self.root.clone(), |ws| ws.corpus.config.root.clone());
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let abs = abs
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .and_then(|p| Some(p.join(abs.file_name()?)))
            .unwrap_or(abs);
        let rel = abs.strip_prefix(&root).ok()?;
        // Only a path of plain names, outside `.git`: `a/../b` that did not exist to be
        // resolved, `.`, or git's own files are no repository path.
        let ok = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
            && rel
                .components()
                .next()
                .is_some_and(|c| c.as_os_str() != ".git");
        ok.then(|| rel.to_string_lossy().into_owned())
    }

    fn notification(&mut self, n: &Notification) {
        let p = &n.params;
        let uri = p["textDocument"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let (Some(path), Some(text)) =
                    (self.relative(&uri), p["textDocument"]["text"].as_str())
                {
                    self.open.insert(path.clone(), text.to_string());
                    self.changed(&path, Some(text.to_string()), true);
                }
            }
            "textDocument/didChange" => {
                let Some(path) = self.relative(&uri) else {
                    return;
                };
                let Some(mut text) = self.open.get(&path).cloned() else {
                    return;
                };
                for change in p["contentChanges"].as_array().into_iter().flatten() {
                    convert::apply_change(&mut text, change, self.encoding);
                }
                self.open.insert(path.clone(), text.clone());
                self.changed(&path, Some(text), false);
            }
            "textDocument/didSave" => {
                if let Some(path) = self.relative(&uri) {
                    let text = p["text"]
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| self.open.get(&path).cloned());
                    self.changed(&path, text, true);
                }
            }
            "textDocument/didClose" => {
                if let Some(path) = self.relative(&uri) {
                    self.open.remove(&path);
                    self.changed(&path, None, true);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                for change in p["changes"].as_array().into_iter().flatten() {
                    let uri = change["uri"].as_str().unwrap_or_default();
                    if let Some(path) = self.relative(uri)
                        && !self.open.contains_key(&path)
                    {
                        self.changed(&path, None, true);
                    }
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) {
        let result = features::handle(self, &req.method, &req.params);
        match result {
            Ok(v) => self.respond(req.id, v),
            Err(features::Failure::Unknown) => self.error(
                req.id,
                ErrorCode::MethodNotFound,
                &format!("annals does not answer `{}`", req.method),
            ),
            Err(features::Failure::Params(msg)) => {
                self.error(req.id, ErrorCode::InvalidParams, &msg);
            }
        }
    }

    fn respond(&self, id: RequestId, result: Value) {
        let _ = self.conn.sender.send(Message::Response(Response {
            id,
            result: Some(result),
            error: None,
        }));
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: &str) {
        let _ = self.conn.sender.send(Message::Response(Response::new_err(
            id,
            code as i32,
            message.to_string(),
        )));
    }

    fn notify(&self, method: &str, params: Value) {
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(
                method.to_string(),
                params,
            )));
    }

    /// A message the editor shows the user (a warning).
    pub(crate) fn show_message(&self, message: &str) {
        self.notify("window/showMessage", json!({"type": 2, "message": message}));
    }

    fn log(&self, message: &str) {
        self.notify("window/logMessage", json!({"type": 1, "message": message}));
    }
}
