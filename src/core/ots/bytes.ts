/**
 * The OpenTimestamps wire primitives (python-opentimestamps core/serialize.py): unsigned
 * LEB128 integers, length-prefixed byte strings, and a reader that fails on truncation.
 */
import { OtsFormatError } from './errors.ts';

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError(`not an even number of hex digits: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// The same byte helpers as the transparency log's: one copy.
import { concatBytes as concat, toHex } from '../tlog/bytes.ts';
export { concat, toHex };

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Lexicographic order, a prefix first: how Python orders `bytes`, so serialization sorts the same. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export class Reader {
  private offset = 0;
  private readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }

  bytes(length: number): Uint8Array {
    if (this.offset + length > this.data.length) {
      throw new OtsFormatError('OTS_TRUNCATED', 'the proof stops in the middle', {
        expected: `${length} more byte(s) at offset ${this.offset}`,
        received: `${this.data.length - this.offset}`,
      });
    }
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  byte(): number {
    return this.bytes(1)[0]!;
  }

  /** Unsigned LEB128; refused past 2^53 (no real height or length comes near it). */
  varuint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (!(b & 0x80)) break;
      scale *= 128;
      if (scale > 2 ** 49) throw new OtsFormatError('OTS_MALFORMED', 'a number in the proof is too large', { expected: 'at most 2^53', received: 'more' });
    }
    if (!Number.isSafeInteger(value))
      throw new OtsFormatError('OTS_MALFORMED', 'a number in the proof is too large', { expected: 'at most 2^53', received: 'more' });
    return value;
  }

  varbytes(max: number, min = 0): Uint8Array {
    const length = this.varuint();
    if (length > max || length < min) {
      throw new OtsFormatError('OTS_MALFORMED', 'a byte string in the proof has a length out of bounds', {
        expected: `${min} to ${max} bytes`,
        received: `${length} bytes`,
      });
    }
    return this.bytes(length);
  }

  /** Everything not read yet. */
  rest(): Uint8Array {
    return this.bytes(this.data.length - this.offset);
  }

  atEnd(): boolean {
    return this.offset === this.data.length;
  }

  assertEnd(what: string): void {
    if (!this.atEnd()) {
      throw new OtsFormatError('OTS_TRAILING_DATA', `bytes after the end of ${what}`, {
        expected: 'nothing more',
        received: `${this.data.length - this.offset} more byte(s)`,
      });
    }
  }
}

export class Writer {
  private readonly parts: Uint8Array[] = [];

  bytes(value: Uint8Array): void {
    this.parts.push(value);
  }

  byte(value: number): void {
    this.parts.push(Uint8Array.of(value));
  }

  varuint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an unsigned integer: ${value}`);
    const out: number[] = [];
    let rest = value;
    do {
      const low = rest % 128;
      rest = Math.floor(rest / 128);
      out.push(rest > 0 ? low | 0x80 : low);
    } while (rest > 0);
    this.parts.push(Uint8Array.from(out));
  }

  varbytes(value: Uint8Array): void {
    this.varuint(value.length);
    this.bytes(value);
  }

  result(): Uint8Array {
    return concat(...this.parts);
  }
}
