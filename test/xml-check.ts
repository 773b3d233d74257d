/**
 * A small strict XML 1.0 reader for tests (no XML library is installed): it accepts the subset
 * the junit reporter writes — a prolog, elements, double-quoted attributes, escaped text — and
 * throws on anything not well-formed (mismatched or unclosed tags, raw `<`/`&`, unknown
 * entities, duplicate attributes, characters XML cannot hold, content after the root).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(s: string, where: string): string {
  if (s.includes('<')) throw new Error(`raw '<' in ${where}`);
  return s.replace(/&([^;]*);|&/g, (whole, ent: string | undefined) => {
    if (ent === undefined) throw new Error(`raw '&' in ${where}`);
    if (ent in ENTITIES) return ENTITIES[ent];
    const m = /^#(\d+)$|^#x([0-9a-fA-F]+)$/.exec(ent);
    if (!m) throw new Error(`unknown entity &${ent}; in ${where}`);
    return String.fromCodePoint(m[1] ? Number(m[1]) : parseInt(m[2], 16));
  });
}

export function parseXml(xml: string): XmlElement {
  if (INVALID_CHAR.test(xml)) throw new Error('a character XML 1.0 cannot hold');
  let i = 0;
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>\r?\n?/.exec(xml);
  if (!prolog) throw new Error('missing XML declaration');
  i = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (stack.length) stack[stack.length - 1].text += decode(text, 'text');
    else if (text.trim()) throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 20))}`);
    if (lt === -1) break;
    i = lt;
    if (xml.startsWith('</', i)) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i));
      if (!m) throw new Error(`bad closing tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> closes <${open?.name}>`);
      i += m[0].length;
      continue;
    }
    if (root && !stack.length) throw new Error('a second root element');
    i++;
    const name = NAME.exec(xml.slice(i));
    if (!name) throw new Error(`bad tag name at ${i}`);
    i += name[0].length;
    const el: XmlElement = { name: name[0], attrs: {}, children: [], text: '' };
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0];
      i += ws.length;
      if (xml.startsWith('/>', i)) {
        i += 2;
        if (stack.length) stack[stack.length - 1].children.push(el);
        else root = el;
        break;
      }
      if (xml[i] === '>') {
        i++;
        if (stack.length) stack[stack.length - 1].children.push(el);
        else root = el;
        stack.push(el);
        break;
      }
      if (!ws) throw new Error(`attributes of <${el.name}> need white space between them`);
      const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(xml.slice(i));
      if (!a) throw new Error(`bad attribute in <${el.name}> at ${i}: ${xml.slice(i, i + 30)}`);
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      el.attrs[a[1]] = decode(a[2], `attribute ${a[1]}`);
      i += a[0].length;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
