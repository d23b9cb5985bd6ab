//! Where a sink's bytes go, and how a file output becomes final.
//!
//! A file output is written to a temporary file in the destination's folder
//! and renamed over the destination only when the sink finishes
//! ([`Target::commit`]): readers of the destination see the old content or
//! the complete new one, never a half-written file. An unfinished temporary
//! file is removed when its [`AtomicFile`] is dropped; for a process killed
//! by a signal, [`remove_temp_files`] lets the signal handler do the same.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::SinkError;

/// A byte destination that a sink writes to and then commits.
///
/// `commit` is called once, after the last byte: for an [`AtomicFile`] it
/// syncs the temporary file and renames it over the destination; for the
/// others it flushes.
pub trait Target: Write {
    /// Makes everything written so far final.
    fn commit(&mut self) -> io::Result<()> {
        self.flush()
    }
}

impl Target for Vec<u8> {}
impl Target for io::Stdout {}
impl Target for io::StdoutLock<'_> {}
impl Target for io::Sink {}

impl Target for File {
    fn commit(&mut self) -> io::Result<()> {
        self.flush()?;
        // Devices and pipes cannot be synced; a regular file can.
        match self.sync_all() {
            Err(err) if err.kind() == io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        }
    }
}

impl<T: Target + ?Sized> Target for &mut T {
    fn commit(&mut self) -> io::Result<()> {
        (**self).commit()
    }
}

impl<T: Target + ?Sized> Target for Box<T> {
    fn commit(&mut self) -> io::Result<()> {
        (**self).commit()
    }
}

/// Temporary files not yet renamed or removed, for [`remove_temp_files`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Distinguishes the temporary files of one process.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes every temporary output file of this process that was not yet
/// committed, and returns how many it removed.
///
/// Meant for a signal handler thread just before the process exits: normal
/// error paths clean up when the sinks are dropped.
pub fn remove_temp_files() -> usize {
    let mut paths = pending();
    let mut removed = 0;
    for path in paths.drain(..) {
        if std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A reserved temporary path next to a destination; the file is removed on
/// drop unless [`TempPath::keep`] was called.
#[derive(Debug)]
pub(crate) struct TempPath {
    path: Option<PathBuf>,
}

impl TempPath {
    /// Creates an empty, new temporary file in `dest`'s folder and returns it
    /// opened for writing.
    pub(crate) fn create(dest: &Path) -> Result<(TempPath, File), SinkError> {
        let folder = folder_of(dest);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        // Hidden, and named after the destination, so a leftover (after
        // SIGKILL) says what it was.
        let path = folder.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| SinkError::Io {
                target: format!("{} (temporary file {})", dest.display(), path.display()),
                source,
            })?;
        pending().push(path.clone());
        Ok((TempPath { path: Some(path) }, file))
    }

    /// The temporary file's path.
    pub(crate) fn path(&self) -> &Path {
        self.path.as_deref().expect("temporary path is still owned")
    }

    /// Renames the temporary file over `dest` and makes the rename durable.
    pub(crate) fn persist(&mut self, dest: &Path) -> io::Result<()> {
        let path = self.path.take().expect("persisted once");
        let renamed = std::fs::rename(&path, dest);
        forget_pending(&path);
        if let Err(err) = renamed {
            let _ = std::fs::remove_file(&path);
            return Err(err);
        }
        // The rename is only durable once the folder is synced; best effort,
        // as some file systems refuse to sync a folder.
        if let Ok(folder) = File::open(folder_of(dest)) {
            let _ = folder.sync_all();
        }
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(&path);
            forget_pending(&path);
        }
    }
}

fn forget_pending(path: &Path) {
    pending().retain(|p| p != path);
}

