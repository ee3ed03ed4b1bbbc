/**
 * CSV for spreadsheets, as RFC 4180 ("Common Format and MIME Type for CSV Files") writes it:
 * CRLF after every record, and a field holding a comma, a double quote, CR or LF enclosed in
 * double quotes with its quotes doubled.
 *
 * Text cells are also guarded against formula injection (OWASP, "CSV Injection"): a spreadsheet
 * runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR before one) as a formula,
 * and usage reports carry text chosen by others — labels set by operators, channels and
 * outcomes from requests. Such a cell gets a leading apostrophe, which spreadsheets show as text
 * and do not run. Numbers are written as they are.
 */

/** One cell: text (guarded and quoted as needed) or a number (written as is). */
export type CsvCell = string | number;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as CSV text.
 *
 * @example csvCell('=HYPERLINK("http://x")') // `"'=HYPERLINK(""http://x"")"`
 * @example csvCell(42) // '42'
 */
export function csvCell(cell: CsvCell): string {
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A header record and data records as one CSV text, every record ended by CRLF.
 *
 * @example formatCsv(['client', 'total'], [['gme-a', 3]]) // 'client,total\r\ngme-a,3\r\n'
 */
export function formatCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((record) => `${record.map(csvCell).join(',')}\r\n`).join('');
}
