import type { Command } from 'commander';
import { RemoteAgent } from '../agent/remote-agent.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';

interface AgentFlags {
  server: string;
  cluster: string;
  region?: string;
  hostIp: string;
  availabilityZone?: string;
  fargate?: boolean;
}

/**
 * `berth agent`: runs this host's Docker engine as a container instance of a cluster, in the
 * foreground until SIGINT/SIGTERM. Credentials come from the usual AWS variables.
 */
export function addAgentCommand(program: Command): void {
  program.command('agent')
    .description('run this host as a container instance of a cluster (EC2 launch type)')
    .requiredOption('--server <url>', 'the Berth endpoint, e.g. http://127.0.0.1:4566; env BERTH_SERVER', process.env.BERTH_SERVER)
    .option('--cluster <name>', 'cluster to join; env BERTH_CLUSTER', process.env.BERTH_CLUSTER ?? 'default')
    .option('--region <region>', 'region of the cluster; env AWS_REGION')
    .option('--host-ip <ip>', 'address task host ports are published on; env BERTH_HOST_IP', process.env.BERTH_HOST_IP ?? '127.0.0.1')
    .option('--fargate', 'serve FARGATE tasks as Berth-managed capacity instead of joining a cluster')
    .option('--availability-zone <zone>', 'the ecs.availability-zone attribute (default <region>a); env BERTH_AVAILABILITY_ZONE')
    .action(async (flags: AgentFlags) => {
      const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
      if (!accessKeyId || !secretAccessKey) throw new Error('set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the key pair `berth up` printed');
      const log = (line: string) => process.stderr.write(`berth agent: ${line}\n`);
      const agent = new RemoteAgent({
        server: flags.server,
        cluster: flags.cluster,
        region,
        credentials: { accessKeyId, secretAccessKey },
        runtime: new DockerRuntime(),
        hostIp: flags.hostIp,
        availabilityZone: flags.availabilityZone ?? process.env.BERTH_AVAILABILITY_ZONE ?? `${region}a`,
        fargate: flags.fargate ?? false,
        logger: { info: () => undefined, warn: log, error: log },
      });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log(`${signal}, stopping (tasks keep running; a restarted agent adopts them)`);
        agent.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      await agent.start();
      process.stdout.write(`berth agent ready: ${agent.containerInstanceArn}\n`);
    });
}
