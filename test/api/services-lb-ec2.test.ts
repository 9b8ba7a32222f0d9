import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, type ECSClient,
  ListTasksCommand, RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeTargetHealthCommand, type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AgentProcess, startAgentProcess } from '../support/agent-process.js';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { containersOfTask, dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { elbv2Client } from '../support/elbv2-client.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

const skip = await dockerSkipReason();
const CLUSTER = 'lb-ec2';

/** Bridge-mode EC2 tasks behind an ALB: `instance` targets (instance id, dynamic host port) reached where the agent publishes ports. */
describe('an EC2 service in bridge mode behind an application load balancer, on Docker', { skip, timeout: 240_000 }, () => {
  let berth: BerthProcess;
  let agent: AgentProcess;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    elb = elbv2Client(berth);
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    agent = await startAgentProcess(berth, CLUSTER);
  });
  after(async () => {
    // Listed before the delete: its tasks then drain with desiredStatus STOPPED, which ListTasks leaves out.
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'web', force: true })).catch(() => undefined);
    for (const taskArn of taskArns) await eventually(() => assert.deepEqual(containersOfTask({ taskArn }), [], `containers of ${taskArn} still there`), { timeoutMs: 60_000, intervalMs: 500 });
    await agent.stop();
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('registers each task by instance id and host port, checks it healthy and forwards to it', async () => {
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-berth'] }));
    const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({
      Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-berth', TargetType: 'instance',
      HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2,
    }));
    const targetGroupArn = TargetGroups![0]!.TargetGroupArn!;
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '2' }] }));
    const listenerPort = await freePort();
    await elb.send(new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!, Protocol: 'HTTP', Port: listenerPort, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }));
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'web', containerDefinitions: [{
        name: 'web', image: TEST_IMAGE, memory: 64, command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], stopTimeout: 2,
        portMappings: [{ containerPort: 8080, hostPort: 0 }],
      }],
    }));
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: 'web', taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 2, launchType: 'EC2',
      loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
    }));
    await eventually(async () => {
      const [service] = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services!;
      assert.equal(service?.deployments?.[0]?.rolloutState, 'COMPLETED', 'rollout completed once the targets are healthy');
    }, { timeoutMs: 120_000, intervalMs: 500 });

    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }));
    const hostPorts = tasks.map((t) => t.containers?.[0]?.networkBindings?.[0]?.hostPort).sort();
    assert.deepEqual(TargetHealthDescriptions.map((d) => d.Target?.Port).sort(), hostPorts);
    assert.ok(TargetHealthDescriptions.every((d) => /^i-[0-9a-f]+$/.test(d.Target?.Id ?? '') && d.TargetHealth?.State === 'healthy'), JSON.stringify(TargetHealthDescriptions));
    assert.equal((await fetch(`http://127.0.0.1:${listenerPort}/`)).status, 200);
  });
});
