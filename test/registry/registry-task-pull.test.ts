import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateClusterCommand, DescribeTasksCommand, type ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { eventually } from '../support/eventually.js';
import { createRepository, ecrClient } from './registry-support.js';

const skip = await dockerSkipReason();

/** Issue 5: a task definition naming an image pushed to Berth's registry runs; the agent pulls it with a Berth token. */
describe('tasks run images pushed to the registry', { skip, timeout: 240_000 }, () => {
  let berth: BerthProcess;
  let ecs: ECSClient;
  let registry: string;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  const made: string[] = [];
  const docker = (args: string[], input?: string) => {
    const out = spawnSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, input, encoding: 'utf8', timeout: 120_000 });
    assert.equal(out.status, 0, `docker ${args.join(' ')}:\n${out.stdout}${out.stderr}`);
    return out.stdout.trim();
  };
  const hasLocalImage = (image: string) => spawnSync('docker', ['image', 'inspect', image]).status === 0;
  const runToStop = async (family: string, image: string, command: string[]) => {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image, command, stopTimeout: 2 }],
    }));
    const out = await ecs.send(new RunTaskCommand({
      cluster: 'pull', taskDefinition: family, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth'] } },
    }));
    assert.deepEqual(out.failures, []);
    return eventually(async () => {
      const [task] = (await ecs.send(new DescribeTasksCommand({ cluster: 'pull', tasks: [out.tasks![0]!.taskArn!] }))).tasks!;
      assert.equal(task?.lastStatus, 'STOPPED', `task ${family} is still ${task?.lastStatus}`);
      return task!;
    }, { timeoutMs: 90_000, intervalMs: 250 });
  };

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'pull' }));
    registry = new URL(berth.url).host;
    await createRepository(berth, 'apps/hello');
    const token = await ecrClient(berth).send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(token.authorizationData![0]!.authorizationToken!, 'base64').toString().slice('AWS:'.length);
    docker(['login', '--username', 'AWS', '--password-stdin', registry], password);
  });
  after(async () => {
    for (const image of made) spawnSync('docker', ['rmi', '-f', image]);
    await berth.stop();
    removeDataDir(berth.dataDir);
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('pulls a pushed image the engine does not have and runs it', async () => {
    const image = `${registry}/apps/hello:v1`;
    made.push(image);
    docker(['tag', TEST_IMAGE, image]);
    docker(['push', image]);
    docker(['rmi', image]);
    assert.equal(hasLocalImage(image), false);

    const task = await runToStop('hello', image, ['echo', 'hello from the registry']);
    assert.equal(task.containers?.[0]?.exitCode, 0, `stoppedReason: ${task.stoppedReason}`);
    assert.equal(task.stopCode, 'EssentialContainerExited');
    assert.ok(task.pullStartedAt && task.pullStoppedAt, 'the pull is timed');
    assert.equal(hasLocalImage(image), true, 'the agent pulled the image');
  });

  it('runs what the tag names now, not a stale local copy (the agent pulls again)', async () => {
    const image = `${registry}/apps/hello:v1`;
    // A second image content, `/version` = v2, pushed over the same tag ...
    const builder = docker(['create', TEST_IMAGE, 'sh', '-c', 'echo v2 > /version']);
    docker(['start', '-a', builder]);
    docker(['commit', builder, image]);
    docker(['rm', builder]);
    docker(['push', image]);
    // ... while the engine's local tag goes back to the old content.
    docker(['tag', TEST_IMAGE, image]);

    const task = await runToStop('version', image, ['sh', '-c', 'test "$(cat /version)" = v2']);
    assert.equal(task.containers?.[0]?.exitCode, 0, 'the container saw v2: the tag was pulled again');
  });

  it('stops a task whose image the registry does not have with CannotPullContainerError', async () => {
    const task = await runToStop('missing', `${registry}/apps/hello:nope`, ['true']);
    assert.equal(task.stopCode, 'TaskFailedToStart');
    assert.match(task.stoppedReason ?? '', /^CannotPullContainerError: /);
  });
});
