import { ServiceError } from '../../kit/errors.js';

/**
 * ELBv2's errors, thrown by shape name (the wire turns them into awsQuery codes: LoadBalancerNotFound).
 * Texts are AWS's where known; the ones marked "guess" could not be confirmed.
 */
export const validation = (message: string) => new ServiceError('ValidationError', message);

export const loadBalancersNotFound = () => new ServiceError('LoadBalancerNotFoundException', 'One or more load balancers not found');
export const loadBalancerNotFound = (arn: string) => new ServiceError('LoadBalancerNotFoundException', `Load balancer '${arn}' not found`);
export const targetGroupsNotFound = () => new ServiceError('TargetGroupNotFoundException', 'One or more target groups not found');
export const targetGroupNotFound = (arn: string) => new ServiceError('TargetGroupNotFoundException', `Target groups '${arn}' not found`);
export const listenersNotFound = () => new ServiceError('ListenerNotFoundException', 'One or more listeners not found');
export const listenerNotFound = (arn: string) => new ServiceError('ListenerNotFoundException', `Listener '${arn}' not found`);
export const rulesNotFound = () => new ServiceError('RuleNotFoundException', 'One or more rules not found');

export const duplicateLoadBalancerName = (name: string) =>
  new ServiceError('DuplicateLoadBalancerNameException', `A load balancer with the same name '${name}' exists, but with different settings`);
export const duplicateTargetGroupName = (name: string) =>
  new ServiceError('DuplicateTargetGroupNameException', `A target group with the same name '${name}' exists, but with different settings`);
export const duplicateListener = (loadBalancerArn: string) =>
  new ServiceError('DuplicateListenerException', `A listener already exists on this port for this load balancer '${loadBalancerArn}'`);
export const priorityInUse = (priority: number) => new ServiceError('PriorityInUseException', `Priority '${priority}' is currently in use`);

export const targetGroupInUse = (arn: string) =>
  new ServiceError('ResourceInUseException', `Target group '${arn}' is currently in use by a listener or a rule`);
export const deletionProtected = (arn: string) =>
  new ServiceError('OperationNotPermittedException', `Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);

export const invalidTarget = (message = 'The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.') =>
  new ServiceError('InvalidTargetException', message);

export const invalidConfiguration = (message: string) => new ServiceError('InvalidConfigurationRequestException', message);
export const incompatibleProtocols = (message: string) => new ServiceError('IncompatibleProtocolsException', message);
export const invalidAction = (message: string) => new ServiceError('InvalidLoadBalancerActionException', message);
export const tooManyTags = () => new ServiceError('TooManyTagsException', 'The quota for the number of tags that can be assigned to a load balancer has been reached');
export const duplicateTagKeys = (key: string) => new ServiceError('DuplicateTagKeysException', `Tag key was specified more than once: ${key}`);

/** AWS's text for a member outside its enum, as its request validation words it. */
export const notInEnum = (value: unknown, member: string, allowed: readonly string[]) =>
  validation(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);

export const outOfRange = (value: number, member: string, min: number, max: number) =>
  validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);

// Texts below could not be confirmed against AWS (guess), except where noted.
export const sslPolicyNotFound = (name?: string) =>
  new ServiceError('SSLPolicyNotFoundException', name === undefined ? 'One or more SSL policies not found' : `SSL policy '${name}' not found`);
export const certificateNotFound = (arn: string) => new ServiceError('CertificateNotFoundException', `Certificate '${arn}' not found`);
export const tooManyCertificates = (max: number) =>
  new ServiceError('TooManyCertificatesException', `You've reached the limit on the number of certificates per load balancer (${max})`);
export const invalidSecurityGroup = (id: string) => new ServiceError('InvalidSecurityGroupException', `Security group '${id}' does not exist`);
export const subnetNotFound = (id: string) => new ServiceError('SubnetNotFoundException', `The subnet ID '${id}' is not valid`);
export const operationNotPermitted = (message: string) => new ServiceError('OperationNotPermittedException', message);
