import type { Server } from 'node:http';
import { join } from 'node:path';
import { handleAgentRequest } from '../api/agent-endpoint.js';
import { AwsDispatcher } from '../api/aws-dispatcher.js';
import { ecrApi } from '../api/ecr/ecr-api.js';
import { elbv2Api } from '../api/elbv2/elbv2-api.js';
import { ecsApi } from '../api/ecs/ecs-api.js';
import { createHttpServer } from '../api/http-server.js';
import { awsJson } from '../api/protocols/aws-json.js';
import { awsQuery } from '../api/protocols/aws-query.js';
import { SigV4Verifier } from '../api/sigv4.js';
import { HOST_IP_ATTRIBUTE } from '../agent/host-capacity.js';
import { ControllerLoop } from '../controllers/controller-loop.js';
import { ServiceController } from '../controllers/service-controller.js';
import { deregisterTargets } from '../controllers/service-targets.js';
import type { Scope } from '../domain/arn.js';
import { type Clock, systemClock } from '../kit/clock.js';
import { listen } from '../kit/listen.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { ServiceError } from '../kit/errors.js';
import { type IdGen, randomIdGen } from '../kit/id-gen.js';
import { AccountSettingService } from '../services/ecs/account-setting-service.js';
import { AssignmentFeed } from '../services/ecs/assignment-feed.js';
import { AttributeService } from '../services/ecs/attribute-service.js';
import { CapacityProviderService } from '../services/ecs/capacity-provider-service.js';
import { ClusterService } from '../services/ecs/cluster-service.js';
import { ContainerInstanceService } from '../services/ecs/container-instance-service.js';
import { ServiceDeploymentService } from '../services/ecs/service-deployment-service.js';
import { ServiceHistory } from '../services/ecs/service-history.js';
import { ServiceService } from '../services/ecs/service-service.js';
import { TagService } from '../services/ecs/tag-service.js';
import { TaskDefinitionService } from '../services/ecs/task-definition-service.js';
import { TaskService } from '../services/ecs/task-service.js';
import { BlobFiles } from '../registry/blob-files.js';
import { createRegistryHandler } from '../registry/registry-handler.js';
import { UploadSessions } from '../registry/upload-sessions.js';
import { RegistryGc } from '../registry/registry-gc.js';
import { EcrTagService } from '../services/ecr/ecr-tags.js';
import { ImagePush } from '../services/ecr/image-push.js';
import { ImageService } from '../services/ecr/image-service.js';
import { LifecyclePreviewService } from '../services/ecr/lifecycle-preview.js';
import { LifecycleService } from '../services/ecr/lifecycle-service.js';
import { RegistryTokens } from '../services/ecr/registry-token.js';
import { RepositoryService } from '../services/ecr/repository-service.js';
import { createElbv2Services } from '../services/elbv2/elbv2-services.js';
import type { LoadBalancingView } from '../services/elbv2/load-balancing-view.js';
import { openSqlite } from '../store/sqlite.js';
import { Stores } from '../store/stores.js';
import type { BerthConfig } from './config.js';
import { type AccessKey, loadOrCreateAccessKey } from './credentials.js';
import { startEmbeddedAgent } from './embedded-agent.js';
import { startLoadBalancing } from './load-balancing.js';

/** How often the service controller looks at every service without being nudged. */
const SERVICE_PASS_INTERVAL_MS = 1_000;
/** How often every repository's lifecycle policy runs (pushes also run it for their repository). */
const LIFECYCLE_INTERVAL_MS = 10 * 60_000;
/** How often the registry drops blobs no manifest needs and abandoned uploads (deletes leave them to it). */
const REGISTRY_GC_INTERVAL_MS = 10 * 60_000;

export interface RunningBerth {
  url: string;
  accessKey: AccessKey;
  /** ELBv2's configuration for the load balancer data plane, and where it reports health. */
  loadBalancing: LoadBalancingView;
  close(): Promise<void>;
}

export interface BerthDeps {
  clock?: Clock;
  idGen?: IdGen;
  /** The container runtime the embedded agent drives: Docker by default, null for none. */
  runtime?: ContainerRuntime | null;
  log?: (line: string) => void;
}

