/**
 * The CSV dialect of upstream's --token-auth-file and (removed) --basic-auth-file: Go's
 * encoding/csv with a variable number of fields per record and leading spaces trimmed. Quoted
 * fields may hold commas and newlines ("" is a literal quote); blank lines are skipped.
 */

/** One record with its 1-based line number (for error messages). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parses the whole file; throws on an unterminated quoted field. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      // TrimLeadingSpace
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      let value = '';
      if (text[i] === '"') {
        blank = false;
        i++;
        for (;;) {
          if (i >= n) throw new Error(`line ${startLine}: extraneous or missing " in quoted-field`);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        // Anything after the closing quote up to the separator is kept, as LazyQuotes would not be set: reject it.
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new Error(`line ${line}: extraneous or missing " in quoted-field`);
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
        if (value !== '') blank = false;
      }
      fields.push(value);
      if (i < n && text[i] === ',') {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    }
    if (!blank) out.push({ line: startLine, fields });
  }
  return out;
}

/** A group list column ("group1,group2"): split on commas, trimmed, empty entries dropped. */
export function splitGroups(col: string | undefined): string[] {
  if (!col) return [];
  return col
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}
