//! The index writer's view of the index files: read with `pread`, not
//! mapped.
//!
//! tantivy's `MmapDirectory` maps every file it reads, and a page once read
//! stays in the process's resident memory for as long as the file is open.
//! A merge reads all of its segments' files from start to end, so the last
//! large merge of a 500,000-study import (eight segments, 1.7 GB of files)
//! held 1.65 GB of mapped index files on top of the import's own 0.8 GB.
//! The writer (its merges, and the deletes it applies) reads through
//! [`Streamed`] instead: a small read comes from one chunk per file, read
//! on demand and kept while anything holds it; a large read (a segment's
//! whole document store, which a merge copies) gets a buffer of its own,
//! freed when its reader drops it. Searches keep the mapped directory.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::{HasLen, Index};

/// Bytes read at once for a small read: a merge reads each term's postings
/// and positions in turn, mostly a few bytes each.
const CHUNK: usize = 256 * 1024;

/// `MmapDirectory` for everything but reading files, which goes through
/// [`ReadFile`].
#[derive(Clone, Debug)]
pub(crate) struct Streamed {
    root: PathBuf,
    inner: MmapDirectory,
}

impl Streamed {
    pub(crate) fn open(root: &Path) -> Result<Streamed, OpenDirectoryError> {
        Ok(Streamed {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
        })
    }
}

/// The index in `dir` opened for writing through [`Streamed`], with the
/// tokenizers of `like` (the index the searches use), so documents are
/// analysed the same way.
pub(crate) fn writer_index(dir: &Path, like: &Index) -> tantivy::Result<Index> {
    let mut index = Index::open(Streamed::open(dir)?)?;
    index.set_tokenizers(like.tokenizers().clone());
    index.set_fast_field_tokenizers(like.fast_field_tokenizer().clone());
    Ok(index)
}

impl Directory for Streamed {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_path_buf())
            } else {
                OpenReadError::wrap_io_error(e, path.to_path_buf())
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        Ok(Arc::new(ReadFile {
            file,
            len,
            chunk: Mutex::new(None),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// An open index file, read with `pread`. Index files never change once
/// written, and an open file outlives its deletion, as tantivy requires.
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
    /// The last chunk read for small reads: where it starts, its bytes.
    chunk: Mutex<Option<(usize, OwnedBytes)>>,
}

impl ReadFile {
    fn pread(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let mut buf = vec![0u8; range.len()];
        read_at(&self.file, &mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("read of {range:?} in a file of {} bytes", self.len),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        if range.len() >= CHUNK {
            return self.pread(range);
        }
        let mut chunk = self.chunk.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((start, bytes)) = chunk.as_ref()
            && range.start >= *start
            && range.end <= start + bytes.len()
        {
            return Ok(bytes.slice(range.start - start..range.end - start));
        }
        let start = range.start;
        let bytes = self.pread(start..(start + CHUNK).min(self.len))?;
        let out = bytes.slice(0..range.len());
        *chunk = Some((start, bytes));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;
    use tantivy::directory::TerminatingWrite;

    fn file_of(bytes: &[u8]) -> (tempfile::TempDir, ReadFile) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, bytes).unwrap();
        let file = File::open(&p).unwrap();
        let r = ReadFile {
            file,
            len: bytes.len(),
            chunk: Mutex::new(None),
        };
        (dir, r)
    }

    #[test]
    fn every_read_gives_the_files_bytes() {
        let data: Vec<u8> = (0..(3 * CHUNK + 17))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let (_d, f) = file_of(&data);
        let ranges = [
            0..10,
            5..9,
            CHUNK - 3..CHUNK + 5,
            10..CHUNK + 10,
            2 * CHUNK..3 * CHUNK + 17,
            3 * CHUNK + 10..3 * CHUNK + 17,
            7..7,
            0..data.len(),
        ];
        for r in ranges {
            assert_eq!(f.read_bytes(r.clone()).unwrap().as_slice(), &data[r]);
        }
        assert!(f.read_bytes(0..data.len() + 1).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Reads of any range, in any order (small ones served from the
        /// kept chunk, large ones read whole), give the file's bytes, and
        /// a read past its end is refused.
        #[test]
        fn any_reads_in_any_order_give_the_files_bytes(
            len in 0usize..(2 * CHUNK + 100),
            seed in any::<u8>(),
            reads in prop::collection::vec(
                (any::<prop::sample::Index>(), prop_oneof![0usize..64, 0usize..(CHUNK + 50)]),
                1..40,
            ),
        ) {
            let data: Vec<u8> = (0..len)
                .map(|i| ((i * 31 + usize::from(seed) * 7) % 251) as u8)
                .collect();
            let (_d, f) = file_of(&data);
            prop_assert_eq!(f.len(), len);
            for (at, n) in reads {
                let start = at.index(len + 1);
                let end = (start + n).min(len);
                let got = f.read_bytes(start..end).unwrap();
                prop_assert_eq!(got.as_slice(), &data[start..end]);
                prop_assert!(f.read_bytes(start..len + 1 + n).is_err());
            }
        }
    }

    #[test]
    fn the_directory_reads_what_it_wrote_and_names_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = Streamed::open(dir.path()).unwrap();
        let data: Vec<u8> = (0..(CHUNK + 999)).map(|i| (i % 253) as u8).collect();
        let mut w = d.open_write(Path::new("a.bin")).unwrap();
        w.write_all(&data).unwrap();
        w.terminate().unwrap();
        let h = d.get_file_handle(Path::new("a.bin")).unwrap();
        assert_eq!(h.len(), data.len());
        assert_eq!(h.read_bytes(0..data.len()).unwrap().as_slice(), &data[..]);
        assert_eq!(h.read_bytes(100..200).unwrap().as_slice(), &data[100..200]);
        match d.get_file_handle(Path::new("missing.bin")) {
            Err(OpenReadError::FileDoesNotExist(p)) => assert_eq!(p, Path::new("missing.bin")),
            other => panic!("{other:?}"),
        }
    }
}
