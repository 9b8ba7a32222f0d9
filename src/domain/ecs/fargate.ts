/**
 * Fargate task sizes: the cpu/memory pairs Fargate runs (Linux), and the parsing of the task-level
 * `cpu`/`memory` strings, which ECS accepts as units or with a unit ("1 vCPU", "2 GB").
 */

const range = (min: number, max: number, step: number): number[] =>
  Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);

/**
 * AWS DG "task-cpu-memory-error" (Linux): cpu units → the memory sizes (MiB) Fargate offers for it.
 * 8 and 16 vCPU need platform version 1.4.0 or later.
 */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

export function isValidFargateCombination(cpu: number, memory: number): boolean {
  return FARGATE_SIZES.get(cpu)?.includes(memory) ?? false;
}

/** Every memory size (MiB) Fargate offers for `cpu`, ascending; empty when `cpu` is not a Fargate size. */
export const fargateMemoryOptions = (cpu: number): number[] => [...(FARGATE_SIZES.get(cpu) ?? [])];

/** "256" → 256; "1 vCPU", "1vcpu", ".25 vCPU" → × 1024. Undefined when not a positive whole number of units. */
export function parseTaskCpu(value: string | undefined): number | undefined {
  return parseSize(value, /^vcpu$/i);
}

/** "512" → 512 MiB; "2GB", "2 GB", "0.5 GB" → × 1024. Undefined when not a positive whole number of MiB. */
export function parseTaskMemory(value: string | undefined): number | undefined {
  return parseSize(value, /^gb$/i);
}

const SIZE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/;

function parseSize(value: string | undefined, unit: RegExp): number | undefined {
  const m = value === undefined ? null : SIZE.exec(value);
  if (!m) return undefined;
  const number = m[1]!;
  const suffix = m[2]!;
  let n: number;
  if (suffix === '') {
    // Plain values are whole units; ECS stores them as integer strings.
    if (!/^\d+$/.test(number)) return undefined;
    n = Number(number);
  } else {
    if (!unit.test(suffix)) return undefined;
    n = Number(number) * 1024;
  }
  return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
}
