/**
 * Plain aligned text tables for `mapsign credentials list` and `mapsign usage`: one header
 * line, columns padded to their widest cell, two spaces between columns, no trailing blanks.
 * Cells are printed as given, so callers escape text from requests or operators first
 * (`terminal-text.ts`).
 */

/**
 * Formats rows as a plain aligned text table with a header line.
 *
 * @example formatTable(['ID', 'SCHEME'], [['gme-a', 'google']]) // 'ID     SCHEME\ngme-a  google\n'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
