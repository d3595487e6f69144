//! The decision graph: documents as nodes labelled by ID and title and styled by status,
//! their ID-field links (`supersedes`, `related`...) as edges, and the documents of other
//! kinds that link to them. Rendered as Graphviz dot or as Mermaid (which GitHub renders).

use std::collections::{BTreeMap, BTreeSet};

use super::Entry;
use crate::docs::links::{Target, resolve};
use crate::docs::{Corpus, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Dot,
    Mermaid,
}

/// Nodes and edges, sorted.
#[derive(Debug, Default)]
pub struct Graph<'r> {
    /// Documents of the graph's kind.
    pub nodes: Vec<Entry<'r>>,
    /// Documents of other kinds that link to a node.
    pub visitors: Vec<Entry<'r>>,
    /// `(from, relation, to)` by identity; `related` and `links` are written once per pair.
    pub edges: BTreeSet<(String, String, String)>,
}

/// The graph of `kind`'s documents (with the documents of other kinds that link to them when
/// `visitors` is set).
pub fn build(repo: &Corpus, kind: usize, visitors: bool) -> Graph<'_> {
    let mut graph = Graph::default();
    let in_kind = |d: &Document| d.kind == kind;
    let mut linked_in: BTreeSet<usize> = BTreeSet::new();
    let pair = |a: &str, b: &str| {
        if a <= b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        }
    };
    for (i, d) in repo.docs.iter().enumerate() {
        let mut field_targets = Vec::new();
        for field in &repo.kind_of(d).id_fields {
            for (value, _) in d.id_list(field) {
                if let Some(t) = repo.referenced(d, &value)
                    && in_kind(t)
                    && !std::ptr::eq(t, d)
                {
                    field_targets.push((field.clone(), t));
                }
            }
        }
        let mut link_targets = Vec::new();
        for l in &d.md.links {
            if let Target::Path { path, .. } = resolve(&d.path, &l.dest)
                && let Some(&j) = repo.by_path.get(&path)
                && in_kind(&repo.docs[j])
                && j != i
            {
                link_targets.push(&repo.docs[j]);
            }
        }
        if in_kind(d) {
            for (field, t) in field_targets {
                let (a, b) = (d.identity(), t.identity());
                let edge = match field.as_str() {
                    "superseded_by" => (b.to_string(), "supersedes".to_string(), a.to_string()),
                    // adr-tools writes both sides of an amendment: one edge.
                    "amended_by" => (b.to_string(), "amends".to_string(), a.to_string()),
                    "related" => {
                        let (x, y) = pair(a, b);
                        (x, "related".to_string(), y)
                    }
                    _ => (a.to_string(), field.clone(), b.to_string()),
                };
                graph.edges.insert(edge);
            }
            for t in link_targets {
                // From the document that links to the one it links to; two documents that
                // link to each other get an arrow each.
                graph.edges.insert((
                    d.identity().to_string(),
                    "links".into(),
                    t.identity().to_string(),
                ));
            }
        } else if visitors && (!field_targets.is_empty() || !link_targets.is_empty()) {
            linked_in.insert(i);
            for t in field_targets
                .iter()
                .map(|(_, t)| *t)
                .chain(link_targets.iter().copied())
            {
                graph.edges.insert((
                    d.identity().to_string(),
                    "links".into(),
                    t.identity().to_string(),
                ));
            }
        }
    }
    // A body link between two nodes that an ID field already relates says nothing more (a
    // visitor's links never pair with an ID field: those relate nodes only).
    let fields: BTreeSet<(String, String)> = graph
        .edges
        .iter()
        .filter(|(_, r, _)| r != "links")
        .map(|(a, _, b)| pair(a, b))
        .collect();
    graph
        .edges
        .retain(|(a, r, b)| r != "links" || !fields.contains(&pair(a, b)));
    graph.nodes = repo
        .docs
        .iter()
        .filter(|d| in_kind(d))
        .map(Entry::new)
        .collect();
    graph
        .nodes
        .sort_by(|a, b| a.doc.identity().cmp(b.doc.identity()));
    graph.visitors = linked_in
        .into_iter()
        .map(|i| Entry::new(&repo.docs[i]))
        .collect();
    graph
        .visitors
        .sort_by(|a, b| a.doc.identity().cmp(b.doc.identity()));
    graph
}

