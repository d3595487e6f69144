//! Document templates: built-in per kind, or a file from `template = ...`, with `{{title}}`,
//! `{{date}}`, `{{number}}`, `{{id}}`, `{{owner}}`, `{{tags}}` and `{{status}}`.

use crate::config::{Builtin, Kind};

/// The values a template is filled with.
#[derive(Debug, Clone, Default)]
pub struct Fill {
    pub title: String,
    pub date: String,
    pub number: Option<u64>,
    pub id: Option<String>,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub status: Option<String>,
}

fn default_sections(kind: Builtin) -> &'static [(&'static str, &'static str)] {
    match kind {
        Builtin::Decision => &[
            (
                "Context",
                "What is the issue that motivates this decision? What forces are at play?",
            ),
            (
                "Decision",
                "What is the change that we are proposing or have agreed to, and why?",
            ),
            (
                "Consequences",
                "What becomes easier or harder because of this change?",
            ),
        ],
        Builtin::Meeting => &[
            (
                "Agenda",
                "Numbered items, each with the question to settle and who leads it.",
            ),
            (
                "Pre-reads",
                "Links to what attendees read before the meeting.",
            ),
            (
                "Outcome",
                "Filled after the meeting: decisions taken, actions with owners.",
            ),
        ],
        Builtin::Brief => &[
            (
                "Summary",
                "Two or three sentences a busy reader can act on.",
            ),
            ("Problem", "What is wrong today, for whom, and how we know."),
            ("Proposal", "What we want to do and what it costs."),
            (
                "Feedback",
                "Reviewers answer here, or with a commit touching this file.",
            ),
        ],
    }
}

/// The built-in template of a kind: front matter, title heading and the kind's sections.
pub fn builtin(kind: &Kind) -> String {
    let mut t = String::from("---\ntitle: {{title}}\n");
    if !kind.statuses.is_empty() {
        t.push_str("status: {{status}}\n");
    }
    t.push_str("date: {{date}}\nowner: {{owner}}\ntags: [{{tags}}]\n");
    if kind.builtin == Some(Builtin::Decision)
        && kind.people_fields.iter().any(|f| f == "decision-makers")
    {
        t.push_str("decision-makers: [{{owner}}]\n");
    }
    if kind.builtin == Some(Builtin::Meeting) && kind.people_fields.iter().any(|f| f == "attendees")
    {
        t.push_str("attendees: [{{owner}}]\n");
    }
    if !kind.open.is_empty() && kind.builtin == Some(Builtin::Brief) {
        t.push_str("reviewers: []\npriority: standard\n");
    }
    t.push_str("---\n\n# {{title}}\n");
    let defaults = kind.builtin.map_or(&[][..], default_sections);
    let sections: Vec<(String, String)> = if kind.sections.is_empty() {
        defaults
            .iter()
            .map(|(s, h)| ((*s).to_string(), (*h).to_string()))
            .collect()
    } else {
        kind.sections
            .iter()
            .map(|s| {
                let hint = defaults
                    .iter()
                    .find(|(d, _)| d.eq_ignore_ascii_case(s))
                    .map_or("", |(_, h)| *h);
                (s.clone(), hint.to_string())
            })
            .collect()
    };
    for (s, hint) in sections {
        t.push_str(&format!("\n## {s}\n\n"));
        if !hint.is_empty() {
            t.push_str(&format!("<!-- {hint} -->\n"));
        }
    }
    t
}

/// Fills `{{...}}` placeholders. YAML values are quoted where needed.
pub fn render(template: &str, f: &Fill) -> String {
    let yaml = super::edit::yaml_scalar;
    let fm_end = front_matter_end(template);
    let mut out = String::with_capacity(template.len() + 64);
    for (i, line) in template.split_inclusive('\n').enumerate() {
        let in_fm = i > 0 && fm_end.is_some_and(|e| i < e);
        let value = |key: &str| -> Option<String> {
            Some(match key {
                "title" => {
                    if in_fm {
                        yaml(&f.title)
                    } else {
                        f.title.clone()
                    }
                }
                "date" => f.date.clone(),
                "number" => f.number.map(|n| n.to_string())?,
                "id" => f.id.clone()?,
                "owner" => f.owner.clone()?,
                "tags" => f.tags.join(", "),
                "status" => f.status.clone()?,
                _ => return None,
            })
        };
        let mut rendered = String::new();
        let mut rest = line;
        let mut dropped = false;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}") else {
                break;
            };
            let key = rest[open + 2..open + close].trim();
            rendered.push_str(&rest[..open]);
            match value(key) {
                Some(v) => rendered.push_str(&v),
                None if in_fm => {
                    dropped = true;
                    break;
                }
                None => rendered.push_str(&rest[open..open + close + 2]),
            }
            rest = &rest[open + close + 2..];
        }
        if dropped {
            continue;
        }
        rendered.push_str(rest);
        out.push_str(&rendered);
    }
    out
}

/// The index of the closing `---` line, when the template starts with front matter.
fn front_matter_end(t: &str) -> Option<usize> {
    let is_delimiter = super::frontmatter::is_delimiter;
    let mut lines = t.lines();
    if !is_delimiter(lines.next()?.as_bytes(), false) {
        return None;
    }
    lines
        .position(|l| is_delimiter(l.as_bytes(), true))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_quotes() {
        let t = "---\ntitle: {{title}}\nstatus: {{status}}\n---\n# {{title}}\n";
        let s = render(
            t,
            &Fill {
                title: "Q&A: retries".into(),
                ..Fill::default()
            },
        );
        assert_eq!(s, "---\ntitle: \"Q&A: retries\"\n---\n# Q&A: retries\n");
    }
}
