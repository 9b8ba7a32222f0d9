import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

const run = promisify(execFile);

/** ELBv2 from the AWS CLI (v1 on PATH, Debian's v2 2.9.19): its awsQuery serializer and XML parser. */
describe('ELBv2 from the AWS CLI', () => {
  let berth: BerthProcess;
  const env = () => ({
    ...process.env, AWS_ACCESS_KEY_ID: berth.accessKeyId, AWS_SECRET_ACCESS_KEY: berth.secretAccessKey,
    AWS_DEFAULT_REGION: 'eu-central-1', AWS_REGION: 'eu-central-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
  });

  before(async () => { berth = await startBerthProcess({ args: ['--no-agent'] }); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  for (const aws of ['aws', '/usr/bin/aws']) {
    it(`${aws} creates a target group and a load balancer, describes them, and prints ELBv2 errors`, { skip: aws.startsWith('/') && !existsSync(aws) && `${aws} is not installed` }, async () => {
      const cli = async (...args: string[]) => JSON.parse((await run(aws, ['--endpoint-url', berth.url, '--output', 'json', 'elbv2', ...args], { env: env() })).stdout) as Record<string, unknown>;
      const suffix = aws.length;
      const tg = await cli('create-target-group', '--name', `cli-tg-${suffix}`, '--protocol', 'HTTP', '--port', '80', '--vpc-id', 'vpc-berth', '--target-type', 'ip',
        '--health-check-path', '/health', '--tags', 'Key=team,Value=a');
      const group = (tg.TargetGroups as { TargetGroupArn: string; HealthCheckPath: string; HealthCheckEnabled: boolean; Port: number }[])[0]!;
      assert.match(group.TargetGroupArn, new RegExp(`^arn:aws:elasticloadbalancing:eu-central-1:000000000000:targetgroup/cli-tg-${suffix}/[0-9a-f]{16}$`));
      assert.equal(group.HealthCheckPath, '/health');
      assert.equal(group.HealthCheckEnabled, true);
      assert.equal(group.Port, 80);
      await cli('create-load-balancer', '--name', `cli-lb-${suffix}`, '--subnets', 'subnet-a', 'subnet-b');
      const described = await cli('describe-load-balancers', '--names', `cli-lb-${suffix}`);
      const [lb] = described.LoadBalancers as { LoadBalancerName: string; State: { Code: string }; CreatedTime: string; AvailabilityZones: unknown[] }[];
      assert.equal(lb?.LoadBalancerName, `cli-lb-${suffix}`);
      assert.equal(lb?.State.Code, 'active');
      assert.equal(lb?.AvailabilityZones.length, 2);
      assert.match(lb?.CreatedTime ?? '', /^\d{4}-\d\d-\d\dT/);
      await assert.rejects(run(aws, ['--endpoint-url', berth.url, 'elbv2', 'describe-load-balancers', '--names', 'never'], { env: env() }),
        (e: { stderr: string }) => /LoadBalancerNotFound.*One or more load balancers not found/s.test(e.stderr));
    });
  }
});
