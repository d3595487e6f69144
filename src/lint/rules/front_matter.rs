//! F001-F006: front matter present, valid against the kind's schema, and meaningful.

use serde_json::Value;

use crate::config::FrontMatterMode;
use crate::diagnostic::Diagnostic;
use crate::docs::{Document, FrontMatter};
use crate::lint::Context;
use crate::lint::registry::Rule;
use crate::text::{did_you_mean, hint};

/// Printed by `annals rule F001`.
pub const F001_DOC: &str = "What: the document has no front matter although its kind requires it, or the \
`---` block is not valid YAML (the position of the YAML error is given), or is not a mapping.\n\n\
Why: title, owner, status and tags live there; without them a document cannot be listed, owned or \
searched by facet. Rules that read front matter are skipped for such a file.\n\n\
Example: `title: \"Unterminated` (a quote never closed).\n\n\
Fix: add a `---` block with the kind's fields, or correct the YAML at the position shown.";

/// Printed by `annals rule F002`.
pub const F002_DOC: &str = "What: the front matter violates the kind's JSON Schema (`schema = ...`, or the \
built-in one from `schema/`): a required field is missing or a value has the wrong type. Also \
reported when a document has neither a `title` nor a level-1 heading.\n\n\
Why: the schema is the team's contract for what every document of a kind says about itself.\n\n\
Example: `tags: storage` where the schema expects a list.\n\n\
Fix: write the field as the message's expectation says (`tags: [storage]`).";

/// Printed by `annals rule F003`.
pub const F003_DOC: &str = "What: a tag that is not in the `[tags]` vocabulary (silent while no vocabulary is \
configured).\n\n\
Why: a controlled vocabulary keeps tags searchable: `storage`, `Storage` and `storgae` would split \
one topic three ways.\n\n\
Example: `tags: [Storage]` where the vocabulary has `storage`.\n\n\
Fix: use the suggested tag, or add the new tag to `[tags]` with a description.";

/// Printed by `annals rule F004`.
pub const F004_DOC: &str = "What: `date` or `review_by` is not a real date: `YYYY-MM-DD`, or for meetings \
`YYYY-MM-DDTHH:MM` with an optional offset.\n\n\
Why: dates drive sorting, the agenda and outcome rules, and staleness.\n\n\
Example: `date: 2024-13-35`.\n\n\
Fix: write an existing calendar date in the expected format.";

/// Printed by `annals rule F005`.
pub const F005_DOC: &str = "What: `status` is not one of the kind's `statuses`; with `--staged`/`--since`, also a \
change of status that the kind's `transitions` do not allow.\n\n\
Why: the workflow is how a team knows what is decided, pending or retired.\n\n\
Example: `status: aproved` for a decision (statuses: proposed, accepted, ...).\n\n\
Fix: use one of the listed statuses (the help line suggests the closest).";

/// Printed by `annals rule F006`.
pub const F006_DOC: &str = "What: the first level-1 heading differs from the front matter `title`.\n\n\
Why: lists and search show the title, readers see the heading; they should name the same thing.\n\n\
Example: `title: Use Postgres` with `# Use Postgres (draft)`.\n\n\
Fix: make the heading and the title the same.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    match &doc.front_matter {
        FrontMatter::Invalid { message, offset } => {
            out.push(Diagnostic::new(
                Rule::FrontMatterInvalid,
                &doc.path,
                offset.map(|o| o..o),
                message.clone(),
            ));
            return;
        }
        FrontMatter::Absent if kind.front_matter == FrontMatterMode::Required => {
            out.push(Diagnostic::new(
                Rule::FrontMatterInvalid,
                &doc.path,
                None,
                format!(
                    "missing front matter: {} documents start with a `---` block (title, status, owner, tags...)",
                    kind.name
                ),
            ));
            return;
        }
        _ => {}
    }
    check_schema(ctx, doc, out);
    check_tags(ctx, doc, out);
    check_dates(doc, out);
    check_status(ctx, doc, out);
    check_title(doc, out);
}

