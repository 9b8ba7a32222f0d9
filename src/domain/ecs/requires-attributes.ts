import type { Attribute, ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

/**
 * The container-instance attributes a task definition needs (`requiresAttributes`), derived from the
 * features it uses, as ECS derives them. The feature → attribute pairs are those seen in real
 * DescribeTaskDefinition output; placement matches them against the attributes agents register.
 */

const ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

export const isEcrImage = (image: string | undefined): boolean => image !== undefined && ECR_IMAGE.test(image);

const API = (version: string) => `com.amazonaws.ecs.capability.docker-remote-api.${version}`;

export function requiresAttributes(input: RegisterTaskDefinitionRequest, containers: readonly ContainerDefinition[]): Attribute[] {
  const names = new Set<string>();
  const add = (...n: string[]) => n.forEach((x) => names.add(x));
  const executionRole = input.executionRoleArn !== undefined && input.executionRoleArn !== '';

  for (const c of containers) {
    if (isEcrImage(c.image)) {
      add('com.amazonaws.ecs.capability.ecr-auth');
      if (executionRole) add('ecs.capability.execution-role-ecr-pull');
    }
    const driver = c.logConfiguration?.logDriver;
    if (driver !== undefined) add(`com.amazonaws.ecs.capability.logging-driver.${driver}`);
    if (driver === 'awslogs') {
      add(API('1.19'));
      if (executionRole) add('ecs.capability.execution-role-awslogs');
    }
    if (c.memoryReservation !== undefined) add(API('1.21'));
    if (c.healthCheck !== undefined) add('ecs.capability.container-health-check');
    if ((c.dependsOn?.length ?? 0) > 0 || c.startTimeout !== undefined || c.stopTimeout !== undefined) {
      add('ecs.capability.container-ordering');
    }
    for (const s of c.secrets ?? []) {
      add(s.valueFrom?.includes(':secretsmanager:')
        ? 'ecs.capability.secrets.asm.environment-variables'
        : 'ecs.capability.secrets.ssm.environment-variables');
    }
  }
  if (input.taskRoleArn !== undefined && input.taskRoleArn !== '') add('com.amazonaws.ecs.capability.task-iam-role');
  for (const v of input.volumes ?? []) {
    if (v.efsVolumeConfiguration === undefined) continue;
    add('ecs.capability.efs');
    if (v.efsVolumeConfiguration.authorizationConfig?.iam === 'ENABLED') add('ecs.capability.efsAuth');
  }
  if (input.pidMode !== undefined || input.ipcMode !== undefined) add('ecs.capability.pid-ipc-namespace-sharing');
  if (input.proxyConfiguration !== undefined) add('ecs.capability.aws-appmesh');
  if (input.networkMode === 'awsvpc') add(API('1.18'), 'ecs.capability.task-eni');
  return [...names].map((name) => ({ name }));
}
