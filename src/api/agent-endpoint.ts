import { parseArn } from '../domain/arn.js';
import type { TaskReport } from '../domain/ecs/task-contract.js';
import { isServiceError, ServiceError } from '../kit/errors.js';
import type { AssignmentFeed } from '../services/ecs/assignment-feed.js';
import type { ContainerInstanceService } from '../services/ecs/container-instance-service.js';
import type { TaskService } from '../services/ecs/task-service.js';
import type { WireResponse } from './protocols/wire-protocol.js';
import type { IncomingSignedRequest, SigV4Verifier } from './sigv4.js';

/** Where agents talk to the control plane (Berth's own, as ECS's agent has its own channel). */
export const AGENT_PATH_PREFIX = '/_berth/agent/v1/';
/** How long a poll waits for a change before answering with the same assignments. */
const POLL_WAIT_MS = 20_000;

export interface AgentEndpointDeps {
  verifier: SigV4Verifier;
  accountId: string;
  feed: AssignmentFeed;
  tasks: TaskService;
  containerInstances: ContainerInstanceService;
}

interface PollInput {
  containerInstanceArn?: unknown;
  /** Managed (Fargate) capacity has no ARN users see; it polls by the id `register-managed` gave. */
  managedInstanceId?: unknown;
  knownVersion?: unknown;
}

/**
 * The agent channel: `poll` (long-poll for the instance's assignments; also its heartbeat) and
 * `reports` (task state changes). SigV4-signed with the same keys as every AWS API.
 */
export async function handleAgentRequest(deps: AgentEndpointDeps, operation: string, req: IncomingSignedRequest, signal: AbortSignal): Promise<WireResponse> {
  try {
    const identity = await deps.verifier.verify(req);
    const scope = { region: identity.region, accountId: deps.accountId };
    const input = parseBody(req.body);
    if (operation === 'register-managed') {
      const { ec2InstanceId, registeredResources, versionInfo, attributes } = input as Record<string, unknown>;
      if (typeof ec2InstanceId !== 'string' || !Array.isArray(registeredResources)) {
        throw new ServiceError('InvalidParameterException', 'ec2InstanceId and registeredResources are required.');
      }
      const managedInstanceId = await deps.containerInstances.registerManaged({
        ec2InstanceId, registeredResources, versionInfo: (versionInfo ?? {}) as object, attributes: Array.isArray(attributes) ? attributes : [],
      });
      return json(200, { managedInstanceId });
    }
    if (operation === 'poll') {
      const { containerInstanceArn, managedInstanceId, knownVersion } = input as PollInput;
      let instanceId: string;
      if (typeof managedInstanceId === 'string') {
        instanceId = await deps.containerInstances.managedCheckIn(managedInstanceId);
      } else if (typeof containerInstanceArn === 'string' && parseArn(containerInstanceArn)?.region === scope.region) {
        instanceId = await deps.containerInstances.agentCheckIn(scope, containerInstanceArn);
      } else {
        throw new ServiceError('InvalidParameterException', 'containerInstanceArn must name a container instance in the signed region.');
      }
      const known = typeof knownVersion === 'number' ? knownVersion : undefined;
      return json(200, await deps.feed.poll(instanceId, known, POLL_WAIT_MS, signal));
    }
    if (operation === 'reports') {
      const reports = (input as { reports?: unknown }).reports;
      if (!Array.isArray(reports)) throw new ServiceError('InvalidParameterException', 'reports must be a list.');
      for (const report of reports as TaskReport[]) {
        if (typeof report?.taskArn !== 'string' || parseArn(report.taskArn)?.region !== scope.region) continue;
        await deps.tasks.applyReport(report);
      }
      return json(200, {});
    }
    throw new ServiceError('UnknownOperationException', `Unknown agent operation ${operation}`);
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return json(error.httpStatus, { __type: error.code, message: error.message });
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ServiceError('SerializationException', 'The request body is not a JSON object.');
}

const json = (status: number, body: unknown): WireResponse => ({
  status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
