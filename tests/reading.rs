//! Reading a corpus's files: a pass that opens each file relative to its folder
//! (`discover::ReadPass`), and the threads that read ahead of the parsing (`read_ahead`).

use annals::discover::{ReadError, ReadPass, SourceFile, read_source};
use annals::document::DocumentKind;
use annals::read_ahead::{FEWEST_FILES, read_each};

#[test]
fn a_pass_reads_what_reading_by_path_reads() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["a", "b"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        for k in 0..3 {
            std::fs::write(dir.path().join(folder).join(format!("{k}.md")), format!("{folder} {k}")).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("a/sub.md")).unwrap();
    let pass = ReadPass::new();
    // From folder to folder and back, as the threads of a pass go.
    for name in [
        "a/0.md",
        "b/1.md",
        "a/2.md",
        "a/1.md",
        "b/0.md",
        "a/missing.md",
        "a/sub.md",
        "b/2.md",
    ] {
        let path = dir.path().join(name);
        let by_pass = pass.read(&path, 100);
        let by_path = read_source(&path, 100);
        match (&by_pass, &by_path) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(ReadError::Io(a)), Err(ReadError::Io(b))) => assert_eq!(a.kind(), b.kind(), "{name}"),
            (Err(ReadError::NotAFile), Err(ReadError::NotAFile)) => {}
            _ => panic!("{name}: {by_pass:?} by the pass, {by_path:?} by the path"),
        }
    }
    assert!(matches!(
        pass.read(&dir.path().join("b/1.md"), 2),
        Err(ReadError::TooLarge { size: 3, limit: 2 })
    ));
}

#[test]
fn a_folder_replaced_between_passes_is_read_anew() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("articles");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.md"), "before").unwrap();
    let first = ReadPass::new();
    assert_eq!(first.read(&folder.join("a.md"), 100).unwrap(), b"before");
    // The folder this thread keeps open is moved away, and a new one takes its name.
    std::fs::rename(&folder, dir.path().join("old")).unwrap();
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.md"), "after").unwrap();
    assert_eq!(ReadPass::new().read(&folder.join("a.md"), 100).unwrap(), b"after");
}

/// `n` files under `dir/articles`, every tenth one missing.
fn files_in(dir: &std::path::Path, n: usize) -> Vec<SourceFile> {
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    (0..n)
        .map(|k| {
            let relative = format!("articles/{k:05}.md");
            let path = dir.join(&relative);
            if k % 10 != 3 {
                std::fs::write(&path, format!("file {k}")).unwrap();
            }
            SourceFile {
                path,
                relative,
                kind: DocumentKind::Article,
            }
        })
        .collect()
}

#[test]
fn read_ahead_makes_each_file_once_in_the_order_given() {
    for n in [0, 1, FEWEST_FILES - 1, FEWEST_FILES, 5 * FEWEST_FILES + 7] {
        let dir = tempfile::tempdir().unwrap();
        let files = files_in(dir.path(), n);
        let made = read_each(&files, 1 << 20, |file, read| {
            let text = match read {
                Ok(bytes) => String::from_utf8(bytes).unwrap(),
                Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => "missing".into(),
                Err(e) => panic!("{}: {e:?}", file.relative),
            };
            (file.relative.clone(), text)
        });
        assert_eq!(made.len(), n);
        for (k, (relative, text)) in made.iter().enumerate() {
            assert_eq!(relative, &files[k].relative);
            let expected = if k % 10 == 3 {
                "missing".to_string()
            } else {
                format!("file {k}")
            };
            assert_eq!(text, &expected, "{n} files, the {k}th");
        }
    }
}

#[test]
fn read_ahead_reads_no_file_above_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path(), FEWEST_FILES);
    // "file 100" is 8 bytes, above a limit of 7; "file 7" is 6 bytes, below it.
    let made = read_each(&files, 7, |_, read| match read {
        Ok(bytes) => bytes.len() as u64,
        Err(ReadError::TooLarge { size, .. }) => size + 1000,
        Err(_) => 0,
    });
    assert_eq!(made[7], 6);
    assert_eq!(made[100], 1008);
}
