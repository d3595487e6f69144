#!/usr/bin/env bash
# Builds the git repository that README's history examples run in: examples/handbook,
# committed with a made-up history.
#
#   examples/make-history.sh DEST
#
# DEST must not exist yet. The story, in the order of its commits:
#
# - Each decision is committed on its date by its owner (a member, for a team). Bruno
#   commits ADR-0003 as accepted on 18 February 2025, Farid adds a consequence two days
#   later, and ADR-0009 supersedes it on 9 December 2025.
# - The brief "Retire the legacy deploy script" opens on 21 July 2026, gets Alice's and
#   Emeka's feedback, and closes on 14 August 2026, when ADR-0004 is deprecated.
# - Each meeting's agenda is committed at least two working days ahead, its outcome after
#   the meeting.
# - Emeka opens the brief "Adopt OpenTelemetry for request tracing" on 19 November 2026
#   (`priority: standard`, `reviewers: [alice, chloe, devika]`); Alice and Chloé commit
#   their feedback on 20 November; Devika has not answered.
# - Emeka proposes ADR-0012 on 24 November 2026 (`priority: low`, `reviewers: [bruno,
#   chloe]`); the catalog pages are committed last.
#
# Earlier versions of a document are derived from its final text in examples/handbook, so
# the last commit's tree is examples/handbook exactly (the script checks it). Names and
# emails come from the handbook's [people]; every date is fixed and no git configuration
# of the user's is read, so the commit hashes are the same on every machine. The
# repository is left set up to commit as Bruno, whose commits the README tour shows.
#
# Needs bash, git, perl, cp, cmp and diff; not annals.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DEST" >&2
  exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/handbook" && pwd)
dest=$1
if [ -e "$dest" ]; then
  echo "$0: $dest already exists" >&2
  exit 2
fi

# Only what this script says: no global or system configuration, no inherited repository.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
  GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_TEMPLATE_DIR

git -c init.defaultBranch=main init --quiet --template= "$dest"
dest=$(cd "$dest" && pwd)
git -C "$dest" config core.autocrlf false
git -C "$dest" config core.fileMode true

# `name` and the first `email` of [people.KEY] in the handbook's annals.toml.
person() {
  perl -ne '
    BEGIN { $key = shift @ARGV }
    $in = ($1 eq $key) if /^\[people\.([^\]]+)\]/;
    $in = 0 if /^\[(?!people\.)/;
    print "$1\n" if $in && /^name\s*=\s*"([^"]*)"/;
    print "$1\n" if $in && /^email\s*=\s*\[\s*"([^"]*)"/;
  ' "$1" "$src/annals.toml"
}

# Copies the final version of each handbook file given.
final() {
  local f
  for f in "$@"; do
    mkdir -p "$dest/$(dirname "$f")"
    cp "$src/$f" "$dest/$f"
  done
}

# FILE PERL: writes FILE as its final version changed by the perl substitutions, which
# must change something (so that an edit of the handbook cannot silently break the story).
earlier() {
  local f=$1 expr=$2
  mkdir -p "$dest/$(dirname "$f")"
  perl -0777 -pe "$expr" "$src/$f" >"$dest/$f"
  if cmp -s "$src/$f" "$dest/$f"; then
    echo "$0: the edit of $f matched nothing: $expr" >&2
    exit 1
  fi
}

# WHO DATE MESSAGE: commits everything as [people.WHO] at DATE (author and committer).
commit() {
  local who=$1 date=$2 msg=$3 id name email
  id=$(person "$who")
  name=$(sed -n 1p <<<"$id")
  email=$(sed -n 2p <<<"$id")
  if [ -z "$name" ] || [ -z "$email" ]; then
    echo "$0: no name and email for $who in annals.toml" >&2
    exit 1
  fi
  git -C "$dest" add --all
  GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
    git -C "$dest" -c user.name="$name" -c user.email="$email" commit --quiet --no-verify -m "$msg"
}

adr1=decisions/0001-record-architecture-decisions.md
adr2=decisions/0002-use-postgres-for-the-event-store.md
adr3=decisions/0003-publish-domain-events-through-rabbitmq.md
adr4=decisions/0004-deploy-services-with-a-shared-shell-script.md
adr5=decisions/0005-version-public-apis-in-the-url-path.md
adr6=decisions/0006-gate-risky-changes-behind-feature-flags.md
adr7=decisions/0007-cap-client-retries-with-a-retry-budget.md
adr8=decisions/0008-run-a-weekly-on-call-rotation-with-a-secondary.md
adr9=decisions/0009-use-a-transactional-outbox-for-domain-events.md
adr10=decisions/0010-adopt-graphql-for-the-public-api.md
adr11=decisions/0011-rotate-service-secrets-every-90-days.md
adr12=decisions/0012-trace-every-request-with-opentelemetry.md
retire=briefs/retire-the-legacy-deploy-script.md
otel=briefs/adopt-opentelemetry-for-request-tracing.md
staging=briefs/consolidate-staging-environments.md
m1=meetings/2026-09-08-platform-planning-for-q4-2026.md
m2=meetings/2026-10-01-outbox-migration-go-live-review.md
m3=meetings/2026-10-20-incident-review-checkout-retry-storm.md
m4=meetings/2026-11-17-secrets-rotation-readiness-check.md

# meeting FILE AUTHOR AGENDA_DATE OUTCOME_DATE TITLE: AUTHOR commits the agenda (the final
# text with the outcome section left empty) at AGENDA_DATE, then the outcome at OUTCOME_DATE.
meeting() {
  earlier "$1" 's/^## Outcome\n.*/## Outcome\n/ms'
  commit "$2" "$3" "Agenda: $5"
  final "$1"
  commit "$2" "$4" "Outcome: $5"
}

