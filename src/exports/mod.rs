//! Downloads of lists and tables: CSV (UTF-8 with a BOM, so Excel reads the
//! Chinese) and .xlsx. Rows come in batches from a `Rows` source and are
//! written as they come on a blocking thread; the body is streamed through a
//! small channel, so memory stays bounded however long the list is.
//!
//! A list adds a download in a few lines: accept `format` in its query, parse
//! it with `Format::requested`, and when present answer
//! `download(format, "name", headers, rows)` with `Fixed` rows or
//! `paged_query` rows that read one page at a time.

pub mod lists;

use crate::db::{Db, DbConnection};
use crate::error::{AppError, AppResult};
use crate::web::paging::Paging;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::io::{self, Read, Seek, Write};
use tokio::sync::mpsc;

/// The chunk size of the streamed body, and how many chunks may wait.
const CHUNK: usize = 64 * 1024;
const CHUNKS_IN_FLIGHT: usize = 4;
/// The rows a `Paged` source asks for at a time.
pub const PAGE_ROWS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The `format` query parameter: absent or empty means the page or JSON.
    pub fn requested(format: Option<&str>) -> AppResult<Option<Format>> {
        match format.unwrap_or("") {
            "" => Ok(None),
            "csv" => Ok(Some(Format::Csv)),
            "xlsx" => Ok(Some(Format::Xlsx)),
            _ => Err(AppError::invalid(
                "format",
                "导出格式只能是 csv 或 xlsx。",
                "format must be csv or xlsx.",
            )),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// One cell. Money stays integer fen until written, then shows as yuan.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Fen(i64),
    Empty,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Fen(f) => yuan(*f),
            Cell::Empty => String::new(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

/// Fen as yuan with two decimals, `-12.05` for −1205.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub type Row = Vec<Cell>;

/// Where rows come from: `None` when there are no more.
pub trait Rows: Send + 'static {
    fn next_batch(&mut self) -> AppResult<Option<Vec<Row>>>;
}

/// Rows already in memory (a statistics table).
pub struct Fixed(pub Option<Vec<Row>>);

impl Fixed {
    pub fn new(rows: Vec<Row>) -> Fixed {
        Fixed(Some(rows))
    }
}

impl Rows for Fixed {
    fn next_batch(&mut self) -> AppResult<Option<Vec<Row>>> {
        Ok(self.0.take())
    }
}

/// Rows read a page at a time, until a short page: only one page is held.
pub struct Paged<F> {
    page: usize,
    done: bool,
    read: F,
}

impl<F> Paged<F>
where
    F: FnMut(&Paging) -> AppResult<Vec<Row>> + Send + 'static,
{
    pub fn new(read: F) -> Paged<F> {
        Paged {
            page: 1,
            done: false,
            read,
        }
    }
}

/// A list's own query, run for each page on a pooled connection.
pub fn paged_query<Q>(
    db: Db,
    mut query: Q,
) -> Paged<impl FnMut(&Paging) -> AppResult<Vec<Row>> + Send + 'static>
where
    Q: FnMut(&mut DbConnection, &Paging) -> AppResult<Vec<Row>> + Send + 'static,
{
    Paged::new(move |paging: &Paging| db.run_now(|conn| query(conn, paging)))
}

impl<F> Rows for Paged<F>
where
    F: FnMut(&Paging) -> AppResult<Vec<Row>> + Send + 'static,
{
    fn next_batch(&mut self) -> AppResult<Option<Vec<Row>>> {
        if self.done {
            return Ok(None);
        }
        let paging = Paging {
            page: Some(self.page),
            per_page: Some(PAGE_ROWS),
        };
        let rows = (self.read)(&paging)?;
        self.page += 1;
        self.done = rows.len() < PAGE_ROWS;
        Ok((!rows.is_empty()).then_some(rows))
    }
}

/// The download response: headers at once, the body as it is written.
pub fn download(format: Format, name: &str, headers: Vec<String>, rows: impl Rows) -> Response {
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter::new(tx.clone());
        let written = match format {
            Format::Csv => write_csv(&mut out, &headers, rows),
            Format::Xlsx => write_xlsx(&mut out, &headers, rows),
        }
        .and_then(|()| out.flush().map_err(|e| AppError::Internal(e.into())));
        if let Err(e) = written {
            tracing::error!(error = %e, "export failed");
            // An error chunk aborts the body, so the client never takes a cut file as whole.
            let _ = tx.blocking_send(Err(io::Error::other("export failed")));
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The UTF-8 byte order mark: without it Excel reads the file as ANSI.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write_csv(out: &mut impl Write, headers: &[String], mut rows: impl Rows) -> AppResult<()> {
    let internal = |e: csv::Error| AppError::Internal(e.into());
    out.write_all(BOM)
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers).map_err(internal)?;
    while let Some(batch) = rows.next_batch()? {
        for row in batch {
            writer
                .write_record(row.iter().map(Cell::text))
                .map_err(internal)?;
        }
    }
    writer.flush().map_err(|e| AppError::Internal(e.into()))?;
    Ok(())
}

/// Writes the workbook with a constant-memory sheet (rows go to a temporary
/// file as written), saves it to another temporary file, then copies that out.
pub fn write_xlsx(out: &mut impl Write, headers: &[String], mut rows: impl Rows) -> AppResult<()> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let money = CellFormat::new().set_num_format("0.00");
    let sheet = workbook.add_worksheet_with_constant_memory();
    for (col, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, h, &bold)
            .map_err(internal)?;
    }
    let mut row_no: u32 = 1;
    while let Some(batch) = rows.next_batch()? {
        for row in batch {
            for (col, cell) in row.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(row_no, col, s).map(|_| ()),
                    Cell::Int(n) => sheet.write_number(row_no, col, *n as f64).map(|_| ()),
                    Cell::Fen(f) => sheet
                        .write_number_with_format(row_no, col, *f as f64 / 100.0, &money)
                        .map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(internal)?;
            }
            row_no += 1;
        }
    }
    let mut file = tempfile::tempfile().map_err(|e| AppError::Internal(e.into()))?;
    workbook.save_to_writer(&mut file).map_err(internal)?;
    let io_err = |e: io::Error| AppError::Internal(e.into());
    file.rewind().map_err(io_err)?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n]).map_err(io_err)?;
    }
}

