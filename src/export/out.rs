//! Where an export writes: a new folder, built in full next to `--out` and then renamed into
//! place, so that `--out` is absent, or holds the previous export, or holds the whole new one.
//!
//! The only module of `annals export` that touches the file system for writing. Every file
//! is created new (never opened over an existing one, never through a symbolic link) in a
//! folder this run created, under a name made of one path component; a failure removes that
//! folder again. `--force` replaces a folder only if it holds `annals-export.json`, the
//! manifest every export writes: a folder of other files is never deleted.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file every export folder holds; `--force` replaces only folders that have it.
pub const MANIFEST: &str = "annals-export.json";

#[derive(Debug)]
pub enum OutError {
    /// `--out` holds files and `--force` was not given.
    NotEmpty(PathBuf),
    /// `--force` was given, but the folder is not an export.
    NotAnExport(PathBuf),
    NotAFolder(PathBuf),
    /// `--force` was given, but the folder lacks the marker file of what is being written
    /// (`annals site`'s `annals-site.json`).
    NotMarked(PathBuf, &'static str),
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl fmt::Display for OutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutError::NotEmpty(p) => write!(
                f,
                "{} is not empty: give a new or empty folder, or pass --force to replace a previous export there",
                p.display()
            ),
            OutError::NotAnExport(p) => write!(
                f,
                "{} holds files but no {MANIFEST}, so it is not an annals export: --force replaces only a previous export; nothing was written",
                p.display()
            ),
            OutError::NotAFolder(p) => write!(f, "{} is not a folder; nothing was written", p.display()),
            OutError::NotMarked(p, marker) => write!(
                f,
                "{} holds files but no {marker}, so annals did not write it: --force replaces only what annals wrote there; nothing was written",
                p.display()
            ),
            OutError::Io { path, error } => {
                write!(f, "cannot write {}: {error}; nothing was left behind", path.display())
            }
        }
    }
}

impl std::error::Error for OutError {}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutError + '_ {
    move |error| OutError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// What stands at `--out` before the export.
#[derive(Debug, PartialEq, Eq)]
enum Before {
    Nothing,
    EmptyFolder,
    /// A previous export, to replace (`--force`).
    Export,
}

/// The folder being written. Dropped without `commit`, it is removed with all it holds.
pub struct Staging {
    /// Where the export goes (a symbolic link given as `--out` is resolved first).
    out: PathBuf,
    /// The new folder, next to `out`.
    temp: PathBuf,
    before: Before,
    /// Folders above `out` that this run created.
    created: Vec<PathBuf>,
    streams: Vec<(String, BufWriter<File>)>,
    done: bool,
}

impl Staging {
    /// Checks `out` and creates the folder to write in, next to it.
    pub fn prepare(out: &Path, force: bool) -> Result<Staging, OutError> {
        Staging::prepare_marked(out, force, MANIFEST)
    }

    /// `prepare` for a folder whose previous version is known by the file `marker` (one
    /// path component) instead of the export's manifest.
    pub fn prepare_marked(out: &Path, force: bool, marker: &'static str) -> Result<Staging, OutError> {
        let absolute = std::path::absolute(out).map_err(io_at(out))?;
        // The folder the user named may be a symbolic link to a folder: the export replaces
        // what it leads to, not the link.
        let out = match std::fs::symlink_metadata(&absolute) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(&absolute).map_err(io_at(&absolute))?,
            _ => absolute,
        };
        let before = match std::fs::symlink_metadata(&out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Before::Nothing,
            Err(e) => return Err(io_at(&out)(e)),
            Ok(meta) if !meta.is_dir() => return Err(OutError::NotAFolder(out)),
            Ok(_) => {
                let empty = std::fs::read_dir(&out).map_err(io_at(&out))?.next().is_none();
                if empty {
                    Before::EmptyFolder
                } else if !force {
                    return Err(OutError::NotEmpty(out));
                } else if std::fs::symlink_metadata(out.join(marker)).is_ok_and(|m| m.is_file()) {
                    Before::Export
                } else if marker == MANIFEST {
                    return Err(OutError::NotAnExport(out));
                } else {
                    return Err(OutError::NotMarked(out, marker));
                }
            }
        };
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| OutError::NotAFolder(out.clone()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut created = Vec::new();
        let made = make_folders(&parent, &mut created).and_then(|()| new_folder(&parent, &name, "new"));
        match made {
            Ok(temp) => Ok(Staging {
                out,
                temp,
                before,
                created,
                streams: Vec::new(),
                done: false,
            }),
            Err(e) => {
                remove_created(&mut created);
                Err(e)
            }
        }
    }

