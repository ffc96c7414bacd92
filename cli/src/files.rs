//! Writing results to disk without ever leaving a half-written file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// a crash or a full disk leaves either the old file or the new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = sibling(path, "tmp")?;
    {
        // Closed before the rename.
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, path)
}

/// The hidden file `.<name>.<suffix>` next to `path`: on the same file system, so that a
/// rename onto `path` is atomic.
pub fn sibling(path: &Path, suffix: &str) -> io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    Ok(dir.join(format!(".{}.{suffix}", name.to_string_lossy())))
}

/// Encodes `rgba` (`width × height` pixels, 4 bytes each, row by row) as PNG bytes.
pub fn png_bytes([w, h]: [usize; 2], rgba: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = io::Cursor::new(Vec::new());
    image::write_buffer_with_format(
        &mut out,
        rgba,
        u32::try_from(w).map_err(|e| e.to_string())?,
        u32::try_from(h).map_err(|e| e.to_string())?,
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Saves an RGBA image (as for [`png_bytes`]) as a PNG at `path` (atomically).
pub fn save_png(size: [usize; 2], rgba: &[u8], path: &Path) -> Result<(), String> {
    let bytes = png_bytes(size, rgba)?;
    write_atomically(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("grokflow-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("out.json");
        write_atomically(&path, b"first").expect("write");
        write_atomically(&path, b"second").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        let leftovers = std::fs::read_dir(&dir)
            .expect("list")
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "out.json"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn png_encodes_the_pixels() {
        let red = [255, 0, 0, 255].repeat(6);
        let bytes = png_bytes([3, 2], &red).expect("png");
        assert_eq!(&bytes[1..4], b"PNG");
        let decoded = image::load_from_memory(&bytes).expect("decode").to_rgba8();
        assert_eq!(decoded.dimensions(), (3, 2));
        assert_eq!(decoded.get_pixel(2, 1).0, [255, 0, 0, 255]);
    }
}