/** The composition root of `berth up`: builds the store, the services and the wire, and listens. */
export async function startBerth(config: BerthConfig, deps: BerthDeps = {}): Promise<RunningBerth> {
  const clock = deps.clock ?? systemClock;
  const idGen = deps.idGen ?? randomIdGen;
  const log = deps.log ?? ((line) => process.stderr.write(`${line}\n`));
  const accessKey: AccessKey = config.accessKeyId && config.secretAccessKey
    ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
    : loadOrCreateAccessKey(config.dataDir);

  const sqlite = await openSqlite(join(config.dataDir, 'berth.db'));
  const stores = new Stores(sqlite.db);
  const accountSettings = new AccountSettingService(stores);
  const clusters = new ClusterService(stores, accountSettings, clock);
  const taskDefinitions = new TaskDefinitionService(stores, clock);
  const tags = new TagService(stores);
  tags.register('cluster', async (scope, resource) => { await clusters.require(scope, resource.slice('cluster/'.length)); });
  tags.register('task-definition', async (scope, resource) => { await taskDefinitions.requireRevision(scope, resource.slice('task-definition/'.length)); });
  const containerInstances = new ContainerInstanceService(stores, clusters, clock, idGen);
  tags.register('container-instance', async (scope, resource) => {
    const [, cluster = '', id = ''] = resource.split('/');
    if (!(await containerInstances.resolve(scope, cluster, id))) throw new ServiceError('ResourceNotFoundException', 'The specified resource wasn\'t found.');
  });
  // ECR and its registry. The registry's host:port is known once the server listens.
  let registryHost = config.registryHost ?? '';
  const keys = new Map([[accessKey.accessKeyId, accessKey.secretAccessKey]]);
  const tokens = new RegistryTokens(accessKey.accessKeyId, (id) => keys.get(id), clock, () => registryHost);
  const elbv2 = createElbv2Services(stores, clock, idGen);
  const tasks = new TaskService(stores, clusters, taskDefinitions, clock, idGen, {
    drainTargets: (record) => deregisterTargets({ region: record.region, accountId: config.accountId }, elbv2.ecsTargets, record.loadBalancerTargets ?? []),
    retentionMs: config.taskRetentionMs,
    random: Math.random,
    registryCredentials: (region, images) => tokens.credentialsFor(region, images),
  });
  tags.register('task', async (scope, resource) => {
    const [, cluster = '', id = ''] = resource.split('/');
    const { tasks: found } = await tasks.describe(scope, { cluster, tasks: [id] });
    if (found?.length !== 1) throw new ServiceError('ResourceNotFoundException', 'The specified resource wasn\'t found.');
  });
  const history = new ServiceHistory(stores);
  const serviceController = new ServiceController({ stores, tasks, history, clock, idGen, accountId: config.accountId, log, targets: elbv2.ecsTargets });
  const serviceLoop = new ControllerLoop<string>((only) => serviceController.reconcileAll(only), SERVICE_PASS_INTERVAL_MS, (error) => log(`service controller: ${String(error)}`));
  const nudge = (key: string) => serviceLoop.nudge(key);
  tasks.onServiceTaskReport(nudge);
  const services = new ServiceService(stores, clusters, taskDefinitions, history, clock, idGen, nudge);
  const serviceDeployments = new ServiceDeploymentService(stores, clusters, history, clock, idGen, nudge);
  tags.register('service', async (scope, resource) => {
    const [, cluster = '', name = ''] = resource.split('/');
    const { services: found } = await services.describe(scope, { cluster, services: [name] });
    if (found?.[0]?.status !== 'ACTIVE') throw new ServiceError('ResourceNotFoundException', 'The specified resource wasn\'t found.');
  });
  const attributes = new AttributeService(stores, clusters, (scope, cluster, ref) => containerInstances.resolve(scope, cluster, ref));

  // ECR and its registry.
  const blobFiles = new BlobFiles(join(config.dataDir, 'registry'));
  await blobFiles.init();
  const uploads = new UploadSessions(stores, blobFiles, clock, idGen);
  const registryGc = new RegistryGc(stores, blobFiles, uploads, clock);
  const repositories = new RepositoryService(stores, clock, () => registryHost, (ids) => uploads.discard(ids));
  const lifecycle = new LifecycleService(stores, repositories, clock);
  const applyLifecycle = (scope: Scope, repository: string) => {
    lifecycle.apply(scope, repository).catch((error: unknown) => log(`lifecycle policy of ${repository}: ${String(error)}`));
  };
  const ecr = {
    repositories,
    lifecycle,
    lifecyclePreview: new LifecyclePreviewService(stores, repositories, clock),
    images: new ImageService(stores, repositories, clock),
    push: new ImagePush(stores, repositories, clock, applyLifecycle),
    tags: new EcrTagService(stores),
    tokens,
  };
  const registry = createRegistryHandler({ ...ecr, accountId: config.accountId, stores, files: blobFiles, uploads, clock, registryHost: () => registryHost });

  const verifier = new SigV4Verifier(keys, clock);
  const aws = new AwsDispatcher({
    services: [
      ecsApi({ clusters, taskDefinitions, tags, accountSettings, attributes, capacityProviders: new CapacityProviderService(), containerInstances, tasks, services, serviceDeployments }),
      ecrApi(ecr),
      elbv2Api(elbv2),
    ],
    protocols: [awsJson, awsQuery],
    verifier,
    accountId: config.accountId,
    idGen,
    onServerError: (error, requestId) => log(`request ${requestId} failed: ${error instanceof Error ? error.stack : String(error)}`),
  });
  const agent = deps.runtime === null ? undefined : await startEmbeddedAgent({
    runtime: deps.runtime ?? new DockerRuntime(),
    tasks,
    containerInstances,
    hostIp: config.hostIp,
    warmSandboxes: config.warmSandboxes,
    identity: config.dataDir,
    log,
  });
  serviceLoop.start();
  const loadBalancing = startLoadBalancing({
    view: elbv2.view,
    host: config.host,
    instanceAddress: async (ec2InstanceId) => {
      const instance = await stores.containerInstances.findLiveByEc2InstanceIdAnywhere(ec2InstanceId);
      const hostIp = instance?.body.attributes.find((a) => a.name === HOST_IP_ATTRIBUTE)?.value;
      // Published on every address: loopback reaches it (from this host).
      return instance && (!hostIp || hostIp === '0.0.0.0' ? '127.0.0.1' : hostIp);
    },
    log,
  });
  const purge = setInterval(() => { tasks.purgeExpired().catch((error: unknown) => log(`task purge failed: ${String(error)}`)); }, 60_000);
  purge.unref();
  // Age-based lifecycle rules need a clock tick as well as pushes.
  const lifecycleTimer = setInterval(() => { lifecycle.applyAll(config.accountId).catch((error: unknown) => log(`lifecycle policies: ${String(error)}`)); }, LIFECYCLE_INTERVAL_MS);
  lifecycleTimer.unref();
  const gcTimer = setInterval(() => { registryGc.collect().catch((error: unknown) => log(`registry gc: ${String(error)}`)); }, REGISTRY_GC_INTERVAL_MS);
  gcTimer.unref();

  const feed = new AssignmentFeed(tasks);
  const agentDeps = { verifier, accountId: config.accountId, feed, tasks, containerInstances };
  const server: Server = createHttpServer({ aws, registry, agent: (op, req, signal) => handleAgentRequest(agentDeps, op, req, signal), onError: (error) => log(`http error: ${String(error)}`) });
  const address = await listen(server, config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // A wildcard listen address is no place to push to: name the loopback, which docker trusts over http.
  registryHost ||= `${['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : host}:${address.port}`;

  return {
    url: `http://${host}:${address.port}`,
    accessKey,
    loadBalancing: elbv2.view,
    async close() {
      clearInterval(purge);
      clearInterval(lifecycleTimer);
      clearInterval(gcTimer);
      await registryGc.idle();
      await serviceLoop.close();
      await loadBalancing.close();
      feed.close();
      await agent?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await sqlite.close();
    },
  };
}