fn check_schema(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    let mut title_reported = false;
    // Most documents are valid: the boolean check is much cheaper than collecting errors.
    if let Some(validator) = ctx.schema(doc.kind).filter(|v| !v.is_valid(&doc.data)) {
        let schema = format!("the {} schema", kind.name);
        let mut seen = std::collections::HashSet::new();
        for err in validator.iter_errors(&doc.data) {
            let pointer = err.instance_path().to_string();
            let path: Vec<String> = pointer.split('/').skip(1).map(unescape_pointer).collect();
            for f in schema_findings(doc, &schema, &path, err.kind(), err.instance()) {
                if !seen.insert(f.field.clone()) {
                    continue;
                }
                title_reported |= f.field == "title";
                let mut d =
                    Diagnostic::new(Rule::SchemaViolation, &doc.path, f.span, f.message).general();
                if !f.field.is_empty() {
                    d = d.on_field(&f.field);
                }
                out.push(d);
            }
        }
    }
    if doc.title().is_none() && !title_reported {
        out.push(
            Diagnostic::new(
                Rule::SchemaViolation,
                &doc.path,
                None,
                "document has no title: expected a `title` field or a `# ` heading",
            )
            .general()
            .on_field("title"),
        );
    }
}

/// One F002 finding: the top-level field it is about (empty for the whole front matter).
struct SchemaFinding {
    field: String,
    span: Option<std::ops::Range<usize>>,
    message: String,
}

/// A JSON Schema error in words: the field, what it holds, what the schema expects.
fn schema_findings(
    doc: &Document,
    schema: &str,
    path: &[String],
    kind: &jsonschema::error::ValidationErrorKind,
    instance: &Value,
) -> Vec<SchemaFinding> {
    use jsonschema::error::ValidationErrorKind as K;
    let field = path.first().cloned().unwrap_or_default();
    let span = doc.field(&field).map(|f| f.value_span.clone());
    let subject = subject(path);
    let one = |message: String| {
        vec![SchemaFinding {
            field: field.clone(),
            span: span.clone(),
            message,
        }]
    };
    match kind {
        K::Required { property } => {
            let missing = property.as_str().unwrap_or_default().to_string();
            if path.is_empty() {
                vec![SchemaFinding {
                    field: missing.clone(),
                    span: None,
                    message: format!("missing `{missing}`: {schema} requires it"),
                }]
            } else {
                one(format!("{subject} lacks `{missing}`: {schema} requires it"))
            }
        }
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            unexpected
                .iter()
                .map(|name| {
                    if path.is_empty() {
                        SchemaFinding {
                            field: name.clone(),
                            span: doc.field(name).map(|f| f.key_span.clone()),
                            message: format!("unknown field `{name}`: {schema} does not allow it"),
                        }
                    } else {
                        SchemaFinding {
                            field: format!("{field}/{name}"),
                            span: span.clone(),
                            message: format!(
                                "{subject} has the field `{name}`, which {schema} does not allow"
                            ),
                        }
                    }
                })
                .collect()
        }
        K::FalseSchema if !path.is_empty() && path.len() == 1 => vec![SchemaFinding {
            field: field.clone(),
            span: doc.field(&field).map(|f| f.key_span.clone()),
            message: format!("field `{field}` is not allowed by {schema}"),
        }],
        K::OneOfMultipleValid { .. } => one(format!(
            "{subject} is {}, which fits more than one of the forms {schema} allows: it must fit exactly one",
            describe(instance)
        )),
        K::Not { .. } => one(format!(
            "{subject} is {}, which {schema} rules out",
            describe(instance)
        )),
        K::UniqueItems => one(format!(
            "{subject} lists a value more than once: {schema} expects each value once"
        )),
        K::Contains => one(format!(
            "{subject} has no item of the kind {schema} asks for"
        )),
        K::MinItems { limit } | K::MaxItems { limit } => {
            let n = instance.as_array().map_or(0, Vec::len) as u64;
            let noun = item_noun(&field);
            let bound = if matches!(kind, K::MinItems { .. }) {
                "at least"
            } else {
                "at most"
            };
            one(format!(
                "{subject} has {}: {schema} expects {bound} {}",
                count(n, &noun),
                count(*limit, &noun)
            ))
        }
        K::MinProperties { limit } | K::MaxProperties { limit } => {
            let n = instance.as_object().map_or(0, serde_json::Map::len) as u64;
            let bound = if matches!(kind, K::MinProperties { .. }) {
                "at least"
            } else {
                "at most"
            };
            one(format!(
                "{subject} has {}: {schema} expects {bound} {}",
                count(n, "field"),
                count(*limit, "field")
            ))
        }
        K::MinLength { limit } | K::MaxLength { limit } => {
            let n = instance.as_str().map_or(0, |s| s.chars().count()) as u64;
            let bound = if matches!(kind, K::MinLength { .. }) {
                "at least"
            } else {
                "at most"
            };
            one(format!(
                "{subject} is {} ({}): {schema} expects {bound} {}",
                describe(instance),
                count(n, "character"),
                count(*limit, "character")
            ))
        }
        K::PropertyNames { .. } => one(format!(
            "{subject} has a field name {schema} does not allow"
        )),
        K::AdditionalItems { .. } | K::UnevaluatedItems { .. } => {
            one(format!("{subject} has more items than {schema} allows"))
        }
        K::Custom { message, .. } => one(format!("{subject}: {message}")),
        _ => match expectation(kind) {
            Some(expected) => one(format!(
                "{subject} is {}: {schema} expects {expected}",
                describe(instance)
            )),
            None => one(format!(
                "{subject} is {}, which {schema} does not accept",
                describe(instance)
            )),
        },
    }
}

