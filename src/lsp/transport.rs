//! Framed JSON-RPC on stdin and stdout (`Content-Length` headers), as `lsp-server`'s own
//! stdio transport, except that a malformed message is answered with an error and the
//! server keeps reading instead of stopping.

use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};
use std::thread;

use crossbeam_channel::{bounded, unbounded};
use lsp_server::{Connection, Message};

/// The reader and writer threads: join them after the connection is dropped.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    pub fn join(self) -> io::Result<()> {
        // The reader ends at `exit` or end of input; it may still wait on a client that
        // never closes stdin, and is left to the process's end then.
        drop(self.reader);
        self.writer
            .join()
            .map_err(|_| io::Error::other("the writer thread panicked"))?
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let out = Arc::new(Mutex::new(io::stdout()));
    // Unbounded towards the client: publishing thousands of documents' diagnostics does not wait
    // on the writer thread one message at a time.
    let (to_client, from_server) = unbounded::<Message>();
    let (to_server, from_client) = bounded::<Message>(0);
    let writer = {
        let out = out.clone();
        thread::spawn(move || {
            for msg in from_server {
                let mut out = out
                    .lock()
                    .map_err(|_| io::Error::other("stdout poisoned"))?;
                msg.write(&mut *out)?;
            }
            Ok(())
        })
    };
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = Frames {
            input: stdin.lock(),
            pending: None,
        };
        loop {
            let frame = match input.next_frame() {
                Ok(Some(Ok(f))) => f,
                Ok(Some(Err(why))) => {
                    reply_error(&out, &Frame::Bad(why));
                    continue;
                }
                // The end of input, or a pipe that broke: the client is gone.
                Ok(None) | Err(_) => break,
            };
            match message(&frame) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        break;
                    }
                }
                Err(e) => reply_error(&out, &Frame::Malformed(frame, e)),
            }
        }
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { reader, writer },
    )
}

/// The message a body holds: JSON, and a request, a notification or a response by the
/// fields JSON-RPC gives each (a body with an `id` alone would read as a response).
fn message(body: &[u8]) -> Result<Message, String> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let well_formed = match v.get("method") {
        Some(m) => m.is_string(),
        None => v.get("id").is_some() && (v.get("result").is_some() || v.get("error").is_some()),
    };
    if !well_formed {
        return Err("neither a request, a notification nor a response".to_string());
    }
    // An id is a string or an integer (this server's integers are 32-bit); a message with
    // another is answered as invalid, never taken for a notification.
    if let Some(id) = v.get("id") {
        let ok = id.is_string() || id.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
        if !ok {
            return Err(format!("an id must be a string or an integer, not {id}"));
        }
    }
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// The largest message taken: no client sends one this large, so a length past it is a
/// broken header.
const MOST: usize = 256 << 20;

/// The messages on the input, one header block and body at a time.
struct Frames<R> {
    input: R,
    /// A `Content-Length` line found while skipping a broken message: the next header's
    /// first line.
    pending: Option<Vec<u8>>,
}

impl<R: BufRead> Frames<R> {
    /// The next message's body, or why a message could not be read (the reader is then past
    /// it, at the next `Content-Length` line); `None` at the end of input.
    fn next_frame(&mut self) -> io::Result<Option<Result<Vec<u8>, String>>> {
        let mut length: Option<Result<usize, String>> = None;
        let mut headers = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            match self.pending.take() {
                Some(p) => line = p,
                None => {
                    if self.input.read_until(b'\n', &mut line)? == 0 {
                        return Ok(None);
                    }
                }
            }
            let text = String::from_utf8_lossy(&line);
            let l = text.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if headers > 0 {
                    break;
                }
                continue;
            }
            headers += 1;
            // Other headers (Content-Type, anything else, in any encoding) are not read.
            if let Some((name, value)) = l.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad header `{l}`")),
                );
            }
        }
        let why = match length {
            Some(Ok(n)) if n <= MOST => {
                let mut body = vec![0; n];
                self.input.read_exact(&mut body)?;
                return Ok(Some(Ok(body)));
            }
            Some(Ok(n)) => format!("a message of {n} bytes"),
            Some(Err(why)) => why,
            None => "a message without a Content-Length header".to_string(),
        };
        // How long the body is cannot be known: skip to the next message's header.
        self.resync()?;
        Ok(Some(Err(why)))
    }

    /// Reads on to the next `Content-Length:` (wherever it starts: a body without a newline
    /// runs into the next header) and keeps that line for the next message.
    fn resync(&mut self) -> io::Result<()> {
        const KEY: &[u8] = b"content-length:";
        let mut matched = 0;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let mut used = 0;
            let mut found = false;
            for &b in buf {
                used += 1;
                if b.to_ascii_lowercase() == KEY[matched] {
                    matched += 1;
                    if matched == KEY.len() {
                        found = true;
                        break;
                    }
                } else {
                    matched = usize::from(b.to_ascii_lowercase() == KEY[0]);
                }
            }
            self.input.consume(used);
            if found {
                let mut rest = Vec::new();
                self.input.read_until(b'\n', &mut rest)?;
                let mut line = b"Content-Length:".to_vec();
                line.extend(rest);
                self.pending = Some(line);
                return Ok(());
            }
        }
    }
}

enum Frame {
    Bad(String),
    Malformed(Vec<u8>, String),
}

/// JSON-RPC's answer to a message it cannot take: a parse error (id null) for a body that is
/// no JSON, an invalid request (with its id, when it has one) for JSON that is no message.
fn reply_error(out: &Mutex<io::Stdout>, frame: &Frame) {
    let (id, code, message) = match frame {
        Frame::Bad(e) => (serde_json::Value::Null, -32700, e.clone()),
        Frame::Malformed(body, e) => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => (v.get("id").cloned().unwrap_or_default(), -32600, e.clone()),
            Err(e) => (serde_json::Value::Null, -32700, e.to_string()),
        },
    };
    let text = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": format!("annals cannot read this message: {message}")},
    })
    .to_string();
    if let Ok(mut out) = out.lock() {
        let _ = write!(out, "Content-Length: {}\r\n\r\n{text}", text.len());
        let _ = out.flush();
    }
}
