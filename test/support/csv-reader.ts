/**
 * A strict RFC 4180 reader ("Common Format and MIME Type for CSV Files", section 2), written from
 * the RFC's grammar to read back what the CLI writes: it throws on anything the grammar does not
 * allow (a bare quote or LF in a plain field, a missing CRLF), so a writer's slip cannot pass.
 */

/**
 * The records of `text`, each a list of fields.
 *
 * @example readCsv('a,"b,c"\r\n') // [['a', 'b,c']]
 */
export function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') break;
        else field += text[i++];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`a bare ${JSON.stringify(text[i])} in a plain field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) (records.push(record), (record = []), (i += 2));
    else throw new Error(`expected , or CRLF at ${i}`);
  }
  if (record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}

