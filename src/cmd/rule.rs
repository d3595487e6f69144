//! `annals rule [CODE]`: the registry, listed or one rule's documentation.

use anyhow::{Result, bail};
use serde_json::json;

use super::Exit;
use crate::cli::{RuleArgs, ShowFormat};
use crate::lint::registry::{self, Info, Level, RULES};
use crate::lint::rules::doc;

fn level(r: &Info) -> &'static str {
    match r.default {
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Off(_) => "off",
    }
}

pub fn run(args: &RuleArgs) -> Result<Exit> {
    let rules: Vec<&Info> = match &args.code {
        Some(code) => match registry::rule(code) {
            Some(r) => vec![r],
            None => bail!("unknown rule `{code}`: `annals rule` lists the codes"),
        },
        None => RULES.iter().collect(),
    };
    if args.format == ShowFormat::Json {
        let v: Vec<_> = rules
            .iter()
            .map(|r| {
                json!({"code": r.code, "name": r.name, "summary": r.summary, "default": level(r),
                       "fix": r.fix, "time_dependent": r.time_dependent, "doc": doc(r.rule)})
            })
            .collect();
        super::out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(Exit::Clean);
    }
    let mut s = String::new();
    if let [r] = rules.as_slice()
        && args.code.is_some()
    {
        s.push_str(&format!("{} ({}): {}\n\n", r.code, r.name, r.summary));
        s.push_str(&format!("Default: {}", level(r)));
        if let Some(f) = r.fix {
            s.push_str(&format!(". Fix: {f}"));
        }
        s.push_str(".\n\n");
        s.push_str(doc(r.rule));
        s.push('\n');
        super::out(&s)?;
        return Ok(Exit::Clean);
    }
    s.push_str("CODE  DEFAULT  FIX  NAME\n");
    for r in rules {
        s.push_str(&format!(
            "{}  {:<7}  {}  {}{}\n",
            r.code,
            level(r),
            if r.fix.is_some() { "yes" } else { "-  " },
            r.name,
            if r.time_dependent {
                " (time-dependent)"
            } else {
                ""
            }
        ));
    }
    super::out(&s)?;
    Ok(Exit::Clean)
}
