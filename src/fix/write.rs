//! Replacing one document file, atomically and inside the corpus only.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces the document at `relative` (under `root`) with `new`, if it still holds `old`:
/// a temporary file in the same folder, then a rename over it, so a reader sees the old
/// file or the new one, never half of one. The text is written as given, so its line
/// endings and byte-order mark stay as they were. A path that leads out of the corpus
/// (through `..` or a symbolic link) is refused; a link inside the corpus is followed, so the
/// link stays and its target changes.
pub fn replace(root: &Path, relative: &str, old: &str, new: &str) -> io::Result<()> {
    let target = inside(root, relative)?;
    let current = std::fs::read(&target)?;
    if current != old.as_bytes() {
        return Err(io::Error::other("it changed since it was read; run fix again"));
    }
    let folder = target.parent().ok_or_else(|| io::Error::other("it has no folder"))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut n = 0u32;
    let (temp, mut file) = loop {
        let temp = folder.join(format!(".{name}.annals-fix-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(new.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::set_permissions(&temp, permissions))
        .and_then(|()| std::fs::rename(&temp, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The real path of `relative` under `root`, when it is a regular file inside the corpus.
fn inside(root: &Path, relative: &str) -> io::Result<PathBuf> {
    let root = root.canonicalize()?;
    let target = root.join(relative).canonicalize()?;
    if !target.starts_with(&root) {
        return Err(io::Error::other("it lies outside the corpus"));
    }
    if !std::fs::symlink_metadata(&target)?.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    Ok(target)
}
