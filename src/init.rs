//! `annals init`: a new corpus with one example article and one example entity.
//!
//! Writes only below the folder it is given, never over an existing file: every file
//! is checked before anything is written, then each one is written to a temporary file
//! in its own folder and moved into place, so a file is either absent or complete. When
//! a write fails midway, what this run created is removed again.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The example entity's id (its file name without `.md`).
pub const EXAMPLE_ENTITY: &str = "entities/example-agency.md";
pub const EXAMPLE_ARTICLE: &str = "articles/example-article.md";

const ENTITY_TEXT: &str = r#"---
kind: agency
name: Example Space Agency
aliases: [the agency]
description: A made-up agency, to show what an entity looks like. Replace it with your own.
---
An entity is one file per person, agency, organization, company, outlet, government,
country, place or craft. Its file name without `.md` is its id, here `example-agency`,
and articles mention it by that id: `[Example Space Agency]{e=example-agency}`.

`name` is how the entity is usually written; `aliases` lists the other forms the
articles use. Where an article writes one of them without annotating it, annals offers
to annotate it.
"#;

const ARTICLE_TEXT: &str = r#"---
title: An example article
published: 2024-01-15
---
This article shows the two kinds of annotation. Delete it, and the example entity,
once the corpus has documents of its own.

A mention names an entity: [Example Space Agency]{e=example-agency} is the entity of
the file `entities/example-agency.md`. Hover over it, or go to its definition.

A claim is a statement someone made, with who made it and when it was made:
[the agency]{e=example-agency} said that ["the launch window opens in
March"]{.claim #launch-window by=example-agency date=2024-01-12 via=statement}.
"#;

fn config_text(name: &str) -> String {
    // A TOML string, quoted and escaped.
    let name = toml::Value::String(name.to_string()).to_string();
    format!(
        r#"# The root of an annals corpus: annals finds this file upward from any file inside it.
# The format is described in docs/format.md of the annals repository.

[corpus]
name = {name}
articles = ["articles/**/*.md"]
entities = ["entities/**/*.md"]

[rules]
# Each rule's severity: error, warning, info, hint or off. For example:
# unannotated-mention = "off"
"#
    )
}

/// Why `init` wrote nothing (or removed what it had begun to write).
#[derive(Debug)]
pub enum InitError {
    /// A file or folder is in the way; nothing was written.
    Exists(PathBuf),
    /// The given path, or a folder the corpus needs, is a file (or a symbolic link).
    NotAFolder(PathBuf),
    /// Reading or writing failed.
    Io { path: PathBuf, error: std::io::Error },
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Exists(path) => write!(
                f,
                "{} already exists, and annals init never overwrites a file; nothing was written \
                 (choose another folder, or move the file away)",
                path.display()
            ),
            InitError::NotAFolder(path) => write!(
                f,
                "{} is not a folder (annals init needs a folder there, and follows no symbolic link); \
                 nothing was written",
                path.display()
            ),
            InitError::Io { path, error } => {
                write!(f, "cannot write {}: {error}; nothing was left behind", path.display())
            }
        }
    }
}

impl std::error::Error for InitError {}

/// The files `init` writes, relative to the corpus root, with their text.
pub fn files(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("annals.toml", config_text(name)),
        (EXAMPLE_ENTITY, ENTITY_TEXT.to_string()),
        (EXAMPLE_ARTICLE, ARTICLE_TEXT.to_string()),
    ]
}

