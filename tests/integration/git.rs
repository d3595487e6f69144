//! Git-backed behaviour on real repositories built with git2: fixed authors and times, no
//! `git` subprocess, no developer configuration.

use std::path::Path;

use git2::{Repository, Signature, Time};

use crate::common::{TestEnv, fixtures};

/// Monday 2026-06-22 09:00 UTC.
pub const MON: i64 = 1_782_118_800;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

pub struct GitEnv {
    pub env: TestEnv,
    pub repo: Repository,
}

impl GitEnv {
    /// A repository holding the fixture configuration, with `(kind, line)` added to kinds.
    pub fn new(kind_lines: &[(&str, &str)]) -> GitEnv {
        let env = TestEnv::with_config();
        let mut cfg = env.read("annals.toml");
        for (kind, line) in kind_lines {
            let header = format!("[kinds.{kind}]\n");
            cfg = cfg.replace(&header, &format!("{header}{line}\n"));
        }
        env.write("annals.toml", &cfg);
        let repo = Repository::init(env.root()).unwrap();
        GitEnv { env, repo }
    }

    /// Writes the files, stages them (and the deletions), and commits as `who` at `time`.
    pub fn commit(
        &self,
        who: &str,
        time: i64,
        files: &[(&str, &str)],
        deleted: &[&str],
    ) -> git2::Oid {
        for (p, text) in files {
            self.env.write(p, text);
        }
        for p in deleted {
            let _ = std::fs::remove_file(self.env.root().join(p));
        }
        let mut index = self.repo.index().unwrap();
        index.add_path(Path::new("annals.toml")).unwrap();
        for (p, _) in files {
            index.add_path(Path::new(p)).unwrap();
        }
        for p in deleted {
            index.remove_path(Path::new(p)).unwrap();
        }
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(who, &format!("{who}@acme.example"), &Time::new(time, 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &sig,
                &sig,
                &format!("update {}", files.first().map_or("", |f| f.0)),
                &tree,
                &refs,
            )
            .unwrap()
    }

    /// Stages `text` as `path` without touching the work tree copy afterwards.
    pub fn stage(&self, path: &str, text: &str) {
        self.env.write(path, text);
        let mut index = self.repo.index().unwrap();
        index.add_path(Path::new(path)).unwrap();
        index.write().unwrap();
    }

    pub fn check(&self, now: i64, args: &[&str]) -> (i32, String, String) {
        let now = chrono::DateTime::from_timestamp(now, 0)
            .unwrap()
            .to_rfc3339();
        let mut all = vec!["check", "--now", now.as_str(), "--color", "never"];
        all.extend_from_slice(args);
        self.env.run(&all)
    }
}

fn meeting(date: &str) -> String {
    format!(
        "---\ntitle: Platform weekly\ndate: {date}\nowner: platform\ntags: [process]\nattendees: [alice, bruno]\n---\n\n# Platform weekly\n\n## Agenda\n\n1. Retention\n\n## Pre-reads\n\n## Outcome\n\nAgreed.\n"
    )
}

fn brief(extra: &str) -> String {
    format!(
        "---\ntitle: Retry budget\nstatus: open\nowner: alice\ntags: [process]\npriority: urgent\nreviewers: [alice, bruno]\n{extra}---\n\n# Retry budget\n\nBody.\n"
    )
}

#[test]
fn a001_agenda_committed_late_across_a_weekend() {
    let g = GitEnv::new(&[("meeting", "agenda_lead = \"48h\"")]);
    // Friday 16:00 for Monday 10:00: 8 + 10 = 18 working hours.
    let fri = MON - 3 * DAY + 7 * HOUR;
    g.commit(
        "alice",
        fri,
        &[(
            "meetings/2026-06-22-platform-weekly.md",
            &meeting("2026-06-22T10:00"),
        )],
        &[],
    );
    // Tuesday 09:00 for the next Monday: 5 working days.
    g.commit(
        "alice",
        MON + DAY,
        &[(
            "meetings/2026-06-29-platform-weekly.md",
            &meeting("2026-06-29T10:00"),
        )],
        &[],
    );
    // Recorded after the meeting (adopting annals on an existing handbook): not an agenda.
    g.commit(
        "alice",
        MON + DAY,
        &[(
            "meetings/2026-06-15-platform-weekly.md",
            &meeting("2026-06-15T10:00"),
        )],
        &[],
    );
    let (_, out, _) = g.check(MON + 2 * DAY, &["--select", "A001"]);
    insta::assert_snapshot!("a001", out);
    assert_eq!(out.matches("[A001]").count(), 1, "{out}");
    assert!(
        out.contains("meetings/2026-06-22-platform-weekly.md"),
        "{out}"
    );
}

#[test]
fn the_hub_dashboard_says_whether_each_upcoming_agenda_came_in_time() {
    let g = GitEnv::new(&[("meeting", "agenda_lead = \"48h\"")]);
    // Friday 16:00 UTC for Monday 10:00 in the project's zone: late; the week after, in time.
    let fri = MON - 3 * DAY + 7 * HOUR;
    g.commit(
        "alice",
        fri,
        &[
            (
                "meetings/2026-06-22-platform-weekly.md",
                &meeting("2026-06-22T10:00"),
            ),
            (
                "meetings/2026-06-29-platform-weekly.md",
                &meeting("2026-06-29T10:00"),
            ),
        ],
        &[],
    );
    // Not committed yet, with a working day and a half to go.
    g.env.write(
        "meetings/2026-07-06-platform-weekly.md",
        &meeting("2026-07-06T10:00"),
    );
    let now = chrono::DateTime::from_timestamp(fri + HOUR, 0)
        .unwrap()
        .to_rfc3339();
    let (code, _, err) = g.env.run(&["site", "--now", &now, "--out", "hub"]);
    assert_eq!(code, 0, "{err}");
    let home = g.env.read("hub/index.html");
    let rows: Vec<&str> = home
        .lines()
        .filter(|l| l.contains("platform-weekly.html"))
        .collect();
    assert_eq!(rows.len(), 3, "{home}");
    assert!(
        rows[0].contains("<span class=\"overdue\">late: posted 16h ahead, 48h expected</span>"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("<span>on time: posted 5d ahead</span>"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains("<span>not committed yet: commit within "),
        "{}",
        rows[2]
    );
    // A document's page: created, updated and its authors from history (a roster person
    // linked, anyone else by the name before the `@`).
    g.commit(
        "zoe",
        fri + 2 * HOUR,
        &[(
            "meetings/2026-06-22-platform-weekly.md",
            &meeting("2026-06-22T10:00").replace("Agreed.", "Agreed twice."),
        )],
        &[],
    );
    let (code, _, err) = g.env.run(&["site", "--now", &now, "--out", "hub"]);
    assert_eq!(code, 0, "{err}");
    let page = g
        .env
        .read("hub/docs/meetings/2026-06-22-platform-weekly.html");
    assert!(
        page.contains("<dt>Created</dt><dd>2026-06-19</dd>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<dt>Authors</dt><dd><a href=\"../../people/alice.html\">alice</a>, zoe</dd>"
        ),
        "{page}"
    );
    assert!(!page.contains("zoe@"), "{page}");
}

#[test]
fn a001_a_staged_agenda_is_judged_against_now() {
    let g = GitEnv::new(&[("meeting", "agenda_lead = \"48h\"")]);
    g.commit(
        "alice",
        MON - 10 * DAY,
        &[(
            "decisions/0001-use-postgres-for-events.md",
            &std::fs::read_to_string(
                fixtures().join("rules/N001/clean/decisions/0001-use-postgres-for-events.md"),
            )
            .unwrap(),
        )],
        &[],
    );
    g.stage(
        "meetings/2026-06-23-platform-weekly.md",
        &meeting("2026-06-23T10:00"),
    );
    let (_, late, _) = g.check(MON + 2 * HOUR, &["--select", "A001", "--staged"]);
    assert_eq!(late.matches("[A001]").count(), 1, "{late}");
    let (_, early, _) = g.check(MON - 4 * DAY, &["--select", "A001", "--staged"]);
    assert_eq!(early.matches("[A001]").count(), 0, "{early}");
}

#[test]
fn a002_responses_overdue_and_answered_by_commit() {
    let g = GitEnv::new(&[]);
    let p = "briefs/retry-budget.md";
    g.commit("alice", MON, &[(p, &brief(""))], &[]);
    let (exit, out, _) = g.check(MON + DAY, &["--select", "A002"]);
    assert_eq!(
        exit, 0,
        "A002 is time-dependent: no exit code without --strict"
    );
    insta::assert_snapshot!("a002", out);
    assert!(out.contains("alice, bruno have not responded"), "{out}");
    let (exit, _, _) = g.check(MON + DAY, &["--select", "A002", "--strict"]);
    assert_eq!(exit, 0, "warnings stay warnings under --strict");
    // Within the deadline nothing is due.
    let (_, out, _) = g.check(MON + 2 * HOUR, &["--select", "A002"]);
    assert_eq!(out.matches("[A002]").count(), 0, "{out}");
    // bruno answers with a commit, alice by listing herself.
    g.commit(
        "bruno",
        MON + 3 * HOUR,
        &[(p, &(brief("") + "\n- bruno: fine by me\n"))],
        &[],
    );
    let (_, out, _) = g.check(MON + DAY, &["--select", "A002"]);
    assert!(out.contains("alice has not responded"), "{out}");
    g.commit(
        "alice",
        MON + 4 * HOUR,
        &[(
            p,
            &(brief("responded: [alice]\n") + "\n- bruno: fine by me\n"),
        )],
        &[],
    );
    let (_, out, _) = g.check(MON + DAY, &["--select", "A002"]);
    assert_eq!(out.matches("[A002]").count(), 0, "{out}");
}

#[test]
fn staged_edit_is_judged_with_its_committed_history() {
    // The deadline runs from the commit that opened the brief: `--staged` must read that
    // document's facts from the history cache, not treat the edit as a new document.
    let g = GitEnv::new(&[]);
    let p = "briefs/retry-budget.md";
    g.commit("alice", MON, &[(p, &brief(""))], &[]);
    g.stage(p, &(brief("") + "\nA staged afterthought.\n"));
    for _ in 0..2 {
        // Cold, then warm (the history cache read for just the staged document).
        let (_, out, _) = g.check(MON + DAY, &["--staged", "--select", "A002"]);
        assert!(out.contains("alice, bruno have not responded"), "{out}");
        let (_, out, _) = g.check(MON + 2 * HOUR, &["--staged", "--select", "A002"]);
        assert_eq!(out.matches("[A002]").count(), 0, "{out}");
    }
}

#[test]
fn a003_stale_after_review_every_unless_touched() {
    let g = GitEnv::new(&[("decision", "review_every = \"365d\"")]);
    let dec = std::fs::read_to_string(
        fixtures().join("rules/N001/clean/decisions/0001-use-postgres-for-events.md"),
    )
    .unwrap();
    let rejected = dec
        .replace("Use Postgres for events", "Retire cron")
        .replace("status: accepted", "status: rejected");
    g.commit(
        "alice",
        MON - 400 * DAY,
        &[
            ("decisions/0001-use-postgres-for-events.md", &dec),
            ("decisions/0002-retire-cron.md", &rejected),
        ],
        &[],
    );
    let (_, out, _) = g.check(MON, &["--select", "A003"]);
    insta::assert_snapshot!("a003", out);
    assert_eq!(
        out.matches("[A003]").count(),
        1,
        "a rejected decision is never stale: {out}"
    );
    g.commit(
        "bruno",
        MON - 10 * DAY,
        &[(
            "decisions/0001-use-postgres-for-events.md",
            &(dec.clone() + "\nReviewed.\n"),
        )],
        &[],
    );
    let (_, out, _) = g.check(MON, &["--select", "A003"]);
    assert_eq!(out.matches("[A003]").count(), 0, "{out}");
}

#[test]
fn history_follows_renames_and_is_cached() {
    let g = GitEnv::new(&[("meeting", "agenda_lead = \"48h\"")]);
    let old = "meetings/2026-06-29-platform-sync.md";
    let new = "meetings/2026-06-29-platform-weekly.md";
    g.commit(
        "alice",
        MON - 7 * DAY,
        &[(
            old,
            &meeting("2026-06-29T10:00").replace("Platform weekly", "Platform sync"),
        )],
        &[],
    );
    // Renamed the day before the meeting: still posted a week ahead.
    g.commit(
        "alice",
        MON + 6 * DAY,
        &[(new, &meeting("2026-06-29T10:00"))],
        &[old],
    );
    let (_, out, _) = g.check(MON + 8 * DAY, &["--select", "A001"]);
    assert_eq!(
        out.matches("[A001]").count(),
        0,
        "rename not followed: {out}"
    );
    let cache = g.repo.path().join("annals/history.txt");
    assert!(cache.is_file());
    // A JSON header line, then `"path"<TAB>facts` per document.
    let text = std::fs::read_to_string(&cache).unwrap();
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        header["head"],
        g.repo.head().unwrap().target().unwrap().to_string()
    );
    let line = lines
        .find(|l| l.starts_with(&format!("\"{new}\"\t")))
        .expect("the renamed document's line");
    let facts: serde_json::Value = serde_json::from_str(line.split_once('\t').unwrap().1).unwrap();
    assert_eq!(facts["created"]["time"], MON - 7 * DAY);
}

fn decision(status: &str, extra: &str) -> String {
    std::fs::read_to_string(
        fixtures().join("rules/N001/clean/decisions/0001-use-postgres-for-events.md"),
    )
    .unwrap()
    .replace("status: accepted", &format!("status: {status}"))
        + extra
}

const DEC: &str = "decisions/0001-use-postgres-for-events.md";

#[test]
fn staged_checks_the_index_not_the_work_tree() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("proposed", ""))], &[]);
    // Stage a bad tag, then fix it in the work tree only: the commit would carry the bad tag.
    g.stage(
        DEC,
        &decision("proposed", "").replace("tags: [storage]", "tags: [Storage]"),
    );
    g.env.write(DEC, &decision("proposed", "\nMore text.\n"));
    let (exit, out, _) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    assert_eq!(
        out,
        "decisions/0001-use-postgres-for-events.md:6:8: F003 tag `Storage` is not in the `[tags]` vocabulary\n"
    );
    // Without --staged the work tree is what counts.
    let (exit, out, _) = g.check(MON, &["--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""));
}

#[test]
fn staged_works_in_a_repository_without_commits() {
    let g = GitEnv::new(&[]);
    g.stage(
        DEC,
        &decision("accepted", "").replace("owner: alice", "owner: nobody"),
    );
    g.env
        .write("decisions/0002-untracked.md", "not staged, not checked");
    let (exit, out, err) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{err}");
    assert!(out.contains("O002 owner `nobody`"), "{out}");
    assert!(!out.contains("0002-untracked"), "{out}");
}

#[test]
fn f005_transitions_follow_the_workflow() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("rejected", ""))], &[]);
    g.stage(DEC, &decision("accepted", ""));
    let (exit, out, _) = g.check(MON, &["--staged"]);
    assert_eq!(exit, 1);
    insta::assert_snapshot!("f005_transition", out);
    g.commit(
        "alice",
        MON + HOUR,
        &[(DEC, &decision("proposed", ""))],
        &[],
    );
    g.stage(DEC, &decision("accepted", ""));
    let (exit, out, _) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!(
        (exit, out.as_str()),
        (0, ""),
        "proposed -> accepted is allowed"
    );
}

