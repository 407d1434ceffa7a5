//! Which files of a corpus are documents: the `articles` and `entities` globs of
//! annals.toml, relative to the root. Symbolic links that lead out of the root are
//! not followed, and link loops are cut.

use crate::config::Config;
use crate::document::DocumentKind;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the root, with `/` separators.
    pub relative: String,
    pub kind: DocumentKind,
}

/// The document globs of a configuration, compiled.
#[derive(Debug)]
pub struct DocumentGlobs {
    articles: GlobSet,
    entities: GlobSet,
}

fn glob_set(patterns: &[String], what: &str) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        // `*` stays within one folder; `**` crosses folders.
        let glob: Glob = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("annals.toml: `{p}` in [corpus] {what} is not a valid glob: {e}"))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| format!("annals.toml: [corpus] {what}: {e}"))
}

impl DocumentGlobs {
    pub fn new(config: &Config) -> Result<Self, String> {
        Ok(DocumentGlobs {
            articles: glob_set(&config.articles, "articles")?,
            entities: glob_set(&config.entities, "entities")?,
        })
    }

    /// What a file at `relative` (with `/` separators) is, if it is a document.
    pub fn kind(&self, relative: &str) -> Option<DocumentKind> {
        if self.articles.is_match(relative) {
            Some(DocumentKind::Article)
        } else if self.entities.is_match(relative) {
            Some(DocumentKind::Entity)
        } else {
            None
        }
    }
}

/// Why a document file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Above the corpus's `max-file-size`: not read at all.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// A folder, a FIFO or a device where a document was expected.
    NotAFile,
    Io(std::io::Error),
}

/// Reads a document file: a regular file only (reading a FIFO would block forever) and at
/// most `limit` bytes, so that one file cannot take the memory of the whole analysis.
pub fn read_source(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_open(open_without_waiting(path)?, limit)
}

/// `read_source` of a file opened already.
fn read_open(file: std::fs::File, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile);
    }
    let size = metadata.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The file as its size said: once that much is read, no second read asks for the end
    // (one system call per file, not two). A file that grew meanwhile is read as it was; one
    // whose size reads 0 (some file systems say so of what they generate) is read to its end,
    // never past the limit.
    let want = if size == 0 { limit + 1 } else { size };
    file.take(want).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens a file for reading without waiting for a FIFO's writer (O_NONBLOCK), so that
/// its type can be read from the open file: one path lookup per document, not two.
#[cfg(unix)]
fn open_without_waiting(path: &Path) -> Result<std::fs::File, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(ReadError::Io)
}

