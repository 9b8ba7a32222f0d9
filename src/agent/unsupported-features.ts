/**
 * Task-definition fields Berth cannot serve yet. A task that uses one fails to start with a reason
 * naming the field, instead of running without it (a container missing its secrets or its EFS
 * volume is worse than one that never ran). Pure.
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';

/** ECS's stoppedReason family for what has to be set up before a container can start. */
const PREFIX = 'ResourceInitializationError';

const refuse = (field: string, where: string) => `${PREFIX}: Berth does not support ${field} yet (${where})`;

/** An S3 object ARN, as ECS environmentFiles name them; a plain path is a local file Berth reads. */
export const isS3Arn = (value: string): boolean => value.startsWith('arn:');

function containerProblem(c: ContainerDefinition): string | undefined {
  const where = `container ${c.name}`;
  const checks: [boolean, string][] = [
    [(c.secrets?.length ?? 0) > 0, 'secrets'],
    [c.repositoryCredentials !== undefined, 'repositoryCredentials'],
    [(c.environmentFiles ?? []).some((f) => f.value === undefined || isS3Arn(f.value)), 'environmentFiles from S3'],
    [c.firelensConfiguration !== undefined, 'firelensConfiguration'],
    [(c.links?.length ?? 0) > 0, 'links'],
    [(c.volumesFrom?.length ?? 0) > 0, 'volumesFrom'],
    [(c.linuxParameters?.devices?.length ?? 0) > 0, 'linuxParameters.devices'],
    [(c.dockerSecurityOptions?.length ?? 0) > 0, 'dockerSecurityOptions'],
    [(c.credentialSpecs?.length ?? 0) > 0, 'credentialSpecs'],
    [(c.resourceRequirements?.length ?? 0) > 0, 'resourceRequirements'],
    [c.restartPolicy?.enabled === true, 'restartPolicy'],
    [(c.portMappings ?? []).some((p) => p.containerPortRange !== undefined), 'portMappings.containerPortRange'],
  ];
  const hit = checks.find(([used]) => used);
  return hit ? refuse(hit[1], where) : undefined;
}

/** The stoppedReason for the first field the task uses that Berth cannot serve, or undefined. */
export function findUnsupportedFeature(definition: TaskDefinition, containers: readonly ContainerDefinition[]): string | undefined {
  for (const v of definition.volumes ?? []) {
    const where = `volume ${v.name}`;
    if (v.efsVolumeConfiguration) return refuse('efsVolumeConfiguration', where);
    if (v.fsxWindowsFileServerVolumeConfiguration) return refuse('fsxWindowsFileServerVolumeConfiguration', where);
    if (v.configuredAtLaunch) return refuse('configuredAtLaunch volumes', where);
  }
  for (const c of containers) {
    const problem = containerProblem(c);
    if (problem) return problem;
  }
  return undefined;
}