/// What a value-level error expects, as a noun phrase ("a list", "one of a, b", "a real
/// date as `YYYY-MM-DD`"); `None` for errors that do not say.
fn expectation(kind: &jsonschema::error::ValidationErrorKind) -> Option<String> {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    Some(match kind {
        K::Type { kind } => match kind {
            TypeKind::Single(t) => type_words(&t.to_string()),
            TypeKind::Multiple(set) => {
                let words: Vec<String> = set.iter().map(|t| type_words(&t.to_string())).collect();
                or_list(&words)
            }
        },
        K::Enum { options } => {
            let values: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(plain).collect())
                .unwrap_or_default();
            match values.as_slice() {
                [one] => format!("`{one}`"),
                _ => format!("one of {}", values.join(", ")),
            }
        }
        K::Constant { expected_value } => format!("`{}`", plain(expected_value)),
        K::Pattern { pattern } => format!("text matching the regular expression `{pattern}`"),
        K::Format { format } => format_words(format),
        K::Minimum { limit } => format!("at least {}", plain(limit)),
        K::Maximum { limit } => format!("at most {}", plain(limit)),
        K::ExclusiveMinimum { limit } => format!("more than {}", plain(limit)),
        K::ExclusiveMaximum { limit } => format!("less than {}", plain(limit)),
        K::MultipleOf { multiple_of } => format!("a multiple of {multiple_of}"),
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            let mut forms: Vec<String> = Vec::new();
            for branch in context {
                // Each branch is described by its first error that says what it wanted.
                let phrase = branch.iter().find_map(|e| expectation(e.kind()));
                if let Some(x) = phrase
                    && !forms.contains(&x)
                {
                    forms.push(x);
                }
            }
            if forms.is_empty() {
                return None;
            }
            or_list(&forms)
        }
        K::FalseSchema => "no value here".to_string(),
        _ => return None,
    })
}

fn type_words(t: &str) -> String {
    match t {
        "string" => "text",
        "number" => "a number",
        "integer" => "a whole number",
        "boolean" => "`true` or `false`",
        "array" => "a list",
        "object" => "a mapping (`key: value` lines)",
        "null" => "nothing (an empty value)",
        other => other,
    }
    .to_string()
}

fn format_words(format: &str) -> String {
    match format {
        "date" => "a real date as `YYYY-MM-DD`".to_string(),
        "date-time" => {
            "a date and time as `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, with an offset)".to_string()
        }
        "time" => "a time as `HH:MM:SSZ` (with an offset)".to_string(),
        "duration" => "an ISO 8601 duration such as `P3D`".to_string(),
        "email" | "idn-email" => "an email address".to_string(),
        "uri" | "iri" => "an absolute URI such as `https://example.com/x`".to_string(),
        "uri-reference" | "iri-reference" => "a URI or a relative reference".to_string(),
        "regex" => "a valid regular expression".to_string(),
        "hostname" | "idn-hostname" => "a host name".to_string(),
        "ipv4" => "an IPv4 address".to_string(),
        "ipv6" => "an IPv6 address".to_string(),
        "uuid" => "a UUID".to_string(),
        other => format!("a value in the `{other}` format"),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The field a path names, in words: `` `tags` ``, `` item 2 of `tags` ``, `` `annals.ignore` ``.
fn subject(path: &[String]) -> String {
    match path {
        [] => "the front matter".to_string(),
        [field] => format!("`{field}`"),
        _ => {
            let mut name = path[0].clone();
            let mut item = None;
            for seg in &path[1..] {
                match seg.parse::<usize>() {
                    Ok(i) if item.is_none() => item = Some(i + 1),
                    _ => {
                        if let Some(i) = item.take() {
                            name.push_str(&format!("[{i}]"));
                        }
                        name.push('.');
                        name.push_str(seg);
                    }
                }
            }
            match item {
                Some(i) => format!("item {i} of `{name}`"),
                None => format!("`{name}`"),
            }
        }
    }
}

/// A value as the message shows it: scalars quoted, collections by kind and size.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".to_string(),
        Value::Array(a) => format!("a list of {}", count(a.len() as u64, "item")),
        Value::Object(o) => format!("a mapping of {}", count(o.len() as u64, "field")),
        Value::String(s) if s.chars().count() > 60 => {
            let cut: String = s.chars().take(57).collect();
            format!("`{cut}…`")
        }
        other => format!("`{}`", plain(other)),
    }
}