/// The folder a path lives in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A file written under a temporary name and renamed over its destination by
/// [`Target::commit`]. Dropped without commit, it removes the temporary file
/// and leaves the destination as it was.
///
/// ```
/// use std::io::Write;
/// use sinks::{AtomicFile, Target};
///
/// let dir = std::env::temp_dir().join(format!("atomic-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let dest = dir.join("out.txt");
/// let mut file = AtomicFile::create(&dest)?;
/// file.write_all(b"complete")?;
/// assert!(!dest.exists(), "nothing under the final name before commit");
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&dest)?, "complete");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    file: File,
    temp: TempPath,
    dest: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Starts writing `dest` (which may exist: it is replaced on commit).
    pub fn create(dest: &Path) -> Result<AtomicFile, SinkError> {
        let (temp, file) = TempPath::create(dest)?;
        Ok(AtomicFile {
            file,
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    /// The temporary file being written.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Target for AtomicFile {
    fn commit(&mut self) -> io::Result<()> {
        if self.committed {
            return Ok(());
        }
        self.file.flush()?;
        self.file.sync_all()?;
        self.temp.persist(&self.dest)?;
        self.committed = true;
        Ok(())
    }
}

/// How an output path may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathState {
    /// Nothing there yet.
    Missing,
    /// A regular file that `--force` allowed us to replace or update.
    Existing,
    /// A device or pipe (`/dev/null`, a FIFO): written directly, as
    /// atomicity means nothing there.
    Special,
}

/// Checks that `path` can be an output before anything runs: refuses an
/// existing regular file unless `overwrite`, a folder, or a path whose
/// folder does not exist. `hint` says what `--force` would do.
pub(crate) fn check_path(
    path: &Path,
    overwrite: bool,
    hint: &'static str,
) -> Result<PathState, SinkError> {
    let target = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(SinkError::Unusable {
            target,
            reason: "it is a folder".into(),
        }),
        Ok(meta) if meta.is_file() => {
            if overwrite {
                Ok(PathState::Existing)
            } else {
                Err(SinkError::Exists { target, hint })
            }
        }
        Ok(_) => Ok(PathState::Special),
        Err(err) => {
            let folder = folder_of(path);
            if err.kind() == io::ErrorKind::NotFound && folder.is_dir() {
                return Ok(PathState::Missing);
            }
            // Name the first ancestor that exists: a file where a folder
            // should be, or the folder that is missing.
            let existing = folder
                .ancestors()
                .map(|a| {
                    if a.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        a
                    }
                })
                .find(|a| a.exists());
            match existing {
                Some(existing) if !existing.is_dir() => Err(SinkError::Unusable {
                    target,
                    reason: format!("{} is not a folder", existing.display()),
                }),
                Some(_) if !folder.exists() => Err(SinkError::Unusable {
                    target,
                    reason: format!("folder {} does not exist", folder.display()),
                }),
                _ => Err(SinkError::Io {
                    target,
                    source: err,
                }),
            }
        }
    }
}

/// The destination of a byte-stream format (everything but SQLite).
#[derive(Debug)]
pub enum Output {
    /// Standard output.
    Stdout(io::StdoutLock<'static>),
    /// A regular file, written atomically.
    File(AtomicFile),
    /// A device or pipe, written directly.
    Special(File),
}

impl Output {
    /// Opens `path` (`None` for stdout), refusing to replace an existing
    /// file unless `overwrite`.
    pub fn open(path: Option<&Path>, overwrite: bool) -> Result<Output, SinkError> {
        let Some(path) = path else {
            return Ok(Output::Stdout(io::stdout().lock()));
        };
        match check_path(path, overwrite, "replace it")? {
            PathState::Missing | PathState::Existing => Ok(Output::File(AtomicFile::create(path)?)),
            PathState::Special => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|source| SinkError::Io {
                        target: path.display().to_string(),
                        source,
                    })?;
                Ok(Output::Special(file))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::File(out) => out.write(buf),
            Output::Special(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::File(out) => out.write_all(buf),
            Output::Special(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::File(out) => out.flush(),
            Output::Special(out) => out.flush(),
        }
    }
}

impl Target for Output {
    fn commit(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::File(out) => out.commit(),
            Output::Special(out) => out.commit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sinks-target-{name}-{}-{}",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn dropped_atomic_file_leaves_nothing_and_keeps_the_old_content() {
        let dir = scratch("drop");
        let dest = dir.join("out.csv");
        std::fs::write(&dest, "old").unwrap();
        let mut file = AtomicFile::create(&dest).unwrap();
        file.write_all(b"half of the new").unwrap();
        assert_eq!(entries(&dir).len(), 2, "temporary file next to the output");
        drop(file);
        assert_eq!(entries(&dir), ["out.csv"]);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "old");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn commit_replaces_and_removes_the_temporary_file() {
        let dir = scratch("commit");
        let dest = dir.join("out.csv");
        std::fs::write(&dest, "old").unwrap();
        let mut file = AtomicFile::create(&dest).unwrap();
        let temp = file.temp_path().to_path_buf();
        assert!(pending().contains(&temp));
        file.write_all(b"new").unwrap();
        file.commit().unwrap();
        assert!(!pending().contains(&temp));
        drop(file);
        assert_eq!(entries(&dir), ["out.csv"]);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn check_path_refuses_what_it_should() {
        let dir = scratch("check");
        let existing = dir.join("x.json");
        std::fs::write(&existing, "{}").unwrap();
        let err = check_path(&existing, false, "replace it").unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(
            check_path(&existing, true, "replace it").unwrap(),
            PathState::Existing
        );
        let err = check_path(&dir, true, "replace it").unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        let err = check_path(&existing.join("y.csv"), true, "replace it").unwrap_err();
        assert!(err.to_string().contains("is not a folder"), "{err}");
        let err = check_path(&dir.join("no/such/y.csv"), true, "replace it").unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert_eq!(
            check_path(Path::new("/dev/null"), false, "replace it").unwrap(),
            PathState::Special
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