    /// Appends to the stream file `name` (one path component), created at its first use.
    pub fn append(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.stream(name)?.write_all(bytes)
    }

    /// The stream file `name` (one path component), created at its first use.
    pub fn stream(&mut self, name: &str) -> io::Result<&mut BufWriter<File>> {
        let at = match self.streams.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => {
                let file = create_new(&self.temp.join(one_component(name)?))?;
                self.streams
                    .push((name.to_string(), BufWriter::with_capacity(1 << 16, file)));
                self.streams.len() - 1
            }
        };
        Ok(&mut self.streams[at].1)
    }

    /// Two different streams at once (both created at their first use).
    pub fn two_streams(&mut self, a: &str, b: &str) -> io::Result<(&mut BufWriter<File>, &mut BufWriter<File>)> {
        self.stream(a)?;
        self.stream(b)?;
        let i = self.streams.iter().position(|(n, _)| n == a).unwrap_or(0);
        let j = self.streams.iter().position(|(n, _)| n == b).unwrap_or(0);
        if i == j {
            return Err(io::Error::other("two_streams needs two names"));
        }
        let (low, high) = (i.min(j), i.max(j));
        let (head, tail) = self.streams.split_at_mut(high);
        let (x, y) = (&mut head[low].1, &mut tail[0].1);
        Ok(if i < j { (x, y) } else { (y, x) })
    }

    /// Whether the stream `name` has been started.
    pub fn has_stream(&self, name: &str) -> bool {
        self.streams.iter().any(|(n, _)| n == name)
    }

    /// A handle that creates files in the folder from any thread (brat's documents).
    pub fn files(&self) -> FolderFiles {
        FolderFiles { dir: self.temp.clone() }
    }

    /// Flushes every stream and moves the folder into place. Returns where it went.
    ///
    /// The files are not synced to the disk first: the rename makes the export appear whole to
    /// every reader, and syncing a 170 MB export cost 0.4 s, most of an export's time at
    /// 10,000 articles (cp, tar and the exporters of other tools do not sync either).
    pub fn commit(mut self) -> Result<PathBuf, OutError> {
        for (name, stream) in &mut self.streams {
            let path = self.temp.join(name.as_str());
            stream.flush().map_err(io_at(&path))?;
        }
        self.streams.clear();
        match self.before {
            // rename(2) replaces an empty folder, and fails on one that filled up meanwhile.
            Before::Nothing | Before::EmptyFolder => {
                std::fs::rename(&self.temp, &self.out).map_err(io_at(&self.out))?
            }
            Before::Export => self.replace()?,
        }
        self.done = true;
        Ok(self.out.clone())
    }

    /// Swaps the new folder with the previous export, then removes the previous one.
    fn replace(&mut self) -> Result<(), OutError> {
        if exchange(&self.temp, &self.out).is_err() {
            // No atomic exchange here: the previous export steps aside, the new one moves in,
            // and on failure the previous one comes back.
            let parent = self.out.parent().unwrap_or(Path::new("."));
            let name = self
                .out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let aside = reserve_name(parent, &name, "old")?;
            std::fs::rename(&self.out, &aside).map_err(io_at(&self.out))?;
            if let Err(e) = std::fs::rename(&self.temp, &self.out) {
                let _ = std::fs::rename(&aside, &self.out);
                return Err(io_at(&self.out)(e));
            }
            self.temp = aside;
        }
        // `temp` now holds the previous export. remove_dir_all does not follow symbolic links.
        std::fs::remove_dir_all(&self.temp).map_err(io_at(&self.temp))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            self.streams.clear();
            let _ = std::fs::remove_dir_all(&self.temp);
            remove_created(&mut self.created);
        }
    }
}

/// Creates new files directly in the folder being written.
#[derive(Clone, Debug)]
pub struct FolderFiles {
    dir: PathBuf,
}

impl FolderFiles {
    /// Creates the new file `name` (one path component) with `bytes`.
    pub fn create(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.create_file(name)?.write_all(bytes)
    }

    /// Creates the new file `name` (one path component), to write in pieces.
    pub fn create_file(&self, name: &str) -> io::Result<File> {
        create_new(&self.dir.join(one_component(name)?))
    }

    /// Appends `bytes` to the file `name` that this build created before (a page written in
    /// two steps); a file that is not there is an error, not a new file.
    pub fn append(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.join(one_component(name)?))?
            .write_all(bytes)
    }
}

