//! What HEAD's tree holds (path, mode, blob) without reading its tree objects on every run:
//! `check --staged` compares the index with it instead of asking libgit2 for a status, which
//! reads every tree object of HEAD (most of a pre-commit run's time in a large repository).
//!
//! Two files under `.git/annals/`: `head-listing.txt`, HEAD's listing keyed by its tree ID,
//! and `index-listing.txt`, the index a `--staged` run last checked, keyed by the tree ID it
//! would make. After the commit that index becomes, HEAD's tree has that ID, and the
//! candidate is adopted without reading a tree. Tree IDs are computed in memory (never
//! written to the object database).

use git2::{ObjectType, Oid, Tree};

use super::Git;

/// `(path, (mode, blob))` sorted by path, paths as git spells them (from the top of the
/// work tree).
pub type Listing = Vec<(Vec<u8>, (u32, Oid))>;

/// A listing borrowing its paths from a cache file's text.
pub type Borrowed<'t> = Vec<(&'t [u8], (u32, Oid))>;

/// The ID of the tree `entries` make (as `git write-tree` would), or `None` when an entry
/// cannot be in a tree (an unmerged path, a name with a NUL).
pub fn tree_id<P: AsRef<[u8]>>(entries: &[(P, (u32, Oid))]) -> Option<Oid> {
    let items: Vec<(&[u8], u32, Oid)> = entries
        .iter()
        .map(|(p, (m, o))| (p.as_ref(), *m, *o))
        .collect();
    build(&items)
}

fn build(entries: &[(&[u8], u32, Oid)]) -> Option<Oid> {
    // (name, is a tree, mode, id), in git's order: a tree sorts as if its name ended in `/`.
    let mut items: Vec<(&[u8], bool, u32, Oid)> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let (path, mode, oid) = entries[i];
        if path.contains(&0) {
            return None;
        }
        match path.iter().position(|&b| b == b'/') {
            None => {
                items.push((path, false, mode, oid));
                i += 1;
            }
            Some(slash) => {
                let dir = &path[..slash];
                let mut j = i;
                let mut sub = Vec::new();
                while j < entries.len()
                    && entries[j].0.len() > slash
                    && &entries[j].0[..slash] == dir
                    && entries[j].0[slash] == b'/'
                {
                    sub.push((&entries[j].0[slash + 1..], entries[j].1, entries[j].2));
                    j += 1;
                }
                items.push((dir, true, 0o040_000, build(&sub)?));
                i = j;
            }
        }
    }
    items.sort_by(|a, b| {
        let n = a.0.len().min(b.0.len());
        a.0[..n].cmp(&b.0[..n]).then_with(|| {
            let next = |x: &(&[u8], bool, u32, Oid)| x.0.get(n).copied().or(x.1.then_some(b'/'));
            next(a).cmp(&next(b))
        })
    });
    let mut bytes = Vec::with_capacity(items.len() * 48);
    for (name, _, mode, oid) in items {
        push_mode(&mut bytes, mode);
        bytes.push(b' ');
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(oid.as_bytes());
    }
    Oid::hash_object(ObjectType::Tree, &bytes).ok()
}

fn push_mode(out: &mut Vec<u8>, mode: u32) {
    match mode {
        0o100_644 => out.extend_from_slice(b"100644"),
        0o100_755 => out.extend_from_slice(b"100755"),
        0o040_000 => out.extend_from_slice(b"40000"),
        0o120_000 => out.extend_from_slice(b"120000"),
        _ => out.extend_from_slice(format!("{mode:o}").as_bytes()),
    }
}

/// Hex without the formatting machinery: ten thousand IDs per run.
fn push_hex(out: &mut Vec<u8>, oid: &Oid) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in oid.as_bytes() {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 15)]);
    }
}

