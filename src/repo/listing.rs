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

/// The ID of the tree `entries` make (as `git write-tree` would), or `None` when an entry
/// cannot be in a tree (an unmerged path, a name with a NUL).
pub fn tree_id(entries: &Listing) -> Option<Oid> {
    let items: Vec<(&[u8], u32, Oid)> = entries
        .iter()
        .map(|(p, (m, o))| (p.as_slice(), *m, *o))
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

fn parse_hex(hex: &[u8]) -> Option<Oid> {
    if hex.len() != 40 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; 20];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        bytes[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Oid::from_bytes(&bytes).ok()
}

fn read(path: &std::path::Path) -> Option<(Oid, Listing)> {
    let text = std::fs::read(path).ok()?;
    let mut lines = text.split(|&b| b == b'\n');
    let id = Oid::from_str(std::str::from_utf8(lines.next()?).ok()?).unwrap_or(Oid::ZERO_SHA1);
    let mut listing = Listing::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (hex, rest) = line.split_at(line.iter().position(|&b| b == b' ')?);
        let rest = &rest[1..];
        let (mode, path) = rest.split_at(rest.iter().position(|&b| b == b' ')?);
        let oid = parse_hex(hex)?;
        let mode = u32::from_str_radix(std::str::from_utf8(mode).ok()?, 8).ok()?;
        listing.push((path[1..].to_vec(), (mode, oid)));
    }
    listing
        .is_sorted_by(|a, b| a.0 < b.0)
        .then_some((id, listing))
}

/// Best-effort, like every cache here.
fn write(path: &std::path::Path, id: Oid, listing: &Listing) {
    if listing.iter().any(|(p, _)| p.contains(&b'\n')) {
        return;
    }
    let mut out = Vec::with_capacity(listing.len() * 80);
    out.extend_from_slice(format!("{id}\n").as_bytes());
    for (p, (mode, oid)) in listing {
        push_hex(&mut out, oid);
        out.push(b' ');
        push_mode(&mut out, *mode);
        out.push(b' ');
        out.extend_from_slice(p);
        out.push(b'\n');
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::fsutil::write_cache(path, &out);
}

/// HEAD's listing: cached, or the last checked index's when HEAD's tree is what it made, or
/// read from the tree (and cached).
pub fn head(git: &Git, tree: &Tree<'_>) -> Listing {
    let dir = git.cache_dir();
    let head_file = dir.join("head-listing.txt");
    if let Some((id, listing)) = read(&head_file)
        && id == tree.id()
    {
        return listing;
    }
    if let Some((_, listing)) = read(&dir.join("index-listing.txt"))
        && tree_id(&listing) == Some(tree.id())
    {
        write(&head_file, tree.id(), &listing);
        return listing;
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
    write(&head_file, tree.id(), &listing);
    listing
}

/// Keeps the index just checked, for the commit it is about to become (its tree ID is
/// computed when HEAD has moved, once per commit, not on every run).
pub fn remember_index(git: &Git, index: &Listing) {
    write(
        &git.cache_dir().join("index-listing.txt"),
        Oid::ZERO_SHA1,
        index,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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