#[test]
fn o005_an_accepted_decision_may_only_change_status() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("accepted", ""))], &[]);
    g.stage(
        DEC,
        &decision("accepted", "").replace("one table per stream", "one table per tenant"),
    );
    let (exit, out, _) = g.check(MON, &["--staged"]);
    assert_eq!(exit, 1);
    insta::assert_snapshot!("o005", out);
    g.stage(
        DEC,
        &decision("superseded", "").replace(
            "decision-makers: [alice, bruno]",
            "decision-makers: [alice, bruno]\nsuperseded_by: ADR-0002",
        ),
    );
    let (_, out, _) = g.check(
        MON,
        &["--staged", "--select", "O005", "--format", "concise"],
    );
    assert_eq!(out, "", "status and superseded_by may change");
}

#[test]
fn since_reports_unchanged_documents_whose_links_a_deletion_broke() {
    let g = GitEnv::new(&[]);
    let linker = "briefs/retry-budget.md";
    let brief_text = "---\ntitle: Retry budget\nstatus: draft\nowner: alice\n---\n\n# Retry budget\n\nSee [events](../decisions/0001-use-postgres-for-events.md), TODO.\n";
    g.commit(
        "alice",
        MON,
        &[(DEC, &decision("accepted", "")), (linker, brief_text)],
        &[],
    );
    let base = g.repo.head().unwrap().target().unwrap().to_string();
    g.commit("bruno", MON + HOUR, &[], &[DEC]);
    let (exit, out, _) = g.check(MON + 2 * HOUR, &["--since", &base, "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    // The broken link is reported; the brief's old `TODO` (S002) was not caused by the change.
    assert_eq!(
        out,
        "briefs/retry-budget.md:9:5: L001 link `../decisions/0001-use-postgres-for-events.md` resolves to `decisions/0001-use-postgres-for-events.md`, which does not exist\n"
    );
}

#[test]
fn n002_two_branches_took_the_same_number_and_fix_renumbers() {
    let g = GitEnv::new(&[]);
    let base_commit = g.commit("alice", MON, &[(DEC, &decision("accepted", ""))], &[]);
    // main takes 0002 ...
    let main_doc = decision("accepted", "").replace("Use Postgres for events", "Retire cron");
    let main = g.commit(
        "alice",
        MON + HOUR,
        &[("decisions/0002-retire-cron.md", &main_doc)],
        &[],
    );
    g.repo
        .reference("refs/heads/main-line", main, true, "test")
        .unwrap();
    // ... while a branch from the base takes 0002 too and links to it.
    let base = g.repo.find_commit(base_commit).unwrap();
    g.repo
        .reset(base.as_object(), git2::ResetType::Hard, None)
        .unwrap();
    let branch_doc = decision("proposed", "\nSee [queues](0002-use-kafka.md#context).\n")
        .replace("Use Postgres for events", "Use Kafka");
    g.commit(
        "bruno",
        MON + 2 * HOUR,
        &[("decisions/0002-use-kafka.md", &branch_doc)],
        &[],
    );
    let (exit, out, _) = g.check(MON + 3 * HOUR, &["--since", "main-line"]);
    assert_eq!(exit, 1, "{out}");
    insta::assert_snapshot!("n002_since", out);
    let (exit, out, err) = g.check(
        MON + 3 * HOUR,
        &["--since", "main-line", "--fix", "--format", "concise"],
    );
    assert_eq!(exit, 0, "{out}{err}");
    assert!(g.env.root().join("decisions/0003-use-kafka.md").is_file());
    assert!(!g.env.root().join("decisions/0002-use-kafka.md").exists());
    assert!(
        g.env
            .read("decisions/0003-use-kafka.md")
            .contains("[queues](0003-use-kafka.md#context)")
    );
}

#[test]
fn due_and_stale_list_what_awaits_whom() {
    let g = GitEnv::new(&[("decision", "review_every = \"365d\"")]);
    g.commit(
        "alice",
        MON - 400 * DAY,
        &[(DEC, &decision("accepted", ""))],
        &[],
    );
    g.commit("alice", MON, &[("briefs/retry-budget.md", &brief(""))], &[]);
    g.commit(
        "alice",
        MON + 2 * HOUR,
        &[(
            "briefs/cache-policy.md",
            &brief("")
                .replace("Retry budget", "Cache policy")
                .replace("priority: urgent", "priority: low"),
        )],
        &[],
    );
    let now = chrono::DateTime::from_timestamp(MON + 5 * HOUR, 0)
        .unwrap()
        .to_rfc3339();
    let (exit, out, err) = g.env.run(&["due", "--now", &now]);
    assert_eq!(exit, 0, "{err}");
    insta::assert_snapshot!("due", out);
    let (_, out, _) = g
        .env
        .run(&["due", "--now", &now, "--me", "bruno", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["overdue"], true);
    assert_eq!(v[1]["overdue"], false);
    let (_, out, _) = g.env.run(&["stale", "--now", &now]);
    insta::assert_snapshot!("stale", out);
}

#[test]
fn status_follows_the_workflow_and_supersede_writes_both_sides() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("proposed", ""))], &[]);
    let (exit, out, err) = g.env.run(&["status", "ADR-0001", "accepted"]);
    assert_eq!(
        (exit, out.as_str()),
        (0, "ADR-0001: proposed -> accepted\n"),
        "{err}"
    );
    assert!(g.env.read(DEC).contains("status: accepted\n"));
    let (exit, _, err) = g.env.run(&["status", "ADR-0001", "proposed"]);
    assert_eq!(exit, 2);
    assert!(
        err.contains("does not allow `accepted` -> `proposed`"),
        "{err}"
    );
    let (exit, _, err) = g.env.run(&["status", "ADR-0001", "acepted"]);
    assert_eq!(exit, 2);
    assert!(err.contains("did you mean `accepted`?"), "{err}");

    let (exit, out, err) = g.env.run(&[
        "supersede",
        "ADR-0001",
        "Use Postgres partitions for events",
        "--tag",
        "storage",
    ]);
    assert_eq!(exit, 0, "{err}");
    assert_eq!(
        out,
        "decisions/0002-use-postgres-partitions-for-events.md\nADR-0001 -> superseded by ADR-0002\n"
    );
    let old = g.env.read(DEC);
    assert!(
        old.contains("status: superseded\n") && old.contains("superseded_by: ADR-0002\n"),
        "{old}"
    );
    let new = g
        .env
        .read("decisions/0002-use-postgres-partitions-for-events.md");
    insta::assert_snapshot!("supersede_new", new);
    let (exit, out, _) = g.check(MON, &["--format", "concise", "--ignore", "S002"]);
    assert_eq!((exit, out.as_str()), (0, ""), "both sides agree");
    let (exit, _, err) = g.env.run(&["supersede", "ADR-0001", "Again"]);
    assert_eq!(exit, 2);
    assert!(err.contains("ADR-0001 is already superseded"), "{err}");
}

