//! `annals serve [--port N] [--bind ADDR] [--open]`: the hub, live, on this machine.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use anyhow::{Context as _, Result};

use super::{App, Exit};
use crate::cli::ServeArgs;
use crate::hub::serve::{HEADERS, answer};
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
    let mut built: Option<(u64, crate::hub::Site, crate::workspace::Workspace)> = None;
    for request in server.incoming_requests() {
        // Pages reflect the work tree on the next request: the site is made again when a
        // document or the configuration changed since it was made.
        let stamp = fingerprint(&cfg);
        if built.as_ref().is_none_or(|(s, _, _)| *s != stamp) {
            let now = super::check::parse_now(args.now.as_deref())?;
            let ws = app.workspace(app.config()?, Mode::WorkTree, true)?;
            let site = crate::hub::build(&ws, now, None);
            built = Some((stamp, site, ws));
        }
        let Some((_, site, ws)) = &built else {
            continue;
        };
        let search = |q: &str| {
            let found = crate::search::SearchIndex::open_fresh(&cfg)
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
        let _ = request.respond(response);
    }
    Ok(Exit::Clean)
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
