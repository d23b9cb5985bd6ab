//! Turning the user's `--input` arguments into an ordered list of inputs.

use std::path::{Path, PathBuf};

/// How a file's content is cut into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The whole file is one article; its first non-empty line is the title.
    Text,
    /// One JSON object per line: `{"id"?, "title"?, "text", ...}`.
    Jsonl,
}

/// One input, in the order it will be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// JSONL on standard input.
    Stdin,
    /// A file, possibly gzip-compressed.
    File {
        /// Its path.
        path: PathBuf,
        /// How to cut it into documents.
        format: Format,
        /// Whether to inflate it.
        gzip: bool,
    },
    /// A directory entry that could not be listed or examined; it becomes one
    /// error record.
    Unlistable {
        /// The path that failed.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// An `--input` argument that cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The path does not exist.
    #[error("input path does not exist: {0}")]
    NotFound(PathBuf),
    /// The path exists but could not be examined.
    #[error("cannot read input {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `-` was given more than once.
    #[error("standard input (-) can be given only once")]
    StdinTwice,
}

/// Expands `--input` arguments: `-` is stdin, a file is read as named, a
/// directory is walked recursively in path order and its `.txt`, `.jsonl`
/// and `.ndjson` files (plain or `.gz`) are read.
///
/// Fails only when an argument itself cannot be used (it does not exist);
/// problems below a directory become [`Input::Unlistable`] entries so that the
/// rest of the run goes on.
pub fn resolve<P: AsRef<Path>>(args: &[P]) -> Result<Vec<Input>, ResolveError> {
    let mut inputs = Vec::new();
    let mut seen_stdin = false;
    for arg in args {
        let path = arg.as_ref();
        if path.as_os_str() == "-" {
            if seen_stdin {
                return Err(ResolveError::StdinTwice);
            }
            seen_stdin = true;
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => ResolveError::NotFound(path.to_path_buf()),
            _ => ResolveError::Io {
                path: path.to_path_buf(),
                source: err,
            },
        })?;
        if meta.is_dir() {
            walk(path, &mut inputs);
        } else {
            let (format, gzip) = classify(path).unwrap_or((Format::Text, false));
            inputs.push(Input::File {
                path: path.to_path_buf(),
                format,
                gzip,
            });
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) => {
                // A broken symlink reports as a file here and fails when read.
                if entry.file_type().is_dir() {
                    continue;
                }
                if let Some((format, gzip)) = classify(entry.path()) {
                    inputs.push(Input::File {
                        path: entry.into_path(),
                        format,
                        gzip,
                    });
                }
            }
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                // A dangling symlink to a .txt file is a document we cannot read.
                let looks_like_input = classify(&path).is_some();
                let is_dir_error = err.io_error().is_some() && !looks_like_input;
                if looks_like_input || is_dir_error {
                    let message = err
                        .io_error()
                        .map_or_else(|| err.to_string(), |io| io.to_string());
                    inputs.push(Input::Unlistable { path, message });
                }
            }
        }
    }
}

/// The format of a file from its name: `(format, gzip)`, or `None` when a
/// directory walk should skip it.
fn classify(path: &Path) -> Option<(Format, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (name, gzip) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_string(), true),
        None => (name, false),
    };
    let format = match name.rsplit_once('.')?.1 {
        "txt" => Format::Text,
        "jsonl" | "ndjson" => Format::Jsonl,
        _ => return None,
    };
    Some((format, gzip))
}

/// The file name without `.gz` and the format extension, used for ids.
pub(crate) fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        assert_eq!(classify(Path::new("a/b.txt")), Some((Format::Text, false)));
        assert_eq!(
            classify(Path::new("b.JSONL.gz")),
            Some((Format::Jsonl, true))
        );
        assert_eq!(classify(Path::new("README.md")), None);
        assert_eq!(classify(Path::new("noext")), None);
    }

    #[test]
    fn stems_drop_gz_and_extension() {
        assert_eq!(stem(Path::new("x/000_ab.txt")), "000_ab");
        assert_eq!(stem(Path::new("feed.jsonl.gz")), "feed");
        assert_eq!(stem(Path::new(".hidden")), ".hidden");
    }
}