#[test]
fn hook_install_writes_an_executable_hook_and_never_replaces_one() {
    let g = GitEnv::new(&[]);
    let (exit, out, err) = g.env.run(&["hook", "install"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.starts_with("installed "), "{out}");
    let hook = g.repo.path().join("hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.ends_with("exec annals check --staged\n"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let (exit, _, err) = g.env.run(&["hook", "install"]);
    assert_eq!(exit, 2);
    assert!(err.contains("without --force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert_eq!(g.env.run(&["hook", "install", "--force"]).0, 0);
}

#[test]
fn show_and_list_use_history() {
    let g = GitEnv::new(&[]);
    g.commit(
        "alice",
        MON - 10 * DAY,
        &[(DEC, &decision("proposed", ""))],
        &[],
    );
    g.commit("bruno", MON, &[(DEC, &decision("accepted", ""))], &[]);
    g.commit(
        "alice",
        MON - 5 * DAY,
        &[(
            "decisions/0002-retire-cron.md",
            &decision("accepted", "").replace("Use Postgres for events", "Retire cron"),
        )],
        &[],
    );
    let (_, out, _) = g.env.run(&["show", "ADR-0001"]);
    insta::assert_snapshot!("show_history", out);
    let (_, out, _) = g
        .env
        .run(&["list", "--sort", "created", "--format", "paths"]);
    assert_eq!(
        out,
        "decisions/0001-use-postgres-for-events.md\ndecisions/0002-retire-cron.md\n"
    );
    let (_, out, _) = g
        .env
        .run(&["list", "--sort", "updated", "--format", "paths"]);
    assert_eq!(
        out,
        "decisions/0002-retire-cron.md\ndecisions/0001-use-postgres-for-events.md\n"
    );
}

/// An adr-tools decision: no front matter, the status in a `## Status` section.
fn inline_decision(status: &str) -> String {
    format!(
        "# 1. Use Postgres for events\n\nDate: 2026-06-01\n\n## Status\n\n{status}\n\n## Context\n\nWe need a store.\n\n## Decision\n\nPostgres.\n\n## Consequences\n\nOne more database.\n"
    )
}

#[test]
fn history_records_status_changes_written_inline() {
    let g = GitEnv::new(&[]);
    g.commit(
        "alice",
        MON - 10 * DAY,
        &[(DEC, &inline_decision("Proposed"))],
        &[],
    );
    g.commit("bruno", MON, &[(DEC, &inline_decision("Accepted"))], &[]);
    let (code, out, err) = g.env.run(&["show", "ADR-0001", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let statuses: Vec<&str> = v["history"]["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    // The model reads `Accepted` as `accepted`; history reads it the same way.
    assert_eq!(statuses, ["proposed", "accepted"], "{out}");
}

#[test]
fn staged_change_reports_links_it_broke_in_other_documents() {
    let g = GitEnv::new(&[]);
    let linker = "briefs/retry-budget.md";
    let brief_text = "---\ntitle: Retry budget\nstatus: draft\nowner: alice\n---\n\n# Retry budget\n\nSee [the decision](../decisions/0001-use-postgres-for-events.md#decision) and {old placeholder}.\n";
    let unrelated = "---\ntitle: Other\nstatus: draft\nowner: alice\n---\n\n# Other\n\nA [dangling link](nowhere.md) that predates the change.\n";
    g.commit(
        "alice",
        MON,
        &[
            (DEC, &decision("proposed", "")),
            (linker, brief_text),
            ("briefs/other.md", unrelated),
        ],
        &[],
    );
    g.stage(
        DEC,
        &decision("proposed", "").replace("## Decision", "## Outcome"),
    );
    let (exit, out, _) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    assert_eq!(
        out,
        "briefs/retry-budget.md:9:5: L002 fragment `#decision` matches no heading or anchor in decisions/0001-use-postgres-for-events.md\n\
         decisions/0001-use-postgres-for-events.md: S001 required section `Decision` is missing (decision documents have: Context, Decision, Consequences)\n"
    );
    // Warm: the reference cache, not the linker's text, says who links into the change.
    assert!(g.repo.path().join("annals/refs.txt").is_file());
    let (exit, again, _) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!((exit, again.as_str()), (1, out.as_str()));
}

#[test]
fn staged_runs_across_commits_adopt_the_checked_index_as_head() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("proposed", ""))], &[]);
    let second = decision("proposed", "").replace("Use Postgres for events", "Retire cron");
    g.stage("decisions/0002-retire-cron.md", &second);
    let (exit, out, err) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    // The commit is exactly the index just checked: its listing becomes HEAD's.
    let head = g.commit(
        "alice",
        MON + HOUR,
        &[("decisions/0002-retire-cron.md", &second)],
        &[],
    );
    let tree = g.repo.find_commit(head).unwrap().tree_id();
    let third = second
        .replace("Retire cron", "Adopt Kafka")
        .replace("[storage]", "[Storage]");
    g.stage("decisions/0003-adopt-kafka.md", &third);
    g.stage(
        DEC,
        &decision("proposed", "").replace("owner: alice", "owner: nobody"),
    );
    let (exit, out, err) = g.check(MON + HOUR, &["--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{err}");
    let cached = std::fs::read_to_string(g.repo.path().join("annals/head-listing.txt")).unwrap();
    assert_eq!(cached.lines().next(), Some(tree.to_string().as_str()));
    assert_eq!(
        out,
        "decisions/0001-use-postgres-for-events.md:5:8: O002 owner `nobody` is not a key of [people] or [teams]\n\
         decisions/0003-adopt-kafka.md:6:8: F003 tag `Storage` is not in the `[tags]` vocabulary\n"
    );
}

#[test]
fn staged_rename_is_judged_by_its_index_content() {
    let g = GitEnv::new(&[]);
    let old = "briefs/retry-budget.md";
    let new = "briefs/retry-budgets.md";
    let text =
        "---\ntitle: Retry budget\nstatus: draft\nowner: alice\n---\n\n# Retry budget\n\nBody.\n";
    g.commit("alice", MON, &[(old, text)], &[]);
    std::fs::rename(g.env.root().join(old), g.env.root().join(new)).unwrap();
    let mut index = g.repo.index().unwrap();
    index.remove_path(Path::new(old)).unwrap();
    index.write().unwrap();
    // Staged with an unknown owner, then mended in the work tree only.
    g.stage(new, &text.replace("owner: alice", "owner: nobodyx"));
    g.env.write(new, text);
    let (exit, out, _) = g.check(MON, &["--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{out}");
    assert!(out.contains("O002 owner `nobodyx`"), "{out}");
}

#[test]
fn merged_branches_keep_their_own_history() {
    let g = GitEnv::new(&[("meeting", "agenda_lead = \"48h\"")]);
    g.commit(
        "alice",
        MON - 20 * DAY,
        &[(DEC, &decision("accepted", ""))],
        &[],
    );
    let base = g.repo.head().unwrap().peel_to_commit().unwrap();
    // On a branch: the agenda, nine days ahead.
    let agenda = "meetings/2026-06-22-platform-weekly.md";
    let branch_tip = g.commit(
        "alice",
        MON - 9 * DAY,
        &[(agenda, &meeting("2026-06-22T10:00"))],
        &[],
    );
    // Back on main: another commit, then a merge the day before the meeting.
    g.repo
        .reset(base.as_object(), git2::ResetType::Hard, None)
        .unwrap();
    let main_tip = g.commit(
        "bruno",
        MON - 5 * DAY,
        &[(
            "decisions/0002-retire-cron.md",
            &decision("accepted", "").replace("Use Postgres for events", "Retire cron"),
        )],
        &[],
    );
    let mut index = g
        .repo
        .merge_commits(
            &g.repo.find_commit(main_tip).unwrap(),
            &g.repo.find_commit(branch_tip).unwrap(),
            None,
        )
        .unwrap();
    let tree = g
        .repo
        .find_tree(index.write_tree_to(&g.repo).unwrap())
        .unwrap();
    let sig = Signature::new("bruno", "bruno@acme.example", &Time::new(MON - DAY, 0)).unwrap();
    let parents = [
        &g.repo.find_commit(main_tip).unwrap(),
        &g.repo.find_commit(branch_tip).unwrap(),
    ];
    g.repo
        .commit(Some("HEAD"), &sig, &sig, "merge", &tree, &parents)
        .unwrap();
    g.repo
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    let (_, out, _) = g.check(MON + DAY, &["--select", "A001", "--format", "concise"]);
    assert_eq!(out, "", "the merge is not the agenda's first commit");
    let (_, out, _) = g.env.run(&[
        "show",
        "meetings/2026-06-22-platform-weekly.md",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["history"]["authors"], serde_json::json!(["alice"]));
}

#[test]
fn renamed_and_rewritten_is_not_a_taken_number() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("proposed", ""))], &[]);
    let renamed = "decisions/0001-store-events-in-postgres.md";
    std::fs::rename(g.env.root().join(DEC), g.env.root().join(renamed)).unwrap();
    let mut index = g.repo.index().unwrap();
    index.remove_path(Path::new(DEC)).unwrap();
    index.write().unwrap();
    let rewritten = decision("proposed", "\nA much longer text that changes most of the document so that git sees no rename at all.\n").replace("Use Postgres for events", "Store events in Postgres").replace("We store events in Postgres, one table per stream.", "Entirely different wording here.");
    g.stage(renamed, &rewritten);
    let (_, out, _) = g.check(
        MON,
        &["--staged", "--select", "N002", "--format", "concise"],
    );
    assert_eq!(out, "");
}

#[test]
fn o005_ignores_owner_changes_and_status_sections() {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("accepted", ""))], &[]);
    g.stage(
        DEC,
        &decision("accepted", "").replace("owner: alice", "owner: bruno"),
    );
    let (_, out, _) = g.check(
        MON,
        &["--staged", "--select", "O005", "--format", "concise"],
    );
    assert_eq!(out, "", "front matter may change");
}

