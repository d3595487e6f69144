//! annals: a team's decisions, meetings and briefs kept as a reliable, checked memory.
//!
//! The data's path: files ([`docs`]) → repository model ([`docs::Repository`]) → rules
//! ([`lint`]) → diagnostics ([`diagnostic`]) → output ([`diagnostic::render`]).

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod fsutil;
pub mod gate;
pub mod lint;
pub mod repo;
pub mod search;
pub mod time;
pub mod views;
