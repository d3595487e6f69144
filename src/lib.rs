//! annals: a team's decisions, meetings and briefs kept as a reliable, checked memory.
//!
//! The data's path: files ([`docs`]) → repository model ([`docs::Corpus`]) → rules
//! ([`lint`]) → diagnostics ([`diagnostic`]) → output ([`diagnostic::render`]).

// The write lock is an OS `flock` and every write an atomic POSIX rename over a journal
// (src/gate.rs): annals builds for Linux and macOS, and says so on anything else instead of
// failing at run time.
#[cfg(not(unix))]
compile_error!(
    "annals supports Linux and macOS only: its write lock (flock) and journaled renames are \
     POSIX. On Windows, build and run it under WSL."
);

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod fix;
pub mod fsutil;
pub mod gate;
pub mod git;
pub mod hub;
pub mod lint;
pub mod lsp;
pub mod pattern;
pub mod render;
pub mod search;
pub mod text;
pub mod time;
pub mod views;
pub mod workspace;
