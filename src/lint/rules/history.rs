//! H001: what the history at hand cannot verify. In a blobless partial clone, a shallow clone
//! or a damaged repository some objects are absent; a rule that needs one says so here
//! instead of passing (or giving a wrong date).

use crate::diagnostic::Diagnostic;
use crate::docs::Document;
use crate::lint::Context;
use crate::lint::registry::Rule;

/// Printed by `annals rule H001`.
pub const H001_DOC: &str = "What: a check that needs git history could not be made because the \
objects it needs are not in this clone: the base version of a changed document (O005 and F005 \
compare with it), or the commits that date a document (A001, A002 and A003 read them). Happens \
in blobless partial clones (`git clone --filter=blob:none`), shallow clones (`--depth`, the \
default of many CI checkouts) and damaged repositories. Everything that can still be verified \
is verified.\n\n\
Why: a check that silently passes because its evidence is missing tells the team \"all clear\" \
about a change nobody judged.\n\n\
Example: CI checks out with `fetch-depth: 1`; a meeting's first commit is beyond the shallow \
boundary, so whether its agenda was posted in time cannot be known.\n\n\
Fix: give the check the history it needs: `git fetch --unshallow` (or `fetch-depth: 0` in \
`actions/checkout`), and for a partial clone `git fetch --refetch` or a clone without `--filter`. \
Or turn the rule off in `[rules]` where the history is deliberately cut.";

pub fn check(ctx: &Context<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    if let Some(change) = &ctx.git.change
        && let Some(why) = change.unverified.get(&doc.path)
    {
        out.push(
            Diagnostic::new(
                Rule::HistoryUnverifiable,
                &doc.path,
                None,
                format!("could not verify what this change did to the document: {why}"),
            )
            .with_help(Some(
                "O005 (edits to accepted decisions) and F005 (workflow transitions) were not checked for it".to_string(),
            )),
        );
    }
}
