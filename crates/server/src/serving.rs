//! The mark a running server leaves on its registry, so that batch work
//! beside it (an import) knows that people are waiting on its answers and
//! takes only the CPU they leave ([`crate::background::lower_process_priority`]).
//!
//! The mark is a shared advisory lock (`flock`) on a file in the search
//! index's directory, held for the server's lifetime. The kernel lets it go
//! when the process ends, however it ends, so a crashed server leaves no
//! stale mark; tantivy ignores files it did not write. Whether a server
//! holds the index writer says nothing of this: the server takes the
//! writer only while it catches up, so an import usually finds it free.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// The mark of a running server; dropping it takes the mark away.
#[derive(Debug)]
pub struct Serving {
    _file: File,
}

fn mark_path(index_dir: &Path) -> PathBuf {
    index_dir.join(".eligo-serving.lock")
}

/// Mark the registry whose search index is in `index_dir` as served by
/// this process (several servers may mark one registry).
pub fn mark(index_dir: &Path) -> std::io::Result<Serving> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(mark_path(index_dir))?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd as _;
        // SAFETY: flock only reads the descriptor, which `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_SH) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(Serving { _file: file })
}

/// Does a running server hold the mark of the registry whose search index
/// is in `index_dir`? `false` when none does or this cannot be told.
pub fn server_running(index_dir: &Path) -> bool {
    let Ok(file) = File::open(mark_path(index_dir)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd as _;
        let fd = file.as_raw_fd();
        // SAFETY: flock only reads the descriptor, which `file` keeps open;
        // the exclusive lock, when taken, is let go at once.
        unsafe {
            if libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) == 0 {
                libc::flock(fd, libc::LOCK_UN);
                return false;
            }
        }
        std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_registry_is_served_while_the_mark_is_held_and_not_after() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!server_running(dir.path()), "no mark file yet");
        let first = mark(dir.path()).unwrap();
        let second = mark(dir.path()).unwrap();
        assert!(server_running(dir.path()));
        drop(first);
        assert!(server_running(dir.path()), "the second server still runs");
        drop(second);
        assert!(
            !server_running(dir.path()),
            "the file stays, the mark is gone"
        );
        // Asking took no mark either.
        let again = mark(dir.path()).unwrap();
        assert!(server_running(dir.path()));
        drop(again);
    }
}
