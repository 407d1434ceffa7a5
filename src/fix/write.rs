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
    // Dropped on any error before the rename, the temporary file is removed.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.annals-fix-"))
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temp.write_all(new.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
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
