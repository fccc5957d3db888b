// DER/BER TLV as MMS uses it (manual §3.2.1 "Tag-Length-Value (TLV) Encoding": ITU-T X.690, the
// same subset as EMV 4.3 Book 3 Annex B). Pure functions; decoding never throws, it returns an
// error result with the offset where the bytes stopped making sense.

/** One data object. `tag` is upper-case hex of the tag bytes as sent, e.g. "84", "DFDF59". */
export interface Tlv {
  tag: string;
  /** Bit 6 of the first tag byte: the value is itself a list of TLVs (`children`). */
  constructed: boolean;
  value: Uint8Array;
  /** Decoded value of a constructed object. */
  children?: Tlv[];
}

export type TlvResult<T> = { ok: true; value: T } | { ok: false; error: string; offset: number };

const MAX_DEPTH = 32;

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/** Hex text → bytes; spaces allowed (manual examples are written "AA 00 81 ..."). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not hex: ${text.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Tag bytes from hex text; throws on a malformed tag (a programming error, not device input). */
export function tagBytes(tag: string): Uint8Array {
  const b = fromHex(tag);
  const first = b[0];
  if (first === undefined) throw new Error('empty tag');
  if ((first & 0x1f) !== 0x1f) {
    if (b.length !== 1) throw new Error(`tag ${tag}: a one-byte tag number cannot continue`);
    return b;
  }
  if (b.length < 2) throw new Error(`tag ${tag}: multi-byte tag is cut short`);
  for (let i = 1; i < b.length; i++) {
    const more = ((b[i] ?? 0) & 0x80) !== 0;
    if (more !== (i < b.length - 1)) throw new Error(`tag ${tag}: bad continuation bits`);
  }
  return b;
}

export function isConstructedTag(tag: string): boolean {
  return ((parseInt(tag.slice(0, 2), 16) || 0) & 0x20) !== 0;
}

/** DER length: short form below 0x80, else 0x81..0x84 and the fewest big-endian bytes. */
export function encodeLength(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`bad TLV length ${n}`);
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** A primitive object from bytes, or a constructed one from children. */
export function tlv(tag: string, content: Uint8Array | readonly Tlv[]): Tlv {
  if (content instanceof Uint8Array) {
    return { tag: tag.toUpperCase(), constructed: isConstructedTag(tag), value: content };
  }
  const children = [...content];
  return {
    tag: tag.toUpperCase(),
    constructed: true,
    value: encodeTlvs(children),
    children,
  };
}

export function encodeTlv(node: Tlv): Uint8Array {
  const value = node.children ? encodeTlvs(node.children) : node.value;
  return concatBytes([tagBytes(node.tag), encodeLength(value.length), value]);
}

export function encodeTlvs(nodes: readonly Tlv[]): Uint8Array {
  return concatBytes(nodes.map(encodeTlv));
}

interface Header {
  tag: string;
  constructed: boolean;
  length: number;
  headerLength: number;
}

function readHeader(bytes: Uint8Array, at: number): TlvResult<Header> {
  const first = bytes[at];
  if (first === undefined) return { ok: false, error: 'no tag', offset: at };
  let i = at + 1;
  if ((first & 0x1f) === 0x1f) {
    // multi-byte tag: continue while bit 8 is set; 4 tag bytes is more than MMS or EMV use
    for (;;) {
      const b = bytes[i];
      if (b === undefined) return { ok: false, error: 'tag cut short', offset: at };
      i++;
      if ((b & 0x80) === 0) break;
      if (i - at >= 4) return { ok: false, error: 'tag longer than 4 bytes', offset: at };
    }
  }
  const tag = hex(bytes.subarray(at, i));
  const l0 = bytes[i];
  if (l0 === undefined) return { ok: false, error: `tag ${tag}: no length`, offset: at };
  i++;
  let length = l0;
  if (l0 === 0x80) return { ok: false, error: `tag ${tag}: indefinite length`, offset: at };
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 4) return { ok: false, error: `tag ${tag}: ${n}-byte length`, offset: at };
    length = 0;
    for (let k = 0; k < n; k++) {
      const b = bytes[i];
      if (b === undefined) return { ok: false, error: `tag ${tag}: length cut short`, offset: at };
      length = length * 256 + b;
      i++;
    }
  }
  return {
    ok: true,
    value: { tag, constructed: (first & 0x20) !== 0, length, headerLength: i - at },
  };
}

function decodeAt(bytes: Uint8Array, base: number, depth: number): TlvResult<Tlv[]> {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    const h = readHeader(bytes, at);
    if (!h.ok) return { ok: false, error: h.error, offset: base + h.offset };
    const start = at + h.value.headerLength;
    const end = start + h.value.length;
    if (end > bytes.length) {
      return {
        ok: false,
        error: `tag ${h.value.tag}: length ${h.value.length} runs past the end`,
        offset: base + at,
      };
    }
    const value = bytes.slice(start, end);
    const node: Tlv = { tag: h.value.tag, constructed: h.value.constructed, value };
    if (h.value.constructed) {
      if (depth >= MAX_DEPTH) return { ok: false, error: 'nested too deep', offset: base + at };
      const inner = decodeAt(value, base + start, depth + 1);
      if (!inner.ok) return inner;
      node.children = inner.value;
    }
    out.push(node);
    at = end;
  }
  return { ok: true, value: out };
}

/** A list of TLVs filling `bytes` exactly; constructed objects are decoded recursively. */
export function decodeTlvs(bytes: Uint8Array): TlvResult<Tlv[]> {
  return decodeAt(bytes, 0, 0);
}

/**
 * The first object at a tag path, e.g. find(nodes, 'F9', 'FA', '70', 'DFDF4D'). Primitive objects
 * along the path whose value is a TLV list (MMS puts TLVs inside primitive 84) are decoded on the
 * way.
 */
export function findTlv(nodes: readonly Tlv[], ...path: string[]): Tlv | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  const want = head.toUpperCase();
  for (const n of nodes) {
    if (n.tag !== want) continue;
    if (rest.length === 0) return n;
    const kids = n.children ?? childrenOf(n);
    if (!kids) continue;
    const found = findTlv(kids, ...rest);
    if (found) return found;
  }
  return undefined;
}

/** Every object with `tag` anywhere below `nodes` (depth first). */
export function findAllTlv(nodes: readonly Tlv[], tag: string): Tlv[] {
  const want = tag.toUpperCase();
  const out: Tlv[] = [];
  const walk = (list: readonly Tlv[]) => {
    for (const n of list) {
      if (n.tag === want) out.push(n);
      if (n.children) walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

function childrenOf(n: Tlv): Tlv[] | undefined {
  const r = decodeTlvs(n.value);
  return r.ok ? r.value : undefined;
}
