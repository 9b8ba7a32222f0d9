import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registryOfImage } from './image-registry.js';

describe('registryOfImage', () => {
  it('reads the registry host as Docker does', () => {
    assert.equal(registryOfImage('127.0.0.1:4566/apps/web:1'), '127.0.0.1:4566');
    assert.equal(registryOfImage('localhost/web'), 'localhost');
    assert.equal(registryOfImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:ab'), '123456789012.dkr.ecr.us-east-1.amazonaws.com');
    assert.equal(registryOfImage('busybox'), 'docker.io');
    assert.equal(registryOfImage('busybox:1.36'), 'docker.io');
    assert.equal(registryOfImage('berth-test/busybox:latest'), 'docker.io');
  });
});
