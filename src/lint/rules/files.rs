//! E001, E002: files that cannot be taken as documents.

use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;
use crate::lint::registry::Rule;

/// Printed by `annals rule E001`.
pub const E001_DOC: &str = "What: a file in a kind's folder that cannot be read as markdown: not UTF-8, binary \
(holds a NUL byte), larger than `[limits] max_file_size`, or unreadable.\n\n\
Why: every other rule needs the text; a file annals cannot read is a document nobody can rely on, \
and a silent skip would hide it.\n\n\
Example: `decisions/0007-logo.md` that is really a PNG.\n\n\
Fix: convert the file to UTF-8 markdown, move it out of the kind's folder, or add it to the \
kind's `exclude`.";

/// Printed by `annals rule E002`.
pub const E002_DOC: &str = "What: a path in a kind's folder that annals did not read: a symbolic link \
(annals never follows links, so nothing outside the repository is read), a file name that is not \
valid UTF-8, or a folder that could not be listed.\n\n\
Why: a skipped file is not checked; the warning says so instead of hiding it.\n\n\
Example: `decisions/0009-shared.md -> ../../other-repo/0009.md`.\n\n\
Fix: replace the link with the file itself, rename the file, or exclude it.";

pub fn check_unreadable(doc: &Document, out: &mut Vec<Diagnostic>) {
    if let Some(why) = &doc.unreadable {
        out.push(Diagnostic::new(
            Rule::UnreadableFile,
            &doc.path,
            None,
            why.to_string(),
        ));
    }
}

pub fn check_skipped(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.repo.skipped {
        out.push(Diagnostic::new(
            Rule::SkippedPath,
            &s.path,
            None,
            s.why.clone(),
        ));
    }
}
