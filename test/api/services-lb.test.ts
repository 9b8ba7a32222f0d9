import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, type ECSClient,
  ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeTargetHealthCommand, type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { containersOfTask, dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { elbv2Client } from '../support/elbv2-client.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

const skip = await dockerSkipReason();
const CLUSTER = 'lb';

/** Issue 6: an ECS service behind an ALB on real containers; a rolling deployment under load drops nothing. */
describe('a FARGATE service behind an application load balancer, on Docker', { skip, timeout: 300_000 }, () => {
  let berth: BerthProcess;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  let targetGroupArn: string;
  let listenerPort: number;
  const network = { awsvpcConfiguration: { subnets: ['subnet-berth'] } };
  const register = async (version: string) => (await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
    containerDefinitions: [{
      name: 'web', image: TEST_IMAGE, command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], stopTimeout: 2,
      portMappings: [{ containerPort: 8080 }], environment: [{ name: 'VERSION', value: version }],
    }],
  }))).taskDefinition!.taskDefinitionArn!;
  const service = async () => (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services![0]!;

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    elb = elbv2Client(berth);
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-berth'] }));
    const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({
      Name: 'web', Protocol: 'HTTP', Port: 8080, VpcId: 'vpc-berth', TargetType: 'ip',
      HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2,
    }));
    targetGroupArn = TargetGroups![0]!.TargetGroupArn!;
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }] }));
    listenerPort = await freePort();
    await elb.send(new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!, Protocol: 'HTTP', Port: listenerPort, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }));
  });
  after(async () => {
    // Listed before the delete: its tasks then drain with desiredStatus STOPPED, which ListTasks leaves out.
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'web', force: true })).catch(() => undefined);
    for (const taskArn of taskArns) await eventually(() => assert.deepEqual(containersOfTask({ taskArn }), [], `containers of ${taskArn} still there`), { timeoutMs: 60_000, intervalMs: 500 });
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('registers the tasks by IP and becomes stable once their targets are healthy', async () => {
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: 'web', taskDefinition: await register('1'), desiredCount: 3, launchType: 'FARGATE', networkConfiguration: network,
      loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    }));
    // The waiter wants one deployment and 3 running (as on ECS); the rollout completes only once targets are healthy.
    await waitUntilServicesStable({ client: ecs, maxWaitTime: 120, minDelay: 1 }, { cluster: CLUSTER, services: ['web'] });
    await eventually(async () => assert.equal((await service()).deployments?.[0]?.rolloutState, 'COMPLETED', 'rollout completed'), { timeoutMs: 60_000, intervalMs: 500 });
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    assert.deepEqual(TargetHealthDescriptions.map((d) => d.TargetHealth?.State), ['healthy', 'healthy', 'healthy']);
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }));
    const ips = tasks.map((t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value).sort();
    assert.deepEqual(TargetHealthDescriptions.map((d) => d.Target?.Id).sort(), ips);
    assert.ok(TargetHealthDescriptions.every((d) => d.Target?.Port === 8080));
    assert.equal((await fetch(`http://127.0.0.1:${listenerPort}/`)).status, 200);
  });

  it('rolls to a new revision under constant load without a failed request', async () => {
    let stop = false;
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`http://127.0.0.1:${listenerPort}/`);
          await res.arrayBuffer();
          count(String(res.status));
        } catch (error) {
          count(`error ${(error as Error).cause ?? (error as Error).message}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    try {
      await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: await register('2') }));
      await eventually(async () => {
        const now = await service();
        assert.equal(now.deployments?.length, 1, 'the old deployment is gone');
        assert.equal(now.deployments?.[0]?.rolloutState, 'COMPLETED');
        assert.equal(now.runningCount, 3);
      }, { timeoutMs: 150_000, intervalMs: 500 });
    } finally {
      stop = true;
      await load;
    }
    const ok = outcomes.get('200') ?? 0;
    assert.ok(ok > 100, `only ${ok} requests went through`);
    assert.deepEqual([...outcomes.keys()], ['200'], `outcomes: ${JSON.stringify([...outcomes])}`);
  });
});
