// A reader of .properties text with java.util.Properties.load's rules (the reader Kafka's
// brokers use for server.properties), for the tests of config-export.ts: natural lines, comments
// (# or ! first), continuation by an odd number of trailing backslashes, the key up to the first
// unescaped `=`, `:` or whitespace, and the escapes \t \n \r \f \uXXXX and \<any>.

const WS = new Set([' ', '\t', '\f']);

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`Malformed \\uxxxx encoding: ${hex}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += next === 't' ? '\t' : next === 'n' ? '\n' : next === 'r' ? '\r' : next === 'f' ? '\f' : next;
  }
  return out;
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\\') n++;
  return n;
}

/** The key/value pairs of a .properties text, in order (a key given twice: the last wins). */
export function readProperties(text: string): Map<string, string> {
  const natural = text.split(/\r\n|\r|\n/);
  const out = new Map<string, string>();
  for (let i = 0; i < natural.length; i++) {
    let line = natural[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (trailingBackslashes(line) % 2 === 1 && i + 1 < natural.length) {
      line = line.slice(0, -1) + natural[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (trailingBackslashes(line) % 2 === 1) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length) {
      const ch = line[k]!;
      if (ch === '\\') k += 2;
      else if (ch === '=' || ch === ':' || WS.has(ch)) break;
      else k++;
    }
    const key = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (v < line.length && WS.has(line[v]!)) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && WS.has(line[v]!)) v++;
    out.set(unescape(key), unescape(line.slice(v)));
  }
  return out;
}
