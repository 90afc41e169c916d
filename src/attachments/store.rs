//! Files on disk, addressed by SHA-256 under `<data-dir>/attachments/ab/cd/<hash>`.
//! Written to a temporary file, synced and renamed, so a crash never leaves a
//! half-written file under a hash; the same content is stored once.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn path_for(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir
        .join("attachments")
        .join(&sha256[..2])
        .join(&sha256[2..4])
        .join(sha256)
}

/// Stores the bytes (once per content) and returns their hash.
pub fn put(data_dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let hash = sha256_hex(bytes);
    let path = path_for(data_dir, &hash);
    if path.exists() {
        return Ok(hash);
    }
    let dir = path.parent().unwrap_or(data_dir);
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(&path).map_err(|e| e.error)?;
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(hash)
}

pub fn get(data_dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(path_for(data_dir, sha256))
}