/// A scalar without JSON quoting.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `1 tag`, `2 tags`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What a list field holds, for counts: `tags` → `tag`; otherwise `item`.
fn item_noun(field: &str) -> String {
    match field.strip_suffix('s') {
        Some(one)
            if !one.is_empty()
                && !one.ends_with('s')
                && one
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_') =>
        {
            one.replace(['-', '_'], " ")
        }
        _ => "item".to_string(),
    }
}

/// `a` or `an` before a word, by its sound's usual spelling.
pub fn article(word: &str) -> &'static str {
    let lower = word.to_lowercase();
    let vowel = lower.starts_with(['a', 'e', 'i', 'o', 'u'])
        && !lower.starts_with("uni")
        && !lower.starts_with("use");
    if vowel || lower.starts_with("hour") {
        "an"
    } else {
        "a"
    }
}

fn unescape_pointer(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

fn check_tags(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let vocab = &ctx.repo.config.tags;
    if vocab.is_empty()
        || !matches!(
            doc.data.get("tags"),
            Some(Value::Array(_) | Value::String(_))
        )
    {
        return;
    }
    for (tag, span) in doc.list_field("tags") {
        if vocab.contains_key(&tag) {
            continue;
        }
        let same = |k: &&String| normalise_tag(k) == normalise_tag(&tag);
        let mut equal = vocab.keys().filter(same);
        let fix = match (equal.next(), equal.next()) {
            (Some(key), None) => tag_fix(doc, &span, &tag, key),
            _ => None,
        };
        let suggestion = if fix.is_some() {
            equal_key(vocab, &tag).map(str::to_string)
        } else {
            did_you_mean(&tag, vocab.keys().map(String::as_str))
        };
        // The way forward: the nearest tags, or how the team adds this one.
        let add = format!(
            "or add it to annals.toml: `[tags]` `{} = \"what it covers\"`",
            if tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                tag.clone()
            } else {
                format!("{tag:?}")
            }
        );
        let help = match suggestion {
            // Only case or spacing differs: the fix says it all.
            Some(s) if fix.is_some() => format!("did you mean `{s}`?"),
            Some(s) => format!("did you mean `{s}`? {add}"),
            None => {
                let mut near: Vec<&String> = vocab.keys().collect();
                near.sort_by_key(|k| {
                    std::cmp::Reverse((strsim::jaro_winkler(k, &tag) * 1000.0) as i64)
                });
                let near: Vec<String> = near.iter().take(3).map(|k| format!("`{k}`")).collect();
                format!("the nearest tags are {}; {add}", near.join(", "))
            }
        };
        out.push(
            Diagnostic::new(
                Rule::UnknownTag,
                &doc.path,
                Some(span),
                format!("tag `{tag}` is not in the `[tags]` vocabulary"),
            )
            .with_help(Some(help))
            .with_fix(fix)
            .on_field("tags"),
        );
    }
}

/// A tag as compared for the case and spacing fix: lowercase, with runs of spaces, `_` and
/// `-` as one `-`, trimmed.
fn normalise_tag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    for word in tag
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

fn equal_key<'v>(
    vocab: &'v std::collections::BTreeMap<String, String>,
    tag: &str,
) -> Option<&'v str> {
    vocab
        .keys()
        .find(|k| normalise_tag(k) == normalise_tag(tag))
        .map(String::as_str)
}

/// Replaces a tag that differs from a vocabulary key only in case and spacing. A typo is
/// only a hint: which tag was meant is the writer's call.
fn tag_fix(
    doc: &Document,
    span: &std::ops::Range<usize>,
    tag: &str,
    key: &str,
) -> Option<crate::diagnostic::fix::Fix> {
    if doc.source.get(span.clone()) != Some(tag) {
        return None;
    }
    let quoted = span
        .start
        .checked_sub(1)
        .and_then(|i| doc.source.as_bytes().get(i))
        .is_some_and(|b| matches!(b, b'"' | b'\''));
    let replacement = if quoted {
        if key.contains(['"', '\'', '\\']) {
            return None;
        }
        key.to_string()
    } else {
        crate::docs::edit::yaml_scalar(key)
    };
    Some(crate::diagnostic::fix::Fix::safe(
        format!("replace `{tag}` with `{key}`"),
        vec![crate::diagnostic::fix::Edit {
            path: doc.path.clone(),
            range: span.clone(),
            replacement,
        }],
    ))
}

