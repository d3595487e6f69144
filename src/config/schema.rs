//! The JSON Schemas of the built-in kinds' front matter, embedded from `schema/`.

use super::Builtin;

/// The built-in schema of a kind, embedded from `schema/`.
pub fn builtin(kind: Builtin) -> &'static str {
    match kind {
        Builtin::Decision => include_str!("../../schema/decision.schema.json"),
        Builtin::Meeting => include_str!("../../schema/meeting.schema.json"),
        Builtin::Brief => include_str!("../../schema/brief.schema.json"),
    }
}