/// Fill and stroke for a status, with a neutral default for a team's own statuses.
fn colours(status: &str) -> (&'static str, &'static str) {
    match status {
        "accepted" | "approved" | "done" | "closed" => ("#dcfce7", "#16a34a"),
        "proposed" | "draft" | "open" | "in-review" => ("#fef9c3", "#ca8a04"),
        "rejected" => ("#fee2e2", "#dc2626"),
        "deprecated" | "superseded" => ("#e5e7eb", "#6b7280"),
        _ => ("#f3f4f6", "#374151"),
    }
}

pub fn render(g: &Graph<'_>, format: Format) -> String {
    match format {
        Format::Dot => dot(g),
        Format::Mermaid => mermaid(g),
    }
}

fn label(e: &Entry<'_>) -> (String, String) {
    let head = e.doc.id.clone().unwrap_or_else(|| match &e.date {
        Some(d) => d.clone(),
        None => e.doc.path.rsplit('/').next().unwrap_or(&e.doc.path).into(),
    });
    (head, e.title.clone())
}

fn dot(g: &Graph<'_>) -> String {
    let q = |s: &str| {
        format!(
            "\"{}\"",
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        )
    };
    let mut out = String::from(
        "digraph annals {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for e in &g.nodes {
        let (head, title) = label(e);
        let (fill, stroke) = colours(e.status.as_deref().unwrap_or(""));
        let status = e
            .status
            .as_deref()
            .map(|s| format!("\n[{s}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} [label={}, fillcolor=\"{fill}\", color=\"{stroke}\"{}];\n",
            q(e.doc.identity()),
            q(&format!("{head}\n{title}{status}")),
            if e.status.as_deref() == Some("superseded") {
                ", fontcolor=\"#6b7280\""
            } else {
                ""
            }
        ));
    }
    for e in &g.visitors {
        let (head, title) = label(e);
        out.push_str(&format!(
            "  {} [label={}, shape=note, style=filled, fillcolor=\"#eff6ff\", color=\"#2563eb\"];\n",
            q(e.doc.identity()),
            q(&format!("{head}\n{title}"))
        ));
    }
    for (a, r, b) in &g.edges {
        let style = match r.as_str() {
            "supersedes" => String::new(),
            "related" => ", style=dashed, dir=none".into(),
            _ => ", style=dotted".into(),
        };
        out.push_str(&format!(
            "  {} -> {} [label={}{style}];\n",
            q(a),
            q(b),
            q(r)
        ));
    }
    out.push_str("}\n");
    out
}

fn mermaid(g: &Graph<'_>) -> String {
    // Mermaid node names are identifiers: number the documents, label them with their text.
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    for (i, e) in g.nodes.iter().chain(&g.visitors).enumerate() {
        names.insert(e.doc.identity(), format!("n{i}"));
    }
    let text = |s: &str| {
        s.replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let class = |s: &str| {
        let c: String = s
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("s_{c}")
    };
    let mut out = String::from("flowchart LR\n");
    let mut classes = BTreeSet::new();
    for e in &g.nodes {
        let (head, title) = label(e);
        let status = e.status.as_deref().unwrap_or("");
        out.push_str(&format!(
            "  {}[\"{}<br/>{}\"]",
            names[e.doc.identity()],
            text(&head),
            text(&title)
        ));
        if status.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!(":::{}\n", class(status)));
            classes.insert(status);
        }
    }
    for e in &g.visitors {
        let (head, title) = label(e);
        out.push_str(&format!(
            "  {}>\"{}<br/>{}\"]:::visitor\n",
            names[e.doc.identity()],
            text(&head),
            text(&title)
        ));
    }
    for (a, r, b) in &g.edges {
        let (Some(a), Some(b)) = (names.get(a.as_str()), names.get(b.as_str())) else {
            continue;
        };
        let arrow = match r.as_str() {
            "supersedes" => format!("-->|{}|", text(r)),
            "related" => format!("-.-|{}|", text(r)),
            _ => format!("-.->|{}|", text(r)),
        };
        out.push_str(&format!("  {a} {arrow} {b}\n"));
    }
    for s in classes {
        let (fill, stroke) = colours(s);
        out.push_str(&format!(
            "  classDef {} fill:{fill},stroke:{stroke}{}\n",
            class(s),
            if s == "superseded" || s == "deprecated" || s == "rejected" {
                ",stroke-dasharray:4 3"
            } else {
                ""
            }
        ));
    }
    if !g.visitors.is_empty() {
        out.push_str("  classDef visitor fill:#eff6ff,stroke:#2563eb\n");
    }
    out
}
