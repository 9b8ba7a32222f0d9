import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPauseProgram } from './pause-program.js';
import { buildSingleFileTar } from './rootfs-tar.js';

describe('the pause program and its rootfs tarball', () => {
  it('is a static ELF64 executable with one loadable segment, for x86_64 and arm64 (aarch64)', () => {
    for (const [arch, machine, codeLength] of [['x86_64', 62, 9], ['arm64', 183, 28], ['aarch64', 183, 28]] as const) {
      const elf = buildPauseProgram(arch);
      const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
      assert.deepEqual([...elf.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], `${arch}: ELF, 64-bit, little-endian`);
      assert.deepEqual([v.getUint16(16, true), v.getUint16(18, true), v.getUint16(56, true)], [2, machine, 1], `${arch}: ET_EXEC, machine, one program header`);
      assert.equal(v.getBigUint64(24, true), 0x400000n + 120n, 'entry right after the headers');
      assert.deepEqual([v.getUint32(64, true), v.getBigUint64(96, true)], [1, BigInt(elf.length)], 'PT_LOAD of the whole file');
      assert.equal(elf.length, 120 + codeLength);
    }
    // The x86_64 loop: mov eax, 34 (pause); syscall; jmp back to the mov.
    assert.deepEqual([...buildPauseProgram('x86_64').subarray(120)], [0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]);
    assert.throws(() => buildPauseProgram('s390x'), /no pause program for architecture s390x/);
  });

  it('wraps one file in a ustar archive with a valid checksum and two zero blocks at the end', () => {
    const data = buildPauseProgram('x86_64');
    const tar = Buffer.from(buildSingleFileTar({ name: 'pause', data, mode: 0o755 }));
    assert.equal(tar.length, 512 * 4, 'header, one data block, two zero blocks');
    assert.equal(tar.toString('latin1', 0, 5), 'pause');
    assert.equal(tar.toString('latin1', 100, 107), '0000755');
    assert.equal(parseInt(tar.toString('latin1', 124, 135), 8), data.length);
    assert.equal(tar.toString('latin1', 257, 263), 'ustar\0');
    const header = Buffer.from(tar.subarray(0, 512));
    const stored = parseInt(header.toString('latin1', 148, 154), 8);
    header.fill(' ', 148, 156);
    assert.equal(stored, header.reduce((sum, b) => sum + b, 0));
    assert.deepEqual(tar.subarray(512, 512 + data.length), Buffer.from(data));
    assert.ok(tar.subarray(1024).every((b) => b === 0));
    assert.throws(() => buildSingleFileTar({ name: '../x', data, mode: 0o644 }));
  });
});