fn check_dates(doc: &Document, out: &mut Vec<Diagnostic>) {
    for key in ["date", "review_by"] {
        let Some(v) = doc.data.get(key) else { continue };
        let ok = match v {
            Value::String(s) => {
                if key == "review_by" {
                    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").is_ok()
                } else {
                    crate::time::valid_date(s)
                }
            }
            _ => false,
        };
        if !ok {
            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            let expected = if key == "date" {
                "`YYYY-MM-DD` (meetings: `YYYY-MM-DDTHH:MM`)"
            } else {
                "`YYYY-MM-DD`"
            };
            out.push(
                Diagnostic::new(
                    Rule::InvalidDate,
                    &doc.path,
                    Some(doc.value_span(key)),
                    format!("invalid {key} `{shown}`: expected a real date as {expected}"),
                )
                .on_field(key),
            );
        }
    }
}

fn check_status(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let kind = ctx.kind(doc);
    if kind.statuses.is_empty() {
        return;
    }
    let Some(v) = doc.data.get("status") else {
        return;
    };
    // The status as every reader reads it; a value that is no status (not a string, or
    // empty) as written.
    let status = doc.status().map_or_else(
        || v.as_str().map_or_else(|| v.to_string(), str::to_string),
        str::to_string,
    );
    if kind.statuses.contains(&status) {
        return;
    }
    let suggestion = did_you_mean(&status, kind.statuses.iter().map(String::as_str));
    if kind.any_status {
        // An open vocabulary (MADR's): any status is fine; a near miss of a listed one is
        // probably a typo, worth a warning.
        if let Some(s) = suggestion {
            out.push(
                Diagnostic::new(
                    Rule::InvalidStatus,
                    &doc.path,
                    Some(doc.value_span("status")),
                    format!(
                        "status `{status}` is close to the {} status `{s}`: a typo?",
                        kind.name
                    ),
                )
                .with_help(Some(format!("did you mean `{s}`?")))
                .on_field("status")
                .at_most_warning(),
            );
        }
        return;
    }
    out.push(
        Diagnostic::new(
            Rule::InvalidStatus,
            &doc.path,
            Some(doc.value_span("status")),
            format!(
                "status `{status}` is not {} {} status: expected one of {}",
                article(&kind.name),
                kind.name,
                kind.statuses.join(", ")
            ),
        )
        .with_help(hint(suggestion))
        .on_field("status"),
    );
}

fn check_title(doc: &Document, out: &mut Vec<Diagnostic>) {
    let (Some(Value::String(title)), Some(h1)) = (doc.data.get("title"), doc.md.h1()) else {
        return;
    };
    if normalise(title) != normalise(&h1.text) {
        out.push(Diagnostic::new(
            Rule::TitleH1Mismatch,
            &doc.path,
            Some(h1.span.clone()),
            format!(
                "heading `{}` differs from the title `{}`",
                h1.text,
                title.trim()
            ),
        ));
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::{check_one, codes};

    const OK: &str = "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2024-01-01\nowner: alice\ntags: [storage]\n---\n# Use Postgres\n\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n";

    #[test]
    fn clean_document_has_no_front_matter_findings() {
        assert_eq!(
            codes(&check_one("decisions/0001-use-postgres.md", OK)),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn f001_broken_yaml_skips_other_front_matter_rules() {
        let d = check_one(
            "decisions/0001-use-postgres.md",
            "---\ntitle: \"Unterminated\nowner: nobody\n---\n# T\n",
        );
        assert_eq!(codes(&d), ["S001", "S001", "S001", "F001"]);
    }

    #[test]
    fn f002_wrong_type_points_at_the_field_and_silences_f003() {
        let src = OK.replace("tags: [storage]", "tags: storage");
        let d = check_one("decisions/0001-use-postgres.md", &src);
        assert_eq!(codes(&d), ["F002"]);
        assert_eq!(d[0].location.unwrap().line, 6);
    }

    #[test]
    fn f003_f004_f005_f006() {
        let src = OK
            .replace("tags: [storage]", "tags: [Storage]")
            .replace("date: 2024-01-01", "date: 2024-13-35")
            .replace("status: accepted", "status: acepted")
            .replace("# Use Postgres\n", "# Use Postgres (draft)\n");
        let d = check_one("decisions/0001-use-postgres.md", &src);
        assert_eq!(codes(&d), ["F005", "F004", "F003", "F006"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `accepted`?"));
        assert_eq!(d[2].help.as_deref(), Some("did you mean `storage`?"));
    }
}
