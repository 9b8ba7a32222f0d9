/**
 * A one-file root filesystem as a POSIX ustar archive, the body `docker import` takes. A single
 * regular file needs one 512-byte header, the data padded to 512 bytes and two zero blocks at the
 * end, so this writes them directly instead of driving a streaming tar library. Deterministic
 * (owner root, mtime 0), so the same bytes always make the same image. Pure.
 */

const BLOCK = 512;

/** `value` as a NUL-terminated octal field of `width` bytes, as ustar numbers are written. */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export interface TarFile {
  /** A relative path without '..', at most 100 bytes, e.g. 'pause'. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Permission bits, e.g. 0o755. */
  readonly mode: number;
}

export function buildSingleFileTar(file: TarFile): Uint8Array {
  const name = Buffer.from(file.name, 'utf8');
  if (name.length === 0 || name.length > 100 || file.name.split('/').includes('..')) throw new Error(`bad tar entry name ${file.name}`);
  const dataBlocks = Math.ceil(file.data.length / BLOCK);
  const out = Buffer.alloc(BLOCK * (1 + dataBlocks + 2));
  const field = (offset: number, text: string) => out.write(text, offset, 'latin1');
  name.copy(out, 0); // name[100]
  field(100, octal(file.mode, 8)); // mode
  field(108, octal(0, 8)); // uid
  field(116, octal(0, 8)); // gid
  field(124, octal(file.data.length, 12)); // size
  field(136, octal(0, 12)); // mtime
  field(148, ' '.repeat(8)); // chksum: spaces while summing
  field(156, '0'); // typeflag: regular file
  field(257, 'ustar\0'); // magic
  field(263, '00'); // version
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += out[i]!;
  field(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  out.set(file.data, BLOCK);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
