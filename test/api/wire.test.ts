import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { rawEcsRequest } from '../support/signed-fetch.js';

describe('the AWS wire: routing, SigV4 and bad input', () => {
  let berth: BerthProcess;
  const creds = () => ({ accessKeyId: berth.accessKeyId, secretAccessKey: berth.secretAccessKey });

  before(async () => { berth = await startBerthProcess(); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('answers GET /_berth/health without auth', async () => {
    const res = await fetch(`${berth.url}/_berth/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('serves a signed SDK request and returns a request id', async () => {
    const out = await berth.ecs().send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns, []);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await rawEcsRequest(berth.url, {});
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const client = new ECSClient({ endpoint: berth.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } });
    await assert.rejects(client.send(new ListClustersCommand({})), {
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a wrong secret with InvalidSignatureException', async () => {
    const client = new ECSClient({ endpoint: berth.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: berth.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await assert.rejects(client.send(new ListClustersCommand({})), {
      name: 'InvalidSignatureException',
      message: /^The request signature we calculated does not match the signature you provided\./,
    });
  });

  it('refuses a body changed after signing', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), body: '{}', tamper: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeClusters' } });
    assert.equal(res.json.__type, 'InvalidSignatureException');
  });

  it('refuses a signature dated more than 15 minutes off, with AWS\'s message', async () => {
    const past = await rawEcsRequest(berth.url, { credentials: creds(), signingDate: new Date(Date.now() - 16 * 60_000) });
    assert.equal(past.status, 400);
    assert.equal(past.json.__type, 'InvalidSignatureException');
    assert.match(String(past.json.message), /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await rawEcsRequest(berth.url, { credentials: creds(), signingDate: new Date(Date.now() + 16 * 60_000) });
    assert.match(String(future.json.message), /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    const nearby = await rawEcsRequest(berth.url, { credentials: creds(), signingDate: new Date(Date.now() - 10 * 60_000) });
    assert.equal(nearby.status, 200);
  });

  it('answers malformed JSON with SerializationException', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), body: '{"clusterName": ' });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'SerializationException');
  });

  it('answers a wrong member type with SerializationException naming the member', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'CreateCluster', body: JSON.stringify({ clusterName: 42 }) });
    assert.equal(res.json.__type, 'SerializationException');
    assert.match(String(res.json.message), /clusterName/);
    const nested = await rawEcsRequest(berth.url, {
      credentials: creds(), target: 'RegisterTaskDefinition',
      body: JSON.stringify({ family: 'f', containerDefinitions: [{ name: 'a', image: 'b', memory: 'lots' }] }),
    });
    assert.equal(nested.json.__type, 'SerializationException');
    assert.match(String(nested.json.message), /containerDefinitions\[0\]\.memory/);
  });

  it('answers a body that is not a JSON object with SerializationException', async () => {
    for (const body of ['[]', '"text"', '7', 'null']) {
      const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'CreateCluster', body });
      assert.equal(res.json.__type, body === 'null' ? undefined : 'SerializationException', body);
    }
  });

  it('answers a missing required member with InvalidParameterException', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'DeleteCluster', body: '{}' });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'InvalidParameterException');
    assert.match(String(res.json.message), /cluster/);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'LaunchRockets' });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'UnknownOperationException');
  });

  it('answers a body over 1 MiB with 413 and stays healthy', async () => {
    const body = JSON.stringify({ clusterName: 'x'.repeat(1024 * 1024 + 10) });
    const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'CreateCluster', body });
    assert.equal(res.status, 413);
    assert.equal(res.json.__type, 'RequestEntityTooLargeException');
    const out = await berth.ecs().send(new CreateClusterCommand({ clusterName: 'after-413' }));
    assert.equal(out.cluster?.status, 'ACTIVE');
  });

  it('ignores members the model does not have instead of storing them', async () => {
    const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'CreateCluster', body: JSON.stringify({ clusterName: 'extra', __proto__: { x: 1 }, bogus: 'y' }) });
    assert.equal(res.status, 200);
    const cluster = res.json.cluster as Record<string, unknown>;
    assert.equal(cluster.bogus, undefined);
  });

  it('answers hostile names with InvalidParameterException, never a 500', async () => {
    for (const clusterName of ['../../etc/passwd', 'a b', "x'; DROP TABLE clusters; --", 'ü', 'x'.repeat(256), '']) {
      const res = await rawEcsRequest(berth.url, { credentials: creds(), target: 'CreateCluster', body: JSON.stringify({ clusterName }) });
      assert.equal(res.status, 400, clusterName);
      assert.equal(res.json.__type, 'InvalidParameterException', clusterName);
    }
    assert.equal((await fetch(`${berth.url}/_berth/health`)).status, 200);
  });
});
