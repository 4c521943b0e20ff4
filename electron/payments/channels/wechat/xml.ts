/**
 * WeChat Pay v2 XML: flat `<xml><field>value</field>…</xml>` documents, values usually in CDATA.
 *
 * A deliberately small, strict parser: no DOCTYPE, no entity declarations (XXE), no nesting, no
 * attributes, bounded size. Only the five predefined entities and numeric character references are
 * decoded. Anything else is a `WechatXmlError`, never a crash.
 */

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

export type WechatFields = Record<string, string>;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_XML_CHARS = 1024 * 1024;

function encodeCdata(value: string): string {
  // "]]>" cannot appear inside CDATA: split it across two sections.
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Build a flat document; fields in the given order, every value in CDATA, empty values left out. */
export function buildWechatXml(fields: Record<string, string | number | undefined>): string {
  let out = '<xml>';
  for (const [name, raw] of Object.entries(fields)) {
    if (raw === undefined || raw === '') continue;
    if (!NAME.test(name)) throw new WechatXmlError(`Invalid field name "${name}"`);
    out += `<${name}>${encodeCdata(String(raw))}</${name}>`;
  }
  return `${out}</xml>`;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  if (/&(?!(?:#x[0-9A-Fa-f]{1,6}|#\d{1,7}|[a-z]+);)/.test(text)) throw new WechatXmlError('Bare "&" in text');
  return text.replace(/&(#x[0-9A-Fa-f]{1,6}|#\d{1,7}|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0x10ffff) throw new WechatXmlError(`Invalid character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const e = ENTITIES[ref];
    if (e === undefined) throw new WechatXmlError(`Unknown entity ${whole}`);
    return e;
  });
}

/** Parse a flat WeChat document. Throws `WechatXmlError` on anything unexpected. */
export function parseWechatXml(input: string): WechatFields {
  if (typeof input !== 'string') throw new WechatXmlError('XML must be text');
  if (input.length > MAX_XML_CHARS) throw new WechatXmlError('XML document too large');
  let s = input.replace(/^\uFEFF/, '').trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(s)) throw new WechatXmlError('DOCTYPE and entity declarations are refused');
  const decl = /^<\?xml[^?]*\?>/.exec(s);
  if (decl) s = s.slice(decl[0].length).trim();
  if (!s.startsWith('<xml>')) throw new WechatXmlError('Root element <xml> expected');
  if (!s.endsWith('</xml>')) throw new WechatXmlError('Document is truncated or has trailing content');
  const body = s.slice(5, -6);

  const fields: WechatFields = {};
  let i = 0;
  while (i < body.length) {
    const ws = /^\s+/.exec(body.slice(i, i + 256));
    if (ws) {
      i += ws[0].length;
      continue;
    }
    if (body[i] !== '<') throw new WechatXmlError('Text outside of a field');
    const open = /^<([A-Za-z_][A-Za-z0-9_.-]*)\s*(\/?)>/.exec(body.slice(i, i + 200));
    if (!open) throw new WechatXmlError('Malformed or unsupported element');
    const name = open[1] as string;
    i += open[0].length;
    if (open[2] === '/') {
      // An empty element is a field too: the same name twice is refused either way.
      if (Object.hasOwn(fields, name)) throw new WechatXmlError(`Duplicate field <${name}>`);
      fields[name] = '';
      continue;
    }
    const close = `</${name}>`;
    let value = '';
    for (;;) {
      if (body.startsWith('<![CDATA[', i)) {
        const end = body.indexOf(']]>', i + 9);
        if (end < 0) throw new WechatXmlError('Unterminated CDATA');
        value += body.slice(i + 9, end);
        i = end + 3;
      } else if (body.startsWith(close, i)) {
        i += close.length;
        break;
      } else if (body[i] === '<') {
        throw new WechatXmlError(`Nested or malformed content in <${name}>`);
      } else {
        const next = body.indexOf('<', i);
        if (next < 0) throw new WechatXmlError(`Unterminated <${name}>`);
        value += decodeText(body.slice(i, next));
        i = next;
      }
    }
    if (Object.hasOwn(fields, name)) throw new WechatXmlError(`Duplicate field <${name}>`);
    fields[name] = value;
  }
  return fields;
}