#[test]
fn new_takes_the_next_number_after_the_upstream_branch_too() {
    let g = GitEnv::new(&[]);
    let first = g.commit("alice", MON, &[(DEC, &decision("accepted", ""))], &[]);
    // The upstream (origin/main) has moved on with 0002, which this work tree has not seen.
    let theirs = decision("proposed", "").replace("Use Postgres for events", "Retire cron");
    let upstream = g.commit(
        "bruno",
        MON + HOUR,
        &[("decisions/0002-retire-cron.md", &theirs)],
        &[],
    );
    g.repo
        .remote("origin", "https://example.invalid/handbook.git")
        .unwrap();
    g.repo
        .reference("refs/remotes/origin/main", upstream, true, "test")
        .unwrap();
    let first = g.repo.find_commit(first).unwrap();
    g.repo
        .reset(first.as_object(), git2::ResetType::Hard, None)
        .unwrap();
    let head = g.repo.head().unwrap();
    let mut branch = git2::Branch::wrap(head);
    let args = ["new", "decision", "Use Kafka", "--date", "2026-06-29"];
    // Without an upstream, the work tree decides ...
    let (exit, out, err) = g.env.run(&args);
    assert_eq!(
        (exit, out.as_str()),
        (0, "decisions/0002-use-kafka.md\n"),
        "{err}"
    );
    std::fs::remove_file(g.env.root().join("decisions/0002-use-kafka.md")).unwrap();
    // ... with one, its numbers count too.
    branch.set_upstream(Some("origin/main")).unwrap();
    let (exit, out, err) = g.env.run(&args);
    assert_eq!(
        (exit, out.as_str()),
        (0, "decisions/0003-use-kafka.md\n"),
        "{err}"
    );
}

