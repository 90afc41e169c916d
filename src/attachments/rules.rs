//! What an upload may be: PDF, JPEG or PNG by its content, at most 10 MB.

use crate::error::FieldError;

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const ACCEPTED: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// The content type read from the bytes, if it is one we accept.
pub fn accepted_type(bytes: &[u8]) -> Result<&'static str, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new(
            "file",
            "请选择要上传的文件。",
            "No file was sent.",
        ));
    }
    if bytes.len() > MAX_BYTES {
        return Err(FieldError::new(
            "file",
            "文件不能超过10MB。",
            "The file must be at most 10 MB.",
        ));
    }
    match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some(mime) if ACCEPTED.contains(&mime) => Ok(ACCEPTED
            .into_iter()
            .find(|m| *m == mime)
            .unwrap_or("application/pdf")),
        _ => Err(FieldError::new(
            "file",
            "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，改扩展名无效）。",
            "Only PDF, JPEG or PNG files are accepted, recognised by their content.",
        )),
    }
}

/// A file name fit to store and show: no path, no control characters, bounded.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "附件".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_content() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
        let png = [
            &[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
            &[0u8; 32][..],
        ]
        .concat();
        let jpeg = [&[0xFFu8, 0xD8, 0xFF, 0xE0][..], &[0u8; 32][..]].concat();
        assert_eq!(accepted_type(&pdf).unwrap(), "application/pdf");
        assert_eq!(accepted_type(&png).unwrap(), "image/png");
        assert_eq!(accepted_type(&jpeg).unwrap(), "image/jpeg");
        // An executable or a text file named .pdf is still refused.
        assert!(accepted_type(b"MZ\x90\x00\x03\x00\x00\x00 this is not a pdf").is_err());
        assert!(accepted_type(b"just some text pretending").is_err());
        assert!(accepted_type(b"").is_err());
        assert!(accepted_type(&vec![b'%'; MAX_BYTES + 1]).is_err());
    }

    #[test]
    fn file_names_lose_paths_and_controls() {
        assert_eq!(clean_file_name("C:\\scans\\营业执照.pdf"), "营业执照.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\"c.png"), "abc.png");
        assert_eq!(clean_file_name(""), "附件");
    }
}