/// Creates `folder` and its missing parents, remembering each one created.
fn make_folders(folder: &Path, created: &mut Vec<PathBuf>) -> Result<(), OutError> {
    let mut missing = Vec::new();
    for ancestor in folder.ancestors() {
        match std::fs::metadata(ancestor) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => return Err(OutError::NotAFolder(ancestor.to_path_buf())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(ancestor.to_path_buf()),
            Err(e) => return Err(io_at(ancestor)(e)),
        }
    }
    for path in missing.into_iter().rev() {
        match std::fs::create_dir(&path) {
            Ok(()) => created.push(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(io_at(&path)(e)),
        }
    }
    Ok(())
}

fn remove_created(created: &mut Vec<PathBuf>) {
    // Only folders that are empty again: remove_dir refuses any other.
    for folder in created.drain(..).rev() {
        let _ = std::fs::remove_dir(folder);
    }
}

/// A new hidden folder `.{name}.annals-export-{what}-{pid}-{k}` in `parent`.
fn new_folder(parent: &Path, name: &str, what: &str) -> Result<PathBuf, OutError> {
    for k in 0..100 {
        let path = parent.join(format!(".{name}.annals-export-{what}-{}-{k}", std::process::id()));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_at(&path)(e)),
        }
    }
    Err(io_at(parent)(io::Error::other("no free name for a temporary folder")))
}

/// A name like `new_folder`'s that nothing holds now (for a rename to take).
fn reserve_name(parent: &Path, name: &str, what: &str) -> Result<PathBuf, OutError> {
    (0..100)
        .map(|k| parent.join(format!(".{name}.annals-export-{what}-{}-{k}", std::process::id())))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .ok_or_else(|| io_at(parent)(io::Error::other("no free name for a temporary folder")))
}

/// Swaps two folders at once (Linux's renameat2 with RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are NUL-terminated strings that live across the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange"))
}

/// A new file; never an existing one, nor through a symbolic link.
fn create_new(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// `name`, if it is one plain path component (no separator, not `.` or `..`, not empty).
fn one_component(name: &str) -> io::Result<&str> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).components().count() == 1;
    if plain {
        Ok(name)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{name}` is not a plain file name"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(root: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_new_folder_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b/export");
        let mut staging = Staging::prepare(&out, false).unwrap();
        staging.append("x.jsonl", b"1\n").unwrap();
        staging.append("x.jsonl", b"2\n").unwrap();
        let files = staging.files();
        files.create("doc.txt", b"t").unwrap();
        files.create("doc.ann", b"a").unwrap();
        assert!(
            files.create("doc.txt", b"again").is_err(),
            "never over an existing file"
        );
        assert!(!out.exists(), "nothing at --out before the commit");
        staging.commit().unwrap();
        assert_eq!(
            listing(dir.path()),
            [
                "a",
                "a/b",
                "a/b/export",
                "a/b/export/doc.ann",
                "a/b/export/doc.txt",
                "a/b/export/x.jsonl"
            ]
        );
        // Dropped without a commit: nothing stays, not even the folders it created.
        let staging = Staging::prepare(&dir.path().join("c/d/e"), false).unwrap();
        drop(staging);
        assert!(!dir.path().join("c").exists());
    }

    #[test]
    fn names_are_one_component() {
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::prepare(&dir.path().join("out"), false).unwrap();
        for bad in ["../x", "..", ".", "", "a/b", "a\\b"] {
            assert!(staging.files().create(bad, b"").is_err(), "{bad:?}");
            assert!(staging.append(bad, b"").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn force_replaces_only_a_previous_export() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        assert!(matches!(Staging::prepare(&out, false), Err(OutError::NotEmpty(_))));
        assert!(matches!(Staging::prepare(&out, true), Err(OutError::NotAnExport(_))));
        assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "mine");

        std::fs::write(out.join(MANIFEST), "{}").unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep"), "keep").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
        let mut staging = Staging::prepare(&out, true).unwrap();
        staging.append(MANIFEST, b"{\"new\":true}").unwrap();
        staging.commit().unwrap();
        assert_eq!(listing(&out), [MANIFEST]);
        assert_eq!(std::fs::read_to_string(outside.join("keep")).unwrap(), "keep");
        assert_eq!(
            listing(dir.path()),
            ["out", &format!("out/{MANIFEST}"), "outside", "outside/keep"]
        );
    }

    #[test]
    fn a_file_at_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::write(&out, "x").unwrap();
        assert!(matches!(Staging::prepare(&out, true), Err(OutError::NotAFolder(_))));
        assert_eq!(listing(dir.path()), ["out"]);
    }
}