/// One pass that reads many files of few folders (a check, the server's first read): each
/// file is opened relative to its folder, which the reading thread keeps open for the next
/// file in it. Opening by the whole path looks up every folder on the way again: opening was
/// 9 % of `annals check`'s samples at 10,000 articles, and by folder check is 1–2 % faster.
///
/// A thread keeps its last folder open until it reads in another pass or ends; a folder
/// kept from an earlier pass is never used, so a pass never reads a folder that was replaced
/// before it began.
pub struct ReadPass(#[cfg_attr(not(unix), allow(dead_code))] u64);

impl ReadPass {
    #[allow(clippy::new_without_default)] // Each is a new pass: not a default value.
    pub fn new() -> ReadPass {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        ReadPass(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    /// `read_source(path, limit)`.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        #[cfg(unix)]
        if let Some(opened) = self.open_in_folder(path) {
            return read_open(opened?, limit);
        }
        read_source(path, limit)
    }

    /// `path` opened relative to its folder (`None`: open it by its path).
    #[cfg(unix)]
    fn open_in_folder(&self, path: &Path) -> Option<Result<std::fs::File, ReadError>> {
        use std::os::fd::{AsRawFd, FromRawFd};
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::OpenOptionsExt;
        // Split at the last `/` as bytes: `Path::parent` parses every component, which was
        // most of this function's time. A path a walk joined has no `.` or `//` to resolve.
        let bytes = path.as_os_str().as_bytes();
        let slash = memchr::memrchr(b'/', bytes)?;
        let (folder, file_name) = (&bytes[..slash], &bytes[slash + 1..]);
        if folder.is_empty() || file_name.is_empty() || file_name == b"." || file_name == b".." {
            return None;
        }
        let folder = Path::new(std::ffi::OsStr::from_bytes(folder));
        // NUL-terminated on the stack: a file name is at most 255 bytes on Linux.
        let mut name_buffer = [0u8; 256];
        name_buffer.get_mut(..file_name.len())?.copy_from_slice(file_name);
        let name = std::ffi::CStr::from_bytes_until_nul(&name_buffer).ok()?;
        if name.to_bytes().len() != file_name.len() {
            return None; // A NUL inside the name: no file has it.
        }
        LAST_FOLDER.with(|last| {
            let mut last = last.try_borrow_mut().ok()?;
            let kept = last
                .as_ref()
                .is_some_and(|open| open.pass == self.0 && open.path.as_os_str() == folder.as_os_str());
            if !kept {
                *last = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_DIRECTORY)
                    .open(folder)
                    .ok()
                    .map(|file| OpenFolder {
                        pass: self.0,
                        path: folder.to_path_buf(),
                        file,
                    });
            }
            let folder = last.as_ref()?.file.as_raw_fd();
            // SAFETY: `name` is a NUL-terminated string and the folder's descriptor is open.
            let fd = unsafe { libc::openat(folder, name.as_ptr(), READ_WITHOUT_WAITING) };
            Some(if fd < 0 {
                Err(ReadError::Io(std::io::Error::last_os_error()))
            } else {
                // SAFETY: `fd` was just opened and nothing else owns it.
                Ok(unsafe { std::fs::File::from_raw_fd(fd) })
            })
        })
    }
}

/// How `ReadPass` opens a file: for reading only, without waiting for a FIFO's writer, and
/// closed in any program this one would start.
#[cfg(unix)]
const READ_WITHOUT_WAITING: std::ffi::c_int = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC;

/// A folder a thread keeps open during a pass (`ReadPass`).
#[cfg(unix)]
struct OpenFolder {
    pass: u64,
    path: PathBuf,
    file: std::fs::File,
}

#[cfg(unix)]
thread_local! {
    static LAST_FOLDER: std::cell::RefCell<Option<OpenFolder>> = const { std::cell::RefCell::new(None) };
}

#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> Result<std::fs::File, ReadError> {
    if !std::fs::metadata(path).map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    std::fs::File::open(path).map_err(ReadError::Io)
}

/// Whether `path` is a symbolic link (or lies under one) that leads out of `root`.
/// A path that does not exist leads nowhere.
pub fn leads_outside(root: &Path, path: &Path) -> bool {
    let Ok(target) = path.canonicalize() else {
        return false;
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    !target.starts_with(root)
}

/// A document's id: its file name without `.md`.
pub fn document_id(relative: &str) -> String {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

pub fn relative_path(root: &Path, path: &Path) -> Option<String> {
    match plain_relative(root, path) {
        Some(rel) => Some(rel.to_string()),
        None => parsed_relative(root, path),
    }
}

/// `relative_path` of any path: component by component.
fn parsed_relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
    (parts.len() == rel.components().count()).then(|| parts.join("/"))
}

/// `path` after `root` when it is spelled as a walk joins it (root, `/`, then names with one
/// `/` between them), without parsing either path into components: that parse was a fifth
/// of discovering 100,000 files. `None` for anything else, which `relative_path` parses.
#[cfg(unix)]
fn plain_relative<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    let rest = path
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(root.as_os_str().as_encoded_bytes())?;
    let rest = match root.as_os_str().as_encoded_bytes().last() {
        Some(b'/') => rest,
        _ => rest.strip_prefix(b"/")?,
    };
    let rel = std::str::from_utf8(rest).ok()?;
    let plain = !rel.is_empty()
        && rel
            .split('/')
            .all(|name| !name.is_empty() && name != "." && name != "..");
    plain.then_some(rel)
}