/// Creates a corpus in `root` (created when missing) and returns the files written,
/// relative to `root` with `/` separators.
pub fn init(root: &Path) -> Result<Vec<String>, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| InitError::Io { path, error }
    };
    let absolute = std::path::absolute(root).map_err(io(root))?;
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corpus".to_string());
    let files = files(&name);

    // Everything is checked before anything is written. The folder the user named may be a
    // symbolic link to a folder; the folders and files below it may not.
    if let Some(meta) = followed_metadata(root).map_err(io(root))?
        && !meta.is_dir()
    {
        return Err(InitError::NotAFolder(root.to_path_buf()));
    }
    for folder in ["articles", "entities"] {
        let path = root.join(folder);
        if let Some(meta) = metadata(&path).map_err(io(&path))?
            && !meta.is_dir()
        {
            return Err(InitError::NotAFolder(path));
        }
    }
    for (relative, _) in &files {
        let path = root.join(relative);
        if metadata(&path).map_err(io(&path))?.is_some() {
            return Err(InitError::Exists(path));
        }
    }

    let mut created = Created::default();
    let result = (|| {
        created.folders(root)?;
        for (relative, text) in &files {
            let path = root.join(relative);
            if let Some(parent) = path.parent() {
                created.folders(parent)?;
            }
            write_new(&path, text.as_bytes())?;
            created.files.push(path);
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(files.iter().map(|(relative, _)| relative.to_string()).collect()),
        Err(e) => {
            created.undo();
            Err(e)
        }
    }
}

/// The metadata of `path` itself (a symbolic link is not followed), or `None` when nothing is there.
fn metadata(path: &Path) -> std::io::Result<Option<std::fs::Metadata>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The metadata of what `path` leads to, or `None` when nothing is there.
fn followed_metadata(path: &Path) -> std::io::Result<Option<std::fs::Metadata>> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// What this run created, to remove again when a later step fails.
#[derive(Default)]
struct Created {
    folders: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Created {
    /// Creates `folder` and its missing parents, remembering each one created.
    fn folders(&mut self, folder: &Path) -> Result<(), InitError> {
        let mut missing = Vec::new();
        for ancestor in folder.ancestors() {
            if ancestor.as_os_str().is_empty() {
                break;
            }
            // `init` checked that articles/ and entities/ are no symbolic links; the folder
            // the user named, and its parents, may be.
            match followed_metadata(ancestor) {
                Ok(Some(meta)) if meta.is_dir() => break,
                Ok(Some(_)) => return Err(InitError::NotAFolder(ancestor.to_path_buf())),
                Ok(None) => missing.push(ancestor.to_path_buf()),
                Err(error) => {
                    return Err(InitError::Io {
                        path: ancestor.to_path_buf(),
                        error,
                    });
                }
            }
        }
        for path in missing.into_iter().rev() {
            match std::fs::create_dir(&path) {
                Ok(()) => self.folders.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
                Err(error) => return Err(InitError::Io { path, error }),
            }
        }
        Ok(())
    }

    fn undo(&mut self) {
        for file in self.files.drain(..).rev() {
            let _ = std::fs::remove_file(file);
        }
        // Only folders that are empty again: remove_dir refuses any other.
        for folder in self.folders.drain(..).rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Writes `bytes` to the new file `path`: first to a temporary file in the same folder,
/// then moved into place without replacing anything that appeared there meanwhile.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), InitError> {
    let io = |error| InitError::Io {
        path: path.to_path_buf(),
        error,
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Dropped on any error before it is placed, the temporary file is removed. Its mode is
    // a new file's (0666 less the umask), not tempfile's private 0600.
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder.tempfile_in(folder).map_err(io)?;
    let placed = temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        // Never replaces a file that appeared there meanwhile (a rename would).
        .and_then(|()| temporary.persist_noclobber(path).map(drop).map_err(|e| e.error));
    match placed {
        Ok(()) => Ok(()),
        Err(e) => {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Err(InitError::Exists(path.to_path_buf()))
            } else {
                Err(io(e))
            }
        }
    }
}

/// What to do after `init`, for the terminal. `shown` is the folder as the user wrote it.
pub fn next_steps(shown: &str, written: &[String]) -> String {
    let mut out = format!("Created an annals corpus in {shown}:\n");
    for file in written {
        out.push_str(&format!("  {file}\n"));
    }
    let check = if shown == "." {
        "annals check".to_string()
    } else {
        format!("annals check {shown}")
    };
    out.push_str(&format!(
        "\nNext:\n  \
         1. Open the folder {shown} in your editor (with the annals extension, or `annals lsp`\n     \
         as its language server) and read {EXAMPLE_ARTICLE}.\n  \
         2. Run `{check}`: it finds nothing yet.\n  \
         3. Write your articles in articles/ and your entities in entities/.\n     \
         `annals explain CODE` tells what a finding's code means.\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Corpus;

    fn listing(root: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| {
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_new_corpus_checks_with_no_finding() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("new").join("corpus");
        let written = init(&root).unwrap();
        assert_eq!(written, ["annals.toml", EXAMPLE_ENTITY, EXAMPLE_ARTICLE]);
        assert_eq!(
            listing(dir.path()),
            [
                "new",
                "new/corpus",
                "new/corpus/annals.toml",
                "new/corpus/articles",
                "new/corpus/articles/example-article.md",
                "new/corpus/entities",
                "new/corpus/entities/example-agency.md",
            ],
            "no temporary file is left, and nothing is written elsewhere"
        );
        let corpus = Corpus::load(&root).unwrap();
        assert_eq!(corpus.documents.len(), 2);
        let findings: Vec<String> = corpus
            .findings()
            .into_iter()
            .flat_map(|df| {
                df.findings
                    .into_iter()
                    .map(move |f| format!("{}: {}", df.document.path, f.message))
            })
            .collect();
        assert!(findings.is_empty(), "{findings:#?}");
        let config = std::fs::read_to_string(root.join("annals.toml")).unwrap();
        assert!(config.contains("name = \"corpus\"\n"), "{config}");
        assert!(crate::config::Config::parse(&config).unwrap().warnings.is_empty());
    }

    #[test]
    fn a_name_that_needs_quoting_stays_valid_toml() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("say \"hi\" \\ there");
        init(&root).unwrap();
        let config = crate::config::Config::parse(&std::fs::read_to_string(root.join("annals.toml")).unwrap()).unwrap();
        assert_eq!(config.name.as_deref(), Some("say \"hi\" \\ there"));
    }

    #[test]
    fn an_existing_file_stops_everything() {
        for existing in ["annals.toml", EXAMPLE_ARTICLE, EXAMPLE_ENTITY] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(existing);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "mine").unwrap();
            let before = listing(dir.path());
            match init(dir.path()) {
                Err(InitError::Exists(p)) => assert_eq!(p, path),
                other => panic!("{existing}: {other:?}"),
            }
            assert_eq!(listing(dir.path()), before, "{existing}: nothing was written");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        }
    }

    #[test]
    fn other_files_in_the_folder_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        init(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn a_file_where_a_folder_belongs_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(init(&file), Err(InitError::NotAFolder(p)) if p == file));
        std::fs::write(dir.path().join("articles"), "").unwrap();
        assert!(matches!(init(dir.path()), Err(InitError::NotAFolder(_))));
        assert_eq!(listing(dir.path()), ["articles", "plain"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_folder_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("entities")).unwrap();
        let err = init(&root).unwrap_err();
        assert!(matches!(err, InitError::NotAFolder(_)), "{err:?}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(listing(&outside), Vec::<String>::new());
        assert_eq!(listing(&root), ["entities"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_named_folder_may_be_a_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        init(&dir.path().join("link")).unwrap();
        assert!(real.join("annals.toml").is_file());
    }

    #[test]
    fn write_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_new(&path, b"first").unwrap();
        assert!(matches!(write_new(&path, b"second"), Err(InitError::Exists(_))));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(listing(dir.path()), ["a.md"], "the temporary file is removed");
    }

    #[test]
    fn undo_removes_what_was_created_and_only_that() {
        let dir = tempfile::tempdir().unwrap();
        let mut created = Created::default();
        created.folders(&dir.path().join("x/y")).unwrap();
        let file = dir.path().join("x/y/f");
        write_new(&file, b"f").unwrap();
        created.files.push(file);
        std::fs::write(dir.path().join("keep"), "").unwrap();
        created.undo();
        assert_eq!(listing(dir.path()), ["keep"]);
    }
}
