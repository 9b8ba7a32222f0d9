import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

const run = promisify(execFile);

/** The same calls from the other real clients users have: boto3 and the AWS CLI (v1 on PATH, Debian's v2). */
describe('other AWS clients: boto3 and the AWS CLI', () => {
  let berth: BerthProcess;
  const env = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: berth.accessKeyId,
    AWS_SECRET_ACCESS_KEY: berth.secretAccessKey,
    AWS_DEFAULT_REGION: 'eu-central-1',
    AWS_REGION: 'eu-central-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  });

  before(async () => { berth = await startBerthProcess(); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('boto3 creates, describes and lists, and sees ECS error codes', async () => {
    const script = `
import boto3, json, sys
from botocore.exceptions import ClientError
ecs = boto3.client('ecs', endpoint_url=sys.argv[1])
ecs.create_cluster(clusterName='py')
td = ecs.register_task_definition(family='py', containerDefinitions=[{'name': 'a', 'image': 'busybox', 'memory': 32}])
try:
    ecs.describe_task_definition(taskDefinition='nope')
    code = None
except ClientError as e:
    code = e.response['Error']['Code']
out = ecs.describe_clusters(clusters=['py', 'missing'])
print(json.dumps({'arn': td['taskDefinition']['taskDefinitionArn'], 'clusters': [c['clusterName'] for c in out['clusters']],
                  'failures': out['failures'], 'code': code, 'registeredAt': str(type(td['taskDefinition']['registeredAt']).__name__)}))
`;
    const { stdout } = await run('python3', ['-c', script, berth.url], { env: env() });
    assert.deepEqual(JSON.parse(stdout), {
      arn: 'arn:aws:ecs:eu-central-1:000000000000:task-definition/py:1',
      clusters: ['py'],
      failures: [{ arn: 'arn:aws:ecs:eu-central-1:000000000000:cluster/missing', reason: 'MISSING' }],
      code: 'ClientException',
      registeredAt: 'datetime',
    });
  });

  for (const aws of ['aws', '/usr/bin/aws']) {
    it(`the AWS CLI (${aws}) lists what boto3 made and prints ECS errors`, { skip: aws.startsWith('/') && !existsSync(aws) && `${aws} is not installed` }, async () => {
      const { stdout } = await run(aws, ['--endpoint-url', berth.url, 'ecs', 'list-clusters', '--output', 'json'], { env: env() });
      assert.ok((JSON.parse(stdout) as { clusterArns: string[] }).clusterArns.includes('arn:aws:ecs:eu-central-1:000000000000:cluster/py'));
      await assert.rejects(run(aws, ['--endpoint-url', berth.url, 'ecs', 'delete-cluster', '--cluster', 'never'], { env: env() }),
        (e: { stderr: string }) => /ClusterNotFoundException.*Cluster not found\./s.test(e.stderr));
    });

    it(`the AWS CLI (${aws}) creates a service and \`ecs wait services-stable\` returns`, { skip: aws.startsWith('/') && !existsSync(aws) && `${aws} is not installed` }, async () => {
      const cli = (...args: string[]) => run(aws, ['--endpoint-url', berth.url, '--output', 'json', 'ecs', ...args], { env: env() });
      const name = `idle-${aws.length}`;
      await cli('register-task-definition', '--family', name, '--container-definitions', '[{"name":"app","image":"busybox","memory":64}]');
      await cli('create-service', '--cluster', 'py', '--service-name', name, '--task-definition', name, '--desired-count', '0');
      await cli('wait', 'services-stable', '--cluster', 'py', '--services', name);
      const { stdout } = await cli('describe-services', '--cluster', 'py', '--services', name);
      const [service] = (JSON.parse(stdout) as { services: { deployments: { rolloutState: string }[]; events: { message: string }[] }[] }).services;
      assert.equal(service?.deployments[0]?.rolloutState, 'COMPLETED');
      assert.ok(service?.events.some((e) => e.message === `(service ${name}) has reached a steady state.`));
    });
  }
});