pub fn parse_hex(hex: &[u8]) -> Option<Oid> {
    // Ten thousand IDs per run: a table, not a match per digit.
    const NIBBLE: [u8; 256] = {
        let mut t = [0xff; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    if hex.len() != 40 {
        return None;
    }
    let mut bytes = [0u8; 20];
    let mut bad = 0u8;
    for (out, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
        let (hi, lo) = (NIBBLE[usize::from(pair[0])], NIBBLE[usize::from(pair[1])]);
        bad |= hi | lo;
        *out = hi << 4 | lo;
    }
    if bad & 0xf0 != 0 {
        return None;
    }
    Oid::from_bytes(&bytes).ok()
}

/// A cache file's text (its tree ID line, then `blob mode path` lines sorted by path) and
/// the ID on its first line.
fn read(path: &std::path::Path) -> Option<(Oid, Vec<u8>)> {
    let text = std::fs::read(path).ok()?;
    let first = &text[..memchr::memchr(b'\n', &text)?];
    let id = Oid::from_str(std::str::from_utf8(first).ok()?).ok()?;
    Some((id, text))
}

/// The tree ID and the entries of a cache file's text, or `None` when it is damaged.
pub fn parse(text: &[u8]) -> Option<(Oid, Borrowed<'_>)> {
    let first = memchr::memchr(b'\n', text)?;
    let id = Oid::from_str(std::str::from_utf8(&text[..first]).ok()?).unwrap_or(Oid::ZERO_SHA1);
    let mut listing = Borrowed::with_capacity(text.len() / 64);
    let body = first + 1;
    let mut start = body;
    // Each line: 40 hex digits, a space, the octal mode, a space, the path.
    for end in memchr::memchr_iter(b'\n', &text[body..]).map(|i| i + body) {
        let line = &text[start..end];
        start = end + 1;
        let (hex, rest) = (line.get(..40)?, line.get(41..)?);
        let space = memchr::memchr(b' ', rest)?;
        let mode = rest[..space].iter().try_fold(0u32, |m, &d| {
            (b'0'..=b'7')
                .contains(&d)
                .then(|| m * 8 + u32::from(d - b'0'))
        })?;
        listing.push((&rest[space + 1..], (mode, parse_hex(hex)?)));
    }
    (start == text.len() && listing.is_sorted_by(|a, b| a.0 < b.0)).then_some((id, listing))
}

/// Best-effort, like every cache here.
fn store(path: &std::path::Path, text: &[u8]) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::fsutil::write_cache(path, text);
}

/// Renders HEAD's listing and caches it.
fn keep_head(
    file: &std::path::Path,
    id: Oid,
    listing: &[(impl AsRef<[u8]>, (u32, Oid))],
) -> Option<Vec<u8>> {
    let text = render(id, listing)?;
    store(file, &text);
    Some(text)
}

/// The cache file's text, or `None` when a path cannot be written on one line.
fn render<P: AsRef<[u8]>>(id: Oid, listing: &[(P, (u32, Oid))]) -> Option<Vec<u8>> {
    if listing.iter().any(|(p, _)| p.as_ref().contains(&b'\n')) {
        return None;
    }
    let mut out = Vec::with_capacity(listing.len() * 80);
    out.extend_from_slice(format!("{id}\n").as_bytes());
    for (p, (mode, oid)) in listing {
        push_hex(&mut out, oid);
        out.push(b' ');
        push_mode(&mut out, *mode);
        out.push(b' ');
        out.extend_from_slice(p.as_ref());
        out.push(b'\n');
    }
    Some(out)
}

/// HEAD's listing as a cache file's text (see [`parse`], which checks the rest): cached, or
/// the last checked index's when HEAD's tree is what it made, or read from the tree (and
/// cached). `None` when HEAD's paths cannot be listed one per line.
pub fn head(git: &Git, tree: &Tree<'_>) -> Option<Vec<u8>> {
    let dir = git.cache_dir();
    let head_file = dir.join("head-listing.txt");
    if let Some((id, text)) = read(&head_file)
        && id == tree.id()
    {
        return Some(text);
    }
    if let Some((_, text)) = read(&dir.join("index-listing.txt"))
        && let Some((_, listing)) = parse(&text)
        && tree_id(&listing) == Some(tree.id())
    {
        return keep_head(&head_file, tree.id(), &listing);
    }
    let mut listing = Listing::new();
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
        if entry.kind() != Some(ObjectType::Tree) {
            let mut p = parent.as_bytes().to_vec();
            p.extend_from_slice(entry.name_bytes());
            listing.push((p, (entry.filemode().cast_unsigned(), entry.id())));
        }
        git2::TreeWalkResult::Ok
    });
    listing.sort_by(|a, b| a.0.cmp(&b.0));
    keep_head(&head_file, tree.id(), &listing)
}

/// Drops a cached HEAD listing that did not parse, so the next run lists the tree anew.
pub fn forget_head(git: &Git) {
    let _ = std::fs::remove_file(git.cache_dir().join("head-listing.txt"));
}

/// Keeps the index just checked, for the commit it is about to become (its tree ID is
/// computed when HEAD has moved, once per commit, not on every run). The first line holds
/// the index file's own checksum, so checking the same index again writes nothing.
pub fn remember_index(git: &Git, index: &Listing) {
    use std::io::Read;
    let file = git.cache_dir().join("index-listing.txt");
    let checksum = index_checksum(&git.repo.path().join("index")).unwrap_or(Oid::ZERO_SHA1);
    let mut first = [0u8; 40];
    let known = std::fs::File::open(&file).and_then(|mut f| f.read_exact(&mut first));
    if checksum != Oid::ZERO_SHA1 && known.is_ok() && first == *checksum.to_string().as_bytes() {
        return;
    }
    if let Some(text) = render(checksum, index) {
        store(&file, &text);
    }
}

/// The SHA-1 git writes at the end of its index file.
fn index_checksum(path: &std::path::Path) -> Option<Oid> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    f.seek(SeekFrom::End(-20)).ok()?;
    let mut sum = [0u8; 20];
    f.read_exact(&mut sum).ok()?;
    Oid::from_bytes(&sum).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_parse_in_lower_case_only() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(parse_hex(hex.as_bytes()), Oid::from_str(hex).ok());
        assert_eq!(parse_hex(hex.to_uppercase().as_bytes()), None);
        assert_eq!(parse_hex(&hex.as_bytes()[1..]), None);
        assert_eq!(parse_hex(hex.replace('7', "g").as_bytes()), None);
    }

    #[test]
    fn tree_ids_match_git() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        for (p, text) in [
            ("a.md", "a"),
            ("a-b.md", "ab"),
            ("a/x.md", "x"),
            ("a/y/z.md", "z"),
            ("b.md", "b"),
        ] {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, text).unwrap();
            index.add_path(std::path::Path::new(p)).unwrap();
        }
        let want = index.write_tree().unwrap();
        let listing: Listing = index
            .iter()
            .map(|e| (e.path.clone(), (e.mode, e.id)))
            .collect();
        assert!(listing.is_sorted_by(|a, b| a.0 < b.0));
        assert_eq!(tree_id(&listing), Some(want));
    }
}