#[cfg(not(unix))]
fn plain_relative<'p>(_: &Path, _: &'p Path) -> Option<&'p str> {
    None
}

/// Every document file under `root`, in the order of a walk that visits each folder's
/// entries by name.
pub fn corpus_files(root: &Path, globs: &DocumentGlobs) -> Vec<SourceFile> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Unsorted: walkdir's sort parses both paths of every comparison, which was half of
    // discovering 10,000 files. The list is sorted once below instead.
    let walker = WalkDir::new(root).follow_links(true).into_iter().filter_entry(|entry| {
        if entry.depth() == 0 {
            return true;
        }
        let hidden = entry.file_name().to_str().is_some_and(|n| n.starts_with('.'));
        if hidden && entry.file_type().is_dir() {
            return false; // .git and friends: never documents, often large.
        }
        if entry.path_is_symlink() {
            // Followed only while it stays inside the corpus.
            return entry
                .path()
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&canonical_root));
        }
        true
    });
    // Errors here are loops and unreadable folders: they hold no document we could read.
    let paths: Vec<PathBuf> = walker
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    // Each file's name and kind on both cores, then one sort (serial, both were 0.18 s of
    // 100,000 articles).
    let mut files: Vec<SourceFile> = paths
        .into_par_iter()
        .filter_map(|path| {
            let relative = relative_path(root, &path)?;
            let kind = globs.kind(&relative)?;
            Some(SourceFile { path, relative, kind })
        })
        .collect();
    files.par_sort_unstable_by(|a, b| walk_order(&a.relative, &b.relative));
    files
}

/// The order of a walk that visits each folder's entries by name: component by component,
/// which is the order of the bytes with `/` below every other byte (no split per comparison).
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |byte: u8| if byte == b'/' { 0 } else { byte };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Paths of one folder share a long start: it is skipped eight bytes at a time (this sort
    // was a quarter of discovering 100,000 files when it mapped every byte).
    let mut at = 0;
    while at + 8 <= a.len().min(b.len()) && a[at..at + 8] == b[at..at + 8] {
        at += 8;
    }
    match a[at..].iter().zip(&b[at..]).position(|(x, y)| x != y) {
        Some(k) => key(a[at + k]).cmp(&key(b[at + k])),
        None => a.len().cmp(&b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::{parsed_relative, relative_path, walk_order};
    use proptest::prelude::*;
    use std::path::Path;

    proptest! {
        /// Byte order with `/` lowest is the order of comparing component by component, also
        /// past a long shared start (which is compared eight bytes at a time).
        #[test]
        fn walk_order_compares_component_by_component(
            start in "[a-c/-]{0,20}",
            a in "[a-c.!/-]{0,12}",
            b in "[a-c.!/-]{0,12}",
        ) {
            let a = format!("{start}{a}").trim_matches('/').replace("//", "/");
            let b = format!("{start}{b}").trim_matches('/').replace("//", "/");
            prop_assert_eq!(walk_order(&a, &b), a.split('/').cmp(b.split('/')), "{:?} {:?}", a, b);
        }

        /// A path joined as a walk joins it is read without parsing, as a parse reads it.
        #[test]
        fn a_joined_path_is_relative_as_parsed(
            root in "(/|\\.|\\./|[a-c]{1,3})(/[a-c.]{1,3}){0,3}/?",
            names in proptest::collection::vec("[a-c.]{1,3}", 0..4),
        ) {
            let root = Path::new(&root);
            let mut path = root.to_path_buf();
            for name in &names {
                path.push(name);
            }
            prop_assert_eq!(relative_path(root, &path), parsed_relative(root, &path), "{:?}", path);
        }
    }
}
