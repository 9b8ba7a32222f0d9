/**
 * The program of a sandbox's "pause" container: a static ELF executable, assembled here byte by
 * byte, that blocks forever and so holds the task's network namespace open (the role of the ECS
 * agent's `amazon/amazon-ecs-pause` and Kubernetes' `pause`). Built in code because these hosts
 * pull nothing from the internet. It ignores SIGTERM (PID 1 with no handler), so it is removed
 * with SIGKILL. Pure.
 *
 * Only the x86_64 program is exercised by the tests (this CI has no arm64 host); the arm64 one is
 * the same loop in A64 encodings.
 */

/** Where the one segment is loaded; 64 KiB-aligned, so hosts with 64 KiB pages map it too. */
const BASE = 0x400000;
const SEGMENT_ALIGN = 0x10000;
const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;

/** ECS architecture spelling → ELF e_machine and the machine code of the loop. */
const PROGRAMS: Readonly<Record<string, { readonly machine: number; readonly code: readonly number[] }>> = {
  // loop: mov eax, 34 (SYS_pause); syscall; jmp loop
  x86_64: { machine: 62, code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7] },
  // loop: mov x0..x3, #0; mov x8, #73 (SYS_ppoll); svc #0; b loop  — ppoll(NULL, 0, NULL, NULL) sleeps until a signal
  arm64: {
    machine: 183,
    code: [0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa]
      .flatMap((insn) => [insn & 0xff, (insn >>> 8) & 0xff, (insn >>> 16) & 0xff, insn >>> 24]),
  },
};

export const PAUSE_ARCHITECTURES = Object.keys(PROGRAMS);

/** The pause executable for `architecture` ('x86_64' or 'arm64', as RuntimeInfo says it). */
export function buildPauseProgram(architecture: string): Uint8Array {
  const program = PROGRAMS[architecture === 'aarch64' ? 'arm64' : architecture];
  if (!program) throw new Error(`no pause program for architecture ${architecture} (have ${PAUSE_ARCHITECTURES.join(', ')})`);
  const codeOffset = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE;
  const size = codeOffset + program.code.length;
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  // ELF header: 64-bit, little-endian, version 1, System V ABI; an executable with one program header.
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, 2, true); // e_type ET_EXEC
  v.setUint16(18, program.machine, true); // e_machine
  v.setUint32(20, 1, true); // e_version
  v.setBigUint64(24, BigInt(BASE + codeOffset), true); // e_entry
  v.setBigUint64(32, BigInt(ELF_HEADER_SIZE), true); // e_phoff
  v.setBigUint64(40, 0n, true); // e_shoff: no sections
  v.setUint32(48, 0, true); // e_flags
  v.setUint16(52, ELF_HEADER_SIZE, true); // e_ehsize
  v.setUint16(54, PROGRAM_HEADER_SIZE, true); // e_phentsize
  v.setUint16(56, 1, true); // e_phnum
  // e_shentsize, e_shnum, e_shstrndx stay 0.
  // Program header: one PT_LOAD of the whole file, read + execute.
  const ph = ELF_HEADER_SIZE;
  v.setUint32(ph, 1, true); // p_type PT_LOAD
  v.setUint32(ph + 4, 5, true); // p_flags PF_R | PF_X
  v.setBigUint64(ph + 8, 0n, true); // p_offset
  v.setBigUint64(ph + 16, BigInt(BASE), true); // p_vaddr
  v.setBigUint64(ph + 24, BigInt(BASE), true); // p_paddr
  v.setBigUint64(ph + 32, BigInt(size), true); // p_filesz
  v.setBigUint64(ph + 40, BigInt(size), true); // p_memsz
  v.setBigUint64(ph + 48, BigInt(SEGMENT_ALIGN), true); // p_align
  bytes.set(program.code, codeOffset);
  return bytes;
}
