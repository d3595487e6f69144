//! `annals hook install`: a git pre-commit hook running `annals check --staged`.

use anyhow::{Context as _, Result, bail};

use super::{App, Exit};
use crate::cli::{HookAction, HookArgs};

/// The hook script; `-C` points at the annals root when it is a subfolder of the work tree.
pub fn script(prefix: &str) -> String {
    let dir = prefix.trim_end_matches('/');
    let c = if dir.is_empty() {
        String::new()
    } else {
        // Single-quoted for sh: a quote in the folder's name cannot end the word.
        format!(" -C '{}'", dir.replace('\'', "'\\''"))
    };
    format!(
        "#!/bin/sh\n# Installed by `annals hook install`: checks the commit being made.\n\
         # Skip once with `git commit --no-verify`.\nexec annals{c} check --staged\n"
    )
}

pub fn run(app: &App, args: &HookArgs) -> Result<Exit> {
    let HookAction::Install { force } = args.action;
    let cfg = app.config()?;
    let Some(git) = crate::git::Git::open(&cfg.root) else {
        bail!("{} is not inside a git work tree", cfg.root.display());
    };
    let hooks = git.hooks_dir();
    let path = hooks.join("pre-commit");
    // The one write outside the root (where git runs hooks), still one writer at a time.
    let _writer = app.writer(&cfg)?;
    if path.exists() && !force {
        bail!(
            "{} exists: annals does not replace a hook without --force",
            path.display()
        );
    }
    crate::fsutil::write_atomic(&path, script(git.prefix()).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    if !app.quiet {
        super::out(&format!("installed {}\n", path.display()))?;
    }
    Ok(Exit::Clean)
}