final annals.toml README.md "$adr1"
commit alice 2025-01-14T10:00:00+01:00 "Start the handbook: annals.toml and ADR-0001"

final "$adr2"
commit bruno 2025-02-04T11:00:00+01:00 "ADR-0002: Postgres for the event store"

# ADR-0003 as Bruno wrote it, then with Farid's consequence, then superseded with ADR-0009.
earlier "$adr3" 's/^status: superseded$/status: accepted/m; s/^superseded_by: .*\n//m;
  s/^> Superseded by .*?\n\n//ms;
  s/^\* Bad: .*//ms'
commit bruno 2025-02-18T15:00:00+01:00 "ADR-0003: publish domain events through RabbitMQ"

earlier "$adr3" 's/^status: superseded$/status: accepted/m; s/^superseded_by: .*\n//m;
  s/^> Superseded by .*?\n\n//ms;
  s/ Both happened in production in\n.*\z/\n/ms'
commit farid 2025-02-20T11:00:00+01:00 "ADR-0003: the dual write's failure modes"

earlier "$adr4" 's/^status: deprecated$/status: accepted/m; s/^> Deprecated in .*?\n\n//ms'
commit emeka 2025-03-11T10:00:00+01:00 "ADR-0004: deploy services with a shared shell script"

final "$adr5"
commit devika 2025-04-08T14:00:00+02:00 "ADR-0005: version public APIs in the URL path"

final "$adr6"
commit emeka 2025-05-13T10:30:00+02:00 "ADR-0006: feature flags for risky changes"

final "$adr7"
commit alice 2025-06-24T16:00:00+02:00 "ADR-0007: a retry budget per client"

final "$adr8"
commit alice 2025-09-09T11:00:00+02:00 "ADR-0008: weekly on-call rotation with a secondary"

final "$adr9" "$adr3"
commit bruno 2025-12-09T17:00:00+01:00 "ADR-0009: a transactional outbox; supersedes ADR-0003"

final "$adr10"
commit devika 2026-02-03T15:00:00+01:00 "ADR-0010: GraphQL for the public API, rejected"

final "$adr11"
commit chloe 2026-06-16T10:00:00+02:00 "ADR-0011: rotate service secrets every 90 days"

# The deploy-script brief: opened, two answers, closed.
retire_open='s/^status: closed$/status: open/m; s/^responded: .*\n//m;
  s/\nClosed on 14 August 2026: all services migrated\.\n/\n/; s/ Done on 4 August\.//;
  s/^\* \*\*Outcome\*\* .*\z//ms'
earlier "$retire" "$retire_open"'; s/^(## Feedback\n).*\z/$1/ms'
commit devika 2026-07-21T10:00:00+02:00 "Brief: retire the legacy deploy script"

earlier "$retire" "$retire_open"'; s/^\* \*\*Emeka\*\* .*\z//ms'
commit alice 2026-07-22T14:00:00+02:00 "Deploy-script brief: Alice's feedback"

earlier "$retire" "$retire_open"
commit emeka 2026-07-23T11:00:00+02:00 "Deploy-script brief: Emeka's feedback"

final "$retire" "$adr4"
commit devika 2026-08-14T16:00:00+02:00 "Close the deploy-script brief; deprecate ADR-0004"

# Meetings: the agenda ahead, the outcome after.
meeting "$m1" alice 2026-09-03T16:00:00+02:00 2026-09-08T14:00:00+02:00 "platform planning for Q4 2026"
meeting "$m2" bruno 2026-09-28T10:00:00+02:00 2026-10-01T16:00:00+02:00 "outbox migration go-live review"
meeting "$m3" emeka 2026-10-16T09:00:00+02:00 2026-10-20T15:00:00+02:00 \
  "incident review of the checkout retry storm"
meeting "$m4" chloe 2026-11-12T10:00:00+01:00 2026-11-17T17:00:00+01:00 "secrets rotation readiness check"

# The tracing brief: opened by Emeka, answered by Alice and Chloé in commits of their own.
earlier "$otel" 's/^(## Feedback\n).*\z/$1/ms'
commit emeka 2026-11-19T09:30:00+01:00 "Brief: adopt OpenTelemetry for request tracing"
earlier "$otel" 's/^\* \*\*Chloé\*\* .*\z//ms'
commit alice 2026-11-20T10:00:00+01:00 "Tracing brief: Alice's feedback"
final "$otel"
commit chloe 2026-11-20T14:00:00+01:00 "Tracing brief: Chloé's feedback"

final "$staging"
commit devika 2026-11-23T11:00:00+01:00 "Brief (draft): consolidate staging environments"

final "$adr12"
commit emeka 2026-11-24T10:00:00+01:00 "ADR-0012: trace every request with OpenTelemetry (proposed)"

final decisions/README.md meetings/README.md briefs/README.md
for f in "$src"/tags/*.md; do final "tags/$(basename "$f")"; done
commit emeka 2026-11-24T10:15:00+01:00 "Catalog pages (annals catalog --write)"

# The last commit holds the handbook, every file of it and nothing else.
if ! diff -r --exclude=.git "$src" "$dest" >&2; then
  echo "$0: the last commit differs from examples/handbook" >&2
  exit 1
fi
if [ -n "$(git -C "$dest" status --porcelain)" ]; then
  echo "$0: files left uncommitted in $dest" >&2
  exit 1
fi

git -C "$dest" config user.name "$(person bruno | sed -n 1p)"
git -C "$dest" config user.email "$(person bruno | sed -n 2p)"
