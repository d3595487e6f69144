//! `annals due [--me PERSON]`: what awaits whose response, overdue first.

use anyhow::Result;
use serde_json::json;

use super::{App, Exit};
use crate::cli::{DueArgs, ShowFormat};
use crate::workspace::Mode;
use crate::workspace::practice::Team;

pub fn run(app: &App, args: &DueArgs) -> Result<Exit> {
    let ws = app.workspace(app.config()?, Mode::WorkTree, true)?;
    let now = super::check::parse_now(args.now.as_deref())?;
    let repo = &ws.corpus;
    let team = Team::of(&repo.config);
    let practice = team.practice(&ws, now);
    if let Some(me) = &args.me {
        let cfg = &repo.config;
        anyhow::ensure!(
            cfg.people.contains_key(me) || cfg.teams.contains_key(me),
            "`{me}` is not a key of [people] or [teams]"
        );
    }
    let mut rows = Vec::new();
    for doc in &repo.docs {
        let Some(a) = practice.awaited(doc) else {
            continue;
        };
        for person in &a.pending {
            if args.me.as_ref().is_some_and(|m| m != person) {
                continue;
            }
            // Positive: late by that much working time; negative: due in that much.
            let late = if now > a.deadline {
                team.calendar.working_seconds(a.deadline, now)
            } else {
                -team.calendar.working_seconds(now, a.deadline)
            };
            rows.push((late, person.clone(), doc, a.clone()));
        }
    }
    // Per reviewer (the most overdue reviewer first), each one's most overdue first.
    let worst = |person: &str| {
        rows.iter()
            .filter(|r| r.1 == person)
            .map(|r| r.0)
            .max()
            .unwrap_or(i64::MIN)
    };
    let order: std::collections::HashMap<String, i64> =
        rows.iter().map(|r| (r.1.clone(), worst(&r.1))).collect();
    rows.sort_by(|x, y| {
        order[&y.1]
            .cmp(&order[&x.1])
            .then_with(|| x.1.cmp(&y.1))
            .then_with(|| y.0.cmp(&x.0))
            .then_with(|| x.2.path.cmp(&y.2.path))
    });
    let when = |late: i64| {
        let d = crate::config::Duration::secs(late.abs()).to_string_rounded();
        if late > 0 {
            format!("overdue by {d}")
        } else {
            format!("due in {d}")
        }
    };
    if args.format == ShowFormat::Json {
        let v: Vec<_> = rows
            .iter()
            .map(|(late, person, doc, a)| {
                json!({"reviewer": person, "id": doc.id, "path": doc.path, "title": doc.title(),
                       "priority": a.priority, "deadline": a.deadline.to_rfc3339(),
                       "overdue": *late > 0, "working_seconds_late": late,
                       "unverified": a.unverified})
            })
            .collect();
        super::out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(Exit::Clean);
    }
    if rows.is_empty() {
        if !app.quiet {
            super::out("Nothing awaits a response.\n")?;
        }
        return Ok(Exit::Clean);
    }
    let mut s = String::new();
    let mut last = String::new();
    let mut unverified = Vec::new();
    for (late, person, doc, a) in &rows {
        let when = if let Some(why) = &a.unverified {
            if !unverified.iter().any(|(p, _)| p == &doc.path) {
                unverified.push((doc.path.clone(), why.clone()));
            }
            "could not verify".to_string()
        } else {
            when(*late)
        };
        if *person != last {
            s.push_str(&format!(
                "{}{person}\n",
                if last.is_empty() { "" } else { "\n" }
            ));
            last.clone_from(person);
        }
        s.push_str(&format!(
            "  {:<16} {:<8} {}  {}\n",
            when,
            a.priority,
            doc.id.as_deref().unwrap_or(&doc.path),
            doc.title().unwrap_or("")
        ));
    }
    for (path, why) in &unverified {
        s.push_str(&format!("\n{path}: the deadline is unknown: {why}\n"));
    }
    super::out(&s)?;
    Ok(Exit::Clean)
}