/// A `Write` that sends full chunks down the channel, waiting while it is full.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> ChannelWriter {
        ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // A closed channel means the client went away: stop writing.
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "download abandoned"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        for (text, want) in [
            (None, Ok(None)),
            (Some(""), Ok(None)),
            (Some("csv"), Ok(Some(Format::Csv))),
            (Some("xlsx"), Ok(Some(Format::Xlsx))),
            (Some("pdf"), Err(())),
        ] {
            assert_eq!(Format::requested(text).map_err(|_| ()), want, "{text:?}");
        }
    }

    #[test]
    fn yuan_has_two_decimals() {
        for (fen, want) in [
            (0, "0.00"),
            (5, "0.05"),
            (123_456, "1234.56"),
            (-1_205, "-12.05"),
        ] {
            assert_eq!(yuan(fen), want);
        }
    }

    #[test]
    fn csv_starts_with_the_bom_and_quotes_commas() {
        let mut out = Vec::new();
        let rows = Fixed::new(vec![vec![
            "南昌, 东湖".into(),
            Cell::Fen(150),
            Cell::Int(3),
        ]]);
        write_csv(&mut out, &["地区".into(), "金额".into(), "数".into()], rows).expect("csv");
        assert!(out.starts_with(BOM));
        let text = String::from_utf8(out[3..].to_vec()).expect("utf-8");
        assert_eq!(text, "地区,金额,数\n\"南昌, 东湖\",1.50,3\n");
    }

    #[test]
    fn paged_rows_stop_at_a_short_page() {
        // 250 rows in pages of 100: three reads, then none.
        let mut reads = Vec::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let rows = Paged::new(move |paging: &Paging| {
            tx.send(paging.page()).expect("send");
            let start = paging.offset().min(250);
            let end = (start + paging.per_page()).min(250);
            Ok((start..end).map(|i| vec![Cell::Int(i as i64)]).collect())
        });
        let mut out = Vec::new();
        write_csv(&mut out, &["n".into()], rows).expect("csv");
        reads.extend(rx.try_iter());
        assert_eq!(reads, [1, 2, 3]);
        let text = String::from_utf8(out[3..].to_vec()).expect("utf-8");
        assert_eq!(text.lines().count(), 251);
        assert!(text.ends_with("249\n"));
    }

    #[test]
    fn xlsx_is_a_zip() {
        let mut out = Vec::new();
        let rows = Fixed::new(vec![vec!["a".into(), Cell::Fen(150)]]);
        write_xlsx(&mut out, &["x".into(), "y".into()], rows).expect("xlsx");
        assert!(out.starts_with(b"PK"));
    }
}

/// The query of a page whose list also downloads: `?format=csv|xlsx`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DownloadQuery {
    pub format: Option<String>,
}