/// A history of three commits: 0001 accepted, then edited, then 0002 added.
fn three_commits() -> GitEnv {
    let g = GitEnv::new(&[]);
    g.commit("alice", MON, &[(DEC, &decision("proposed", ""))], &[]);
    g.commit("alice", MON + DAY, &[(DEC, &decision("accepted", ""))], &[]);
    let second = decision("proposed", "").replace("Use Postgres for events", "Retire cron");
    g.commit(
        "bruno",
        MON + 2 * DAY,
        &[("decisions/0002-retire-cron.md", &second)],
        &[],
    );
    g
}

#[test]
fn a_worktree_checks_with_its_history() {
    let g = three_commits();
    let wt_path = g.env.root().join(".worktrees-test/wt");
    std::fs::create_dir_all(wt_path.parent().unwrap()).unwrap();
    g.repo.worktree("wt", &wt_path, None).unwrap();
    let run = |args: &[&str]| g.env.run_in(&wt_path, args);
    let (exit, out, err) = run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    let (exit, out, err) = run(&["show", "ADR-0001"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("alice"), "{out}");
    // Staged checks read the worktree's own index.
    std::fs::write(
        wt_path.join(DEC),
        decision("accepted", "").replace("owner: alice", "owner: nobody"),
    )
    .unwrap();
    let wt_repo = Repository::open(&wt_path).unwrap();
    let mut index = wt_repo.index().unwrap();
    index.add_path(Path::new(DEC)).unwrap();
    index.write().unwrap();
    let (exit, out, err) = run(&["check", "--staged", "--format", "concise"]);
    assert_eq!(exit, 1, "{err}");
    assert!(out.contains("O002"), "{out}");
}

#[test]
fn a_shallow_clone_checks_without_the_missing_history() {
    let g = three_commits();
    let dst = g.env.root().join(".shallow-test/clone");
    let url = format!("file://{}", g.env.root().display());
    let cloned = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &url])
        .arg(&dst)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", g.env.root().join(".home"))
        .status();
    // The one `git` subprocess of the suite: libgit2 cannot make a shallow clone locally.
    assert!(
        cloned.is_ok_and(|s| s.success()),
        "git clone --depth 1 failed"
    );
    assert!(dst.join(".git/shallow").is_file(), "not a shallow clone");
    let run = |args: &[&str]| g.env.run_in(&dst, args);
    let (exit, out, err) = run(&["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    // Only the newest commit is there: it "created" both documents.
    let (exit, out, err) = run(&["show", "ADR-0001"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("bruno"), "{out}");
    let (exit, _, err) = run(&["check", "--since", "HEAD"]);
    assert_eq!(exit, 0, "{err}");
}

#[test]
fn a_bare_repository_is_a_folder_without_documents() {
    let env = TestEnv::new();
    let bare = env.root().join("bare.git");
    Repository::init_bare(&bare).unwrap();
    let (exit, out, err) = env.run_in(&bare, &["check", "--format", "concise"]);
    assert_eq!((exit, out.as_str()), (0, ""), "{err}");
    let (exit, _, err) = env.run_in(&bare, &["check", "--staged"]);
    assert_eq!(exit, 2, "{err}");
    assert!(err.starts_with("error:") && err.contains("not"), "{err}");
}

/// The history cache's header and each document's facts, as written by the last run.
fn history_cache(git_dir: &Path) -> (serde_json::Value, Vec<(String, serde_json::Value)>) {
    let text = std::fs::read_to_string(git_dir.join("annals/history.txt")).unwrap();
    let mut lines = text.lines();
    let header = serde_json::from_str(lines.next().unwrap()).unwrap();
    let docs = lines
        .map(|l| {
            let (p, f) = l.split_once('\t').unwrap();
            (
                serde_json::from_str(p).unwrap(),
                serde_json::from_str(f).unwrap(),
            )
        })
        .collect();
    (header, docs)
}

/// `git ARGS` in `dir` with no developer configuration (these tests need what libgit2
/// cannot do: shallow and partial clones).
fn git(env: &TestEnv, dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", env.root().join(".home"))
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Three commits with an asset beside the decisions: 0001 proposed with a diagram, then
/// accepted (the diagram replaced), then 0002 added and the diagram deleted.
fn with_assets() -> GitEnv {
    let g = GitEnv::new(&[]);
    g.commit(
        "alice",
        MON,
        &[
            (DEC, &decision("proposed", "")),
            ("decisions/diagram.svg", "<svg>one</svg>\n"),
        ],
        &[],
    );
    g.commit(
        "bruno",
        MON + DAY,
        &[
            (DEC, &decision("accepted", "")),
            ("decisions/diagram.svg", "<svg>two, quite different</svg>\n"),
        ],
        &[],
    );
    let second = decision("proposed", "").replace("Use Postgres for events", "Retire cron");
    g.commit(
        "chloe",
        MON + 2 * DAY,
        &[("decisions/0002-retire-cron.md", &second)],
        &["decisions/diagram.svg"],
    );
    g
}

#[test]
fn history_in_a_blobless_partial_clone_names_what_it_could_not_read() {
    let g = with_assets();
    let root = g.env.root().to_path_buf();
    git(&g.env, &root, &["config", "uploadpack.allowFilter", "true"]);
    let dst = root.join(".blobless/clone");
    let url = format!("file://{}", root.display());
    git(
        &g.env,
        &root,
        &[
            "clone",
            "--quiet",
            "--filter=blob:none",
            &url,
            dst.to_str().unwrap(),
        ],
    );
    let run = |args: &[&str]| g.env.run_in(&dst, args);
    let (exit, _, err) = run(&["check", "--format", "concise", "-v"]);
    assert!(exit == 0 || exit == 1, "{err}");
    assert!(err.contains("history: scanned 3 commits"), "{err}");
    let (header, docs) = history_cache(&dst.join(".git"));
    // 0001's first version is not in the clone (only HEAD's blobs were fetched): its status
    // then is unknown. 0002's only version is HEAD's.
    assert_eq!(header["unreadable"], serde_json::json!([DEC]), "{header}");
    assert_eq!(header["shallow"], false);
    let dec = &docs.iter().find(|(p, _)| p == DEC).unwrap().1;
    assert_eq!(dec["created"]["email"], "alice@acme.example");
    assert_eq!(dec["touches"].as_array().unwrap().len(), 2);
    assert_eq!(
        dec["statuses"],
        serde_json::json!([[MON + DAY, "accepted"]])
    );
    let (exit, out, err) = run(&["show", "ADR-0002"]);
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("chloe"), "{out}");
}

#[test]
fn history_in_a_shallow_clone_marks_documents_cut_at_the_boundary() {
    let g = three_commits();
    let root = g.env.root().to_path_buf();
    let dst = root.join(".shallow2/clone");
    let url = format!("file://{}", root.display());
    git(
        &g.env,
        &root,
        &[
            "clone",
            "--quiet",
            "--depth",
            "2",
            &url,
            dst.to_str().unwrap(),
        ],
    );
    let (exit, _, err) = g.env.run_in(&dst, &["check", "--format", "concise", "-v"]);
    assert_eq!(exit, 0, "{err}");
    assert!(
        err.contains("shallow clone: 1 documents' creation unknown"),
        "{err}"
    );
    let (header, docs) = history_cache(&dst.join(".git"));
    assert_eq!(header["shallow"], true);
    let facts = |p: &str| docs.iter().find(|(d, _)| d == p).unwrap().1.clone();
    // 0001 was created two commits before the boundary, which "adds" it: cut.
    let dec = facts(DEC);
    assert_eq!(dec["cut"], true, "{dec}");
    assert_eq!(dec["created"]["time"], MON + DAY);
    // 0002 was created after the boundary: its facts are whole.
    let second = facts("decisions/0002-retire-cron.md");
    assert!(second.get("cut").is_none(), "{second}");
    assert_eq!(second["created"]["time"], MON + 2 * DAY);
    // Deepened, the clone's cache is not extended but scanned again: nothing is cut.
    git(&g.env, &dst, &["fetch", "--quiet", "--unshallow"]);
    let (exit, _, err) = g.env.run_in(&dst, &["check", "-v"]);
    assert_eq!(exit, 0, "{err}");
    assert!(err.contains("history: scanned 3 commits"), "{err}");
    let (header, docs) = history_cache(&dst.join(".git"));
    assert_eq!(header["shallow"], false);
    assert!(docs.iter().all(|(_, f)| f.get("cut").is_none()));
}

/// Removes the loose object `id` (libgit2 writes every object of these tests loose).
fn remove_object(repo: &Repository, id: git2::Oid) {
    let hex = id.to_string();
    let p = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
    std::fs::remove_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
}

#[test]
fn a_missing_asset_blob_does_not_stop_the_history() {
    let g = with_assets();
    let blob = g.repo.blob(b"<svg>one</svg>\n").unwrap();
    remove_object(&g.repo, blob);
    let (exit, _, err) = g.check(MON + 3 * DAY, &["--format", "concise", "-v"]);
    assert!(exit == 0 || exit == 1, "{err}");
    assert!(err.contains("history: scanned 3 commits"), "{err}");
    let (header, docs) = history_cache(g.repo.path());
    // Only documents' blobs are read: nothing is unreadable.
    assert!(header.get("unreadable").is_none(), "{header}");
    assert_eq!(docs.len(), 2);
    let dec = &docs.iter().find(|(p, _)| p == DEC).unwrap().1;
    assert_eq!(
        dec["statuses"],
        serde_json::json!([[MON, "proposed"], [MON + DAY, "accepted"]])
    );
}

#[test]
fn a_missing_document_blob_is_named_unreadable() {
    let g = with_assets();
    let blob = g.repo.blob(decision("proposed", "").as_bytes()).unwrap();
    remove_object(&g.repo, blob);
    let (exit, _, err) = g.check(MON + 3 * DAY, &["--format", "concise", "-v"]);
    assert!(exit == 0 || exit == 1, "{err}");
    assert!(err.contains("1 documents with unreadable blobs"), "{err}");
    let (header, docs) = history_cache(g.repo.path());
    assert_eq!(header["unreadable"], serde_json::json!([DEC]));
    let dec = &docs.iter().find(|(p, _)| p == DEC).unwrap().1;
    // Created and touched as before; the first status is the unknown one.
    assert_eq!(dec["created"]["time"], MON);
    assert_eq!(
        dec["statuses"],
        serde_json::json!([[MON + DAY, "accepted"]])
    );
}

#[test]
fn check_v_says_where_the_history_came_from() {
    let g = three_commits();
    let (_, _, err) = g.check(MON + 3 * DAY, &["-v"]);
    assert!(err.contains("history: scanned 3 commits in "), "{err}");
    let (_, _, err) = g.check(MON + 3 * DAY, &["-v"]);
    assert!(
        err.contains("history: from the cache (2 documents) in "),
        "{err}"
    );
    g.commit(
        "alice",
        MON + 3 * DAY,
        &[(DEC, &decision("superseded", ""))],
        &[],
    );
    let (_, _, err) = g.check(MON + 3 * DAY, &["-v"]);
    assert!(
        err.contains("history: cache extended by 1 commit in "),
        "{err}"
    );
}
