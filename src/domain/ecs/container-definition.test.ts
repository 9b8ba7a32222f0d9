import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerDefinition, NetworkMode, PortMapping, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { computeTaskDefinition } from './task-definition.js';

// Container rules, exercised through computeTaskDefinition as the service calls it.

const ctx = { arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1', revision: 1, registeredAt: new Date(0), registeredBy: 'arn:aws:iam::123456789012:root' };
const app = (over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name: 'app', image: 'busybox', memory: 128, ...over });
const task = (containers: ContainerDefinition[], over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest =>
  ({ family: 'web', containerDefinitions: containers, ...over });
const compute = (input: RegisterTaskDefinitionRequest) => computeTaskDefinition(input, ctx);
const first = (input: RegisterTaskDefinitionRequest) => compute(input).containerDefinitions![0]!;

function rejects(cases: [title: string, input: RegisterTaskDefinitionRequest, message: string][]) {
  for (const [title, input, message] of cases) {
    it(title, () => assert.throws(() => compute(input), { code: 'ClientException', message }));
  }
}

describe('container names and images', () => {
  rejects([
    ['missing name', task([app({ name: undefined })]), 'Container.name should not be null or empty.'],
    ['empty name', task([app({ name: '' })]), 'Container.name should not be null or empty.'],
    ['name with a space', task([app({ name: 'my app' })]), 'Container.name contains invalid characters.'],
    ['name of 256 characters', task([app({ name: 'n'.repeat(256) })]), 'Container.name contains invalid characters.'],
    ['duplicate names', task([app(), app()]), 'Container names must be unique within a Task Definition.'],
    ['missing image', task([app({ image: undefined })]), 'Container.image should not be null or empty.'],
    ['empty image', task([app({ image: '' })]), 'Container.image should not be null or empty.'],
  ]);
});

describe('container memory and cpu', () => {
  rejects([
    ['no memory anywhere', task([app({ memory: undefined })]), "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."],
    ['memory 0', task([app({ memory: 0 })]), "Invalid 'memory' setting for container 'app'."],
    ['negative memory', task([app({ memory: -5 })]), "Invalid 'memory' setting for container 'app'."],
    ['memoryReservation 0', task([app({ memory: undefined, memoryReservation: 0 })]), "Invalid 'memoryReservation' setting for container 'app'."],
    ['memoryReservation over memory', task([app({ memory: 128, memoryReservation: 256 })]), "Invalid 'memoryReservation' setting for container 'app'."],
    ['memory over the task memory', task([app({ memory: 1024 })], { memory: '512' }), "The 'memory' setting for container 'app' is greater than for the task."],
    ['memory over the task memory in GB', task([app({ memory: 2049 })], { memory: '2 GB' }), "The 'memory' setting for container 'app' is greater than for the task."],
    ['negative cpu', task([app({ cpu: -1 })]), "Invalid 'cpu' setting for container 'app'."],
  ]);

  const accepted: [string, RegisterTaskDefinitionRequest][] = [
    ['memoryReservation alone', task([app({ memory: undefined, memoryReservation: 64 })])],
    ['task memory alone', task([app({ memory: undefined })], { memory: '512' })],
    ['memoryReservation equal to memory', task([app({ memory: 128, memoryReservation: 128 })])],
    ['memory equal to the task memory', task([app({ memory: 512 })], { memory: '512' })],
  ];
  for (const [title, input] of accepted) it(`accepts ${title}`, () => assert.doesNotThrow(() => compute(input)));

  it('fills cpu 0 and essential true, keeping given values', () => {
    assert.equal(first(task([app()])).cpu, 0);
    assert.equal(first(task([app()])).essential, true);
    assert.equal(first(task([app({ cpu: 10, essential: false }), app({ name: 'b' })])).cpu, 10);
    assert.equal(first(task([app({ essential: false }), app({ name: 'b' })])).essential, false);
  });
});

describe('port mappings', () => {
  const ports = (mode: NetworkMode | undefined, portMappings: PortMapping[]) =>
    task([app({ portMappings })], mode === undefined ? {} : { networkMode: mode });
  rejects([
    ['awsvpc host port differs', ports('awsvpc', [{ containerPort: 80, hostPort: 8080 }]), 'When networkMode=awsvpc, the host ports and container ports in port mappings must match.'],
    ['host mode host port differs', ports('host', [{ containerPort: 80, hostPort: 8080 }]), 'When networkMode=host, the host ports and container ports in port mappings must match.'],
    ['no container port', ports(undefined, [{ hostPort: 7000 }]), "Invalid 'containerPort' setting for container 'app'."],
    ['container port 0', ports(undefined, [{ containerPort: 0 }]), "Invalid 'containerPort' setting for container 'app'."],
    ['container port 65536', ports(undefined, [{ containerPort: 65536 }]), "Invalid 'containerPort' setting for container 'app'."],
    ['host port 70000', ports('bridge', [{ containerPort: 80, hostPort: 70000 }]), "Invalid 'hostPort' setting for container 'app'."],
    ['protocol sctp', ports(undefined, [{ containerPort: 80, protocol: 'sctp' as never }]), "Invalid 'protocol' setting for container 'app'."],
  ]);

  const filled: [string, RegisterTaskDefinitionRequest, PortMapping[]][] = [
    ['bridge keeps an absent host port absent', ports(undefined, [{ containerPort: 80 }]), [{ containerPort: 80, protocol: 'tcp' }]],
    ['bridge keeps a different host port', ports('bridge', [{ containerPort: 80, hostPort: 8080, protocol: 'udp' }]), [{ containerPort: 80, hostPort: 8080, protocol: 'udp' }]],
    ['awsvpc copies the container port', ports('awsvpc', [{ containerPort: 80 }]), [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]],
    ['awsvpc treats host port 0 as unset', ports('awsvpc', [{ containerPort: 80, hostPort: 0 }]), [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]],
    ['host mode copies the container port', ports('host', [{ containerPort: 53, protocol: 'udp' }]), [{ containerPort: 53, hostPort: 53, protocol: 'udp' }]],
    ['keeps name and appProtocol, name first', ports('awsvpc', [{ containerPort: 80, appProtocol: 'http', name: 'web' }]),
      [{ name: 'web', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }]],
    ['a port range needs no container port', ports('awsvpc', [{ containerPortRange: '8000-8100' }]), [{ protocol: 'tcp', containerPortRange: '8000-8100' }]],
  ];
  for (const [title, input, expected] of filled) {
    it(title, () => {
      const got = first(input).portMappings;
      assert.deepEqual(got, expected);
      assert.equal(JSON.stringify(got), JSON.stringify(expected));
    });
  }
});

describe('hostname', () => {
  rejects([['hostname with awsvpc', task([app({ hostname: 'web' })], { networkMode: 'awsvpc' }), 'hostname is not supported on container when networkMode=awsvpc.']]);
  it('is kept in bridge mode', () => assert.equal(first(task([app({ hostname: 'web' })])).hostname, 'web'));
});

describe('health checks', () => {
  const hc = (over: object) => task([app({ healthCheck: { command: ['CMD', 'true'], ...over } })]);
  rejects([
    ['empty command', hc({ command: [] }), "Invalid 'healthCheck.command' setting for container 'app'."],
    ['interval 4', hc({ interval: 4 }), "Invalid 'healthCheck.interval' setting for container 'app'."],
    ['interval 301', hc({ interval: 301 }), "Invalid 'healthCheck.interval' setting for container 'app'."],
    ['timeout 1', hc({ timeout: 1 }), "Invalid 'healthCheck.timeout' setting for container 'app'."],
    ['timeout 61', hc({ timeout: 61 }), "Invalid 'healthCheck.timeout' setting for container 'app'."],
    ['retries 0', hc({ retries: 0 }), "Invalid 'healthCheck.retries' setting for container 'app'."],
    ['retries 11', hc({ retries: 11 }), "Invalid 'healthCheck.retries' setting for container 'app'."],
    ['startPeriod -1', hc({ startPeriod: -1 }), "Invalid 'healthCheck.startPeriod' setting for container 'app'."],
    ['startPeriod 301', hc({ startPeriod: 301 }), "Invalid 'healthCheck.startPeriod' setting for container 'app'."],
  ]);
  it('fills interval 30, timeout 5, retries 3 and leaves startPeriod out', () => {
    assert.deepEqual(first(hc({})).healthCheck, { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 });
  });
  it('keeps given values, startPeriod included', () => {
    const given = { command: ['CMD-SHELL', 'exit 0'], interval: 5, timeout: 2, retries: 10, startPeriod: 300 };
    assert.deepEqual(first(hc(given)).healthCheck, given);
  });
});

describe('dependsOn', () => {
  const withDep = (condition: string, target: Partial<ContainerDefinition> = {}) =>
    task([app({ dependsOn: [{ containerName: 'init', condition: condition as never }] }), app({ name: 'init', ...target })]);
  rejects([
    ['an unknown container', task([app({ dependsOn: [{ containerName: 'sidecar', condition: 'START' }] })]), "Cannot depend on container + 'sidecar' because it does not exist"],
    ['an unknown condition', withDep('RUNNING'), "Invalid dependency condition 'RUNNING' for container 'app'. Valid values are START, COMPLETE, SUCCESS and HEALTHY."],
    ['SUCCESS on an essential container', withDep('SUCCESS'), 'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container'],
    ['COMPLETE on an essential container', withDep('COMPLETE', { essential: true }), 'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container'],
    ['HEALTHY without a health check', withDep('HEALTHY'), 'A dependency container with HEALTHY condition must have a health check configured'],
  ]);
  const accepted: [string, RegisterTaskDefinitionRequest][] = [
    ['START', withDep('START')],
    ['SUCCESS on a non-essential container', withDep('SUCCESS', { essential: false })],
    ['COMPLETE on a non-essential container', withDep('COMPLETE', { essential: false })],
    ['HEALTHY with a health check', withDep('HEALTHY', { healthCheck: { command: ['CMD', 'true'] } })],
  ];
  for (const [title, input] of accepted) {
    it(`accepts ${title}`, () => assert.deepEqual(first(input).dependsOn, input.containerDefinitions![0]!.dependsOn));
  }
});
