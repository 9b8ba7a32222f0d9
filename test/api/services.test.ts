import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteClusterCommand, DeleteServiceCommand, DescribeServicesCommand,
  DescribeServiceRevisionsCommand, ListServiceDeploymentsCommand, ListServicesCommand, ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand, StopServiceDeploymentCommand, TagResourceCommand, UpdateServiceCommand, paginateListServices,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';

const ACCOUNT = '000000000000';
const serviceArn = (cluster: string, name: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${name}`;

/** The service APIs' shapes and errors, through the SDK; EC2 services with no instances place nothing. */
describe('ECS services through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  let definition: string;
  const ecs = () => berth.ecs();
  const rejects = (promise: Promise<unknown>, name: string, message?: string | RegExp) =>
    assert.rejects(promise, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === 'string') assert.equal(e.message, message);
      else if (message) assert.match(e.message, message);
      return true;
    });

  before(async () => {
    berth = await startBerthProcess({ env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    await ecs().send(new CreateClusterCommand({ clusterName: 'apps' }));
    const out = await ecs().send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] }));
    definition = out.taskDefinition!.taskDefinitionArn!;
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('creates a service with ECS defaults and an IN_PROGRESS deployment', async () => {
    const { service } = await ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'web', taskDefinition: 'web', desiredCount: 2, tags: [{ key: 'team', value: 'core' }] }));
    assert.equal(service?.serviceArn, serviceArn('apps', 'web'));
    assert.equal(service?.clusterArn, `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/apps`);
    assert.equal(service?.status, 'ACTIVE');
    assert.equal(service?.launchType, 'EC2');
    assert.equal(service?.schedulingStrategy, 'REPLICA');
    assert.deepEqual(service?.deploymentController, { type: 'ECS' });
    assert.deepEqual(service?.deploymentConfiguration, { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 });
    assert.deepEqual([service?.propagateTags, service?.enableECSManagedTags, service?.enableExecuteCommand, service?.healthCheckGracePeriodSeconds], ['NONE', false, false, 0]);
    assert.equal(service?.roleArn, `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`);
    assert.equal(service?.createdBy, `arn:aws:iam::${ACCOUNT}:root`);
    const [deployment] = service!.deployments!;
    assert.match(deployment!.id!, /^ecs-svc\/\d{19}$/);
    assert.deepEqual([deployment!.status, deployment!.taskDefinition, deployment!.rolloutState, deployment!.rolloutStateReason],
      ['PRIMARY', definition, 'IN_PROGRESS', `ECS deployment ${deployment!.id} in progress.`]);
    const tags = await ecs().send(new ListTagsForResourceCommand({ resourceArn: serviceArn('apps', 'web') }));
    assert.deepEqual(tags.tags, [{ key: 'team', value: 'core' }]);
  });

  it('says it cannot place a task when the cluster has no instances', async () => {
    await eventually(async () => {
      const { services } = await ecs().send(new DescribeServicesCommand({ cluster: 'apps', services: ['web'] }));
      assert.equal(services?.[0]?.events?.[0]?.message, '(service web) was unable to place a task because no container instance met all of its requirements.');
    });
  });

  it('refuses what ECS refuses, with its errors', async () => {
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 })), 'InvalidParameterException', 'Creation of service was not idempotent.');
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'nope', serviceName: 'x', taskDefinition: 'web' })), 'ClusterNotFoundException');
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'x', taskDefinition: 'missing' })), 'ClientException', 'TaskDefinition not found.');
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'bad name!', taskDefinition: 'web' })), 'InvalidParameterException');
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'd', taskDefinition: 'web', schedulingStrategy: 'DAEMON', desiredCount: 1 })),
      'InvalidParameterException', 'The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again');
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'm', taskDefinition: 'web', deploymentConfiguration: { minimumHealthyPercent: 150 } })), 'InvalidParameterException');
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'vpc', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'busybox' }] }));
    await rejects(ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'v', taskDefinition: 'vpc', launchType: 'FARGATE' })),
      'InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    await rejects(ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: 'nope', desiredCount: 1 })), 'ServiceNotFoundException', 'Service not found.');
    await rejects(ecs().send(new DeleteServiceCommand({ cluster: 'apps', service: 'web' })), 'InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
    await rejects(ecs().send(new DeleteClusterCommand({ cluster: 'apps' })), 'ClusterContainsServicesException');
  });

  it('describes by name or ARN, reports unknown ones as MISSING, and includes tags when asked', async () => {
    const out = await ecs().send(new DescribeServicesCommand({ cluster: 'apps', services: ['web', serviceArn('apps', 'web'), 'ghost'], include: ['TAGS'] }));
    assert.deepEqual(out.services?.map((s) => s.serviceName), ['web', 'web']);
    assert.deepEqual(out.services?.[0]?.tags, [{ key: 'team', value: 'core' }]);
    assert.deepEqual(out.failures, [{ arn: serviceArn('apps', 'ghost'), reason: 'MISSING' }]);
  });

  it('lists with filters and pages', async () => {
    for (const name of ['a1', 'a2', 'a3']) await ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: name, taskDefinition: 'web', desiredCount: 0 }));
    const pages = [];
    for await (const page of paginateListServices({ client: ecs(), pageSize: 2 }, { cluster: 'apps' })) pages.push(page.serviceArns);
    assert.deepEqual(pages, [[serviceArn('apps', 'a1'), serviceArn('apps', 'a2')], [serviceArn('apps', 'a3'), serviceArn('apps', 'web')]]);
    assert.deepEqual((await ecs().send(new ListServicesCommand({ cluster: 'apps', launchType: 'FARGATE' }))).serviceArns, []);
    assert.equal((await ecs().send(new ListServicesCommand({ cluster: 'apps', schedulingStrategy: 'REPLICA' }))).serviceArns?.length, 4);
  });

  it('UpdateService with a new revision starts a deployment; a desired count alone does not', async () => {
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128 }] }));
    const scaled = await ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: 'a1', desiredCount: 3 }));
    assert.deepEqual([scaled.service?.desiredCount, scaled.service?.deployments?.length], [3, 1]);
    const updated = await ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: 'a1', taskDefinition: 'web:2', deploymentConfiguration: { maximumPercent: 150 } }));
    assert.deepEqual(updated.service?.deployments?.map((d) => [d.status, d.taskDefinition?.split('/').pop()]), [['PRIMARY', 'web:2'], ['ACTIVE', 'web:1']]);
    assert.equal(updated.service?.deploymentConfiguration?.maximumPercent, 150);
    assert.equal(updated.service?.deploymentConfiguration?.minimumHealthyPercent, 100);
    const forced = await ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: 'a1', forceNewDeployment: true }));
    const [primary, previous] = forced.service!.deployments!;
    assert.notEqual(primary?.id, updated.service?.deployments?.[0]?.id);
    assert.deepEqual([primary?.status, primary?.taskDefinition?.split('/').pop()], ['PRIMARY', 'web:2']);
    // Replaced deployments leave the list once none of their tasks are left (a1 never placed any).
    assert.ok(previous === undefined || previous.status === 'ACTIVE');
  });

  it('keeps the deployment history: ListServiceDeployments, DescribeServiceRevisions, StopServiceDeployment', async () => {
    const { serviceDeployments = [] } = await ecs().send(new ListServiceDeploymentsCommand({ cluster: 'apps', service: 'a1' }));
    // a1 started at 0 tasks, so its first deployment completed at once; the next two never could (no capacity).
    assert.deepEqual(serviceDeployments.map((d) => d.status), ['IN_PROGRESS', 'STOPPED', 'SUCCESSFUL']);
    assert.match(serviceDeployments[0]!.serviceDeploymentArn!, /^arn:aws:ecs:us-east-1:000000000000:service-deployment\/apps\/a1\/[A-Za-z0-9_-]{22}$/);
    const revisionArn = serviceDeployments[0]!.targetServiceRevisionArn!;
    assert.match(revisionArn, /^arn:aws:ecs:us-east-1:000000000000:service-revision\/apps\/a1\/\d{19}$/);
    const revisions = await ecs().send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn, `${revisionArn}0`] }));
    assert.equal(revisions.serviceRevisions?.[0]?.taskDefinition, `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:2`);
    assert.deepEqual(revisions.failures, [{ arn: `${revisionArn}0`, reason: 'MISSING' }]);
    await rejects(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: serviceDeployments[1]!.serviceDeploymentArn!, stopType: 'ROLLBACK' })), 'ConflictException');
    const stopped = await ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: serviceDeployments[0]!.serviceDeploymentArn!, stopType: 'ROLLBACK' }));
    assert.equal(stopped.serviceDeploymentArn, serviceDeployments[0]!.serviceDeploymentArn);
    const { services } = await ecs().send(new DescribeServicesCommand({ cluster: 'apps', services: ['a1'] }));
    assert.equal(services?.[0]?.taskDefinition, definition, 'back to the revision that completed');
    const after = await ecs().send(new ListServiceDeploymentsCommand({ cluster: 'apps', service: 'a1' }));
    assert.equal(after.serviceDeployments?.[0]?.status, 'ROLLBACK_IN_PROGRESS');
    // A service none of whose deployments ever completed has nothing to roll back to.
    await ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'never', taskDefinition: 'web', desiredCount: 1 }));
    const [only] = (await ecs().send(new ListServiceDeploymentsCommand({ cluster: 'apps', service: 'never' }))).serviceDeployments!;
    await rejects(ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: only!.serviceDeploymentArn!, stopType: 'ROLLBACK' })), 'InvalidParameterException');
  });

  it('DeleteService scaled to 0 drains; then it is not ACTIVE any more', async () => {
    const { service } = await ecs().send(new DeleteServiceCommand({ cluster: 'apps', service: 'a2' }));
    assert.equal(service?.status, 'DRAINING');
    await rejects(ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: 'a2', desiredCount: 1 })), 'ServiceNotActiveException', 'Service was not ACTIVE.');
    await eventually(async () => {
      const { services } = await ecs().send(new DescribeServicesCommand({ cluster: 'apps', services: ['a2'] }));
      assert.equal(services?.[0]?.status, 'INACTIVE');
    });
    await rejects(ecs().send(new TagResourceCommand({ resourceArn: serviceArn('apps', 'a2'), tags: [{ key: 'k', value: 'v' }] })), 'ResourceNotFoundException');
    const again = await ecs().send(new CreateServiceCommand({ cluster: 'apps', serviceName: 'a2', taskDefinition: 'web', desiredCount: 0 }));
    assert.equal(again.service?.status, 'ACTIVE');
  });
});
