import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateClusterCommand, DescribeClustersCommand, DescribeTaskDefinitionCommand, ListAccountSettingsCommand,
  ListTagsForResourceCommand, PutAccountSettingDefaultCommand, RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('durability: every acknowledged write survives SIGKILL', () => {
  it('reads back clusters, task definitions, tags and settings after a kill -9 and restart', async () => {
    const first = await startBerthProcess();
    const ecs = first.ecs();
    const written: string[] = [];
    for (let i = 0; i < 20; i++) {
      await ecs.send(new CreateClusterCommand({ clusterName: `c${i}`, tags: [{ key: 'i', value: String(i) }] }));
      const td = await ecs.send(new RegisterTaskDefinitionCommand({
        family: 'web', containerDefinitions: [{ name: 'app', image: `busybox:${i}`, memory: 64 }],
      }));
      written.push(td.taskDefinition!.taskDefinitionArn!);
    }
    await ecs.send(new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enabled' }));
    assert.equal(await first.stop('SIGKILL'), null);

    const second = await startBerthProcess({ dataDir: first.dataDir });
    try {
      assert.equal(second.accessKeyId, first.accessKeyId, 'the generated key pair is kept in the data dir');
      const ecs2 = second.ecs();
      const clusters = await ecs2.send(new DescribeClustersCommand({ clusters: Array.from({ length: 20 }, (_, i) => `c${i}`), include: ['TAGS'] }));
      assert.equal(clusters.clusters?.length, 20);
      assert.deepEqual(clusters.clusters?.[19]?.tags, [{ key: 'i', value: '19' }]);
      const last = await ecs2.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
      assert.equal(last.taskDefinition?.taskDefinitionArn, written.at(-1));
      assert.equal(last.taskDefinition?.revision, 20);
      assert.equal(last.taskDefinition?.containerDefinitions?.[0]?.image, 'busybox:19');
      const tags = await ecs2.send(new ListTagsForResourceCommand({ resourceArn: clusters.clusters![0]!.clusterArn! }));
      assert.deepEqual(tags.tags, [{ key: 'i', value: '0' }]);
      const settings = await ecs2.send(new ListAccountSettingsCommand({ name: 'containerInsights', effectiveSettings: true }));
      assert.equal(settings.settings?.[0]?.value, 'enabled');
      const next = await ecs2.send(new CreateClusterCommand({ clusterName: 'after-restart' }));
      assert.deepEqual(next.cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    } finally {
      await second.stop();
      removeDataDir(first.dataDir);
    }
  });

  it('shuts down cleanly on SIGTERM and SIGINT, and keeps its key file private', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const berth = await startBerthProcess();
      assert.equal(statSync(join(berth.dataDir, 'credentials.json')).mode & 0o777, 0o600);
      assert.equal(await berth.stop(signal), 0, berth.output());
      removeDataDir(berth.dataDir);
    }
  });

  it('uses the key pair it is given, from flags or BERTH_ environment variables', async () => {
    const berth = await startBerthProcess({
      args: ['--access-key-id', 'AKIAFROMFLAGS0000000'],
      env: { BERTH_SECRET_ACCESS_KEY: 'secret-from-env', BERTH_ACCOUNT_ID: '123456789012' },
    });
    try {
      assert.equal(berth.accessKeyId, 'AKIAFROMFLAGS0000000');
      assert.equal(berth.secretAccessKey, 'secret-from-env');
      const { cluster } = await berth.ecs().send(new CreateClusterCommand({ clusterName: 'x' }));
      assert.equal(cluster?.clusterArn, 'arn:aws:ecs:us-east-1:123456789012:cluster/x');
    } finally {
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
  });
});
