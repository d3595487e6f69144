//! One file per rule family; each holds its rules' documentation, checks and tests.

pub mod change;
pub mod files;
pub mod front_matter;
pub mod history;
pub mod links;
pub mod naming;
pub mod owners;
pub mod practice;
pub mod sections;

use crate::lint::registry::Rule;

/// The documentation `annals rule CODE` prints: what the rule checks, why, an example, the fix.
pub fn doc(rule: Rule) -> &'static str {
    match rule {
        Rule::UnreadableFile => files::E001_DOC,
        Rule::SkippedPath => files::E002_DOC,
        Rule::FileNamePattern => naming::N001_DOC,
        Rule::DuplicateId => naming::N002_DOC,
        Rule::SlugTitleMismatch => naming::N003_DOC,
        Rule::FrontMatterInvalid => front_matter::F001_DOC,
        Rule::SchemaViolation => front_matter::F002_DOC,
        Rule::UnknownTag => front_matter::F003_DOC,
        Rule::InvalidDate => front_matter::F004_DOC,
        Rule::InvalidStatus => front_matter::F005_DOC,
        Rule::TitleH1Mismatch => front_matter::F006_DOC,
        Rule::MissingSection => sections::S001_DOC,
        Rule::TemplatePlaceholder => sections::S002_DOC,
        Rule::MissingFile => links::L001_DOC,
        Rule::MissingFragment => links::L002_DOC,
        Rule::LinkEscapesRoot => links::L003_DOC,
        Rule::UnknownId => links::L004_DOC,
        Rule::SupersedeInconsistent => links::L005_DOC,
        Rule::Orphan => links::L006_DOC,
        Rule::LinkCaseMismatch => links::L007_DOC,
        Rule::UndefinedReference => links::L008_DOC,
        Rule::FragmentCaseMismatch => links::L009_DOC,
        Rule::MissingOwner => owners::O001_DOC,
        Rule::UnknownPerson => owners::O002_DOC,
        Rule::InactiveOwner => owners::O003_DOC,
        Rule::CodeownersStale => owners::O004_DOC,
        Rule::AcceptedDecisionEdited => change::O005_DOC,
        Rule::AgendaLate => practice::A001_DOC,
        Rule::ResponseOverdue => practice::A002_DOC,
        Rule::Stale => practice::A003_DOC,
        Rule::OutcomeMissing => practice::A004_DOC,
        Rule::HistoryUnverifiable => history::H001_DOC,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_documented() {
        for r in crate::lint::registry::RULES {
            assert!(!super::doc(r.rule).is_empty());
        }
    }
}
