import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fargateMemoryOptions, isValidFargateCombination, parseTaskCpu, parseTaskMemory } from './fargate.js';

describe('parseTaskCpu', () => {
  const cases: [string, number | undefined][] = [
    ['256', 256],
    ['1024', 1024],
    [' 512 ', 512],
    ['1 vCPU', 1024],
    ['1 vcpu', 1024],
    ['1vCPU', 1024],
    ['2 VCPU', 2048],
    ['.25 vCPU', 256],
    ['0.5 vCPU', 512],
    ['1.5 vCPU', 1536],
    ['16 vCPU', 16384],
    ['', undefined],
    ['abc', undefined],
    ['0', undefined],
    ['-256', undefined],
    ['256.5', undefined], // plain values are whole units
    ['0.1 vCPU', undefined], // 102.4 units
    ['1 GB', undefined], // wrong unit for cpu
    ['1 cpu', undefined],
    ['1 vCPU extra', undefined],
    ['99999999999', undefined],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseTaskCpu(value), expected));
  }
});

describe('parseTaskMemory', () => {
  const cases: [string, number | undefined][] = [
    ['512', 512],
    ['2048', 2048],
    ['2GB', 2048],
    ['2 GB', 2048],
    ['2 gb', 2048],
    ['0.5GB', 512],
    ['.5 GB', 512],
    ['30 GB', 30720],
    ['', undefined],
    ['0', undefined],
    ['0 GB', undefined],
    ['2 MB', undefined],
    ['2 TB', undefined],
    ['1 vCPU', undefined],
    ['512.5', undefined],
    ['0.0001 GB', undefined], // not a whole MiB
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseTaskMemory(value), expected));
  }
});

describe('isValidFargateCombination', () => {
  const valid: [number, number][] = [
    [256, 512], [256, 1024], [256, 2048],
    [512, 1024], [512, 2048], [512, 3072], [512, 4096],
    [1024, 2048], [1024, 5120], [1024, 8192],
    [2048, 4096], [2048, 9216], [2048, 16384],
    [4096, 8192], [4096, 30720],
    [8192, 16384], [8192, 20480], [8192, 61440],
    [16384, 32768], [16384, 40960], [16384, 122880],
  ];
  const invalid: [number, number][] = [
    [256, 256], [256, 1536], [256, 3072],
    [512, 512], [512, 1536], [512, 5120],
    [1024, 1024], [1024, 9216],
    [2048, 2048], [2048, 17408],
    [4096, 4096], [4096, 31744],
    [8192, 17408], [8192, 65536],
    [16384, 36864], [16384, 131072],
    [128, 512], [300, 1024], [32768, 65536],
  ];
  for (const [cpu, memory] of valid) it(`${cpu} CPU / ${memory} MiB is valid`, () => assert.equal(isValidFargateCombination(cpu, memory), true));
  for (const [cpu, memory] of invalid) it(`${cpu} CPU / ${memory} MiB is not`, () => assert.equal(isValidFargateCombination(cpu, memory), false));

  it('offers the documented number of sizes per cpu', () => {
    const counts = [256, 512, 1024, 2048, 4096, 8192, 16384].map((cpu) => fargateMemoryOptions(cpu).length);
    assert.deepEqual(counts, [3, 4, 7, 13, 23, 12, 12]);
    assert.deepEqual(fargateMemoryOptions(100), []);
  });
});
