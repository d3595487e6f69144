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
        let mut input = stdin.lock();
        loop {
            let frame = match read_frame(&mut input) {
                Ok(Some(f)) => f,
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    reply_error(&out, &Frame::Bad(e.to_string()));
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
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// One message's body; `None` at the end of input.
fn read_frame(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let l = line.trim_end();
        if l.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = l.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = Some(value.trim().parse::<usize>().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad header `{l}`"))
            })?);
        }
    }
    let length = length.unwrap_or(0);
    // No client sends a message this large; a length past it is a broken header.
    if length > 256 << 20 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a message of {length} bytes"),
        ));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(Some(body))
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
