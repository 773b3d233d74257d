/**
 * What a fix must keep of a file's text: its byte-order mark and its line endings.
 * Fix ranges index the text without the BOM (as ESLint's SourceCode#text); the BOM is put back
 * when the file is written.
 */

export const BOM = '\uFEFF';

export function splitBom(raw: string): { bom: boolean; body: string } {
  const bom = raw.charCodeAt(0) === 0xfeff;
  return { bom, body: bom ? raw.slice(1) : raw };
}

/**
 * `crlf`: every line break is CRLF; `lf`: every line break is LF; `mixed` (or none): leave the
 * line breaks of the fixed text as the edits wrote them.
 */
export type LineEndings = 'crlf' | 'lf' | 'mixed';

export function lineEndings(text: string): LineEndings {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (crlf && !lf) return 'crlf';
  if (lf && !crlf) return 'lf';
  return 'mixed';
}

/**
 * Make the line breaks an edit introduced match the file: in a CRLF file a lone LF becomes CRLF,
 * in an LF file a CRLF becomes LF. The untouched text already has that style, so only inserted
 * text changes.
 */
export function keepLineEndings(text: string, style: LineEndings): string {
  if (style === 'crlf') return text.replace(/\r?\n/g, '\r\n');
  if (style === 'lf') return text.replace(/\r\n/g, '\n');
  return text;
}
