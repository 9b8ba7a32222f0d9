import type { Attribute } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';

/** Custom attributes: ≤10 per call and per resource; names and values as the ECS model describes them. */
export const MAX_ATTRIBUTES = 10;
const NAME = /^[a-zA-Z0-9_\-/\\.]{1,128}$/;
const VALUE = /^[a-zA-Z0-9_\-.@/\\: ]{1,128}$/;

export function validateAttribute(attribute: Attribute): void {
  if (!NAME.test(attribute.name ?? '')) {
    throw new ServiceError('InvalidParameterException', `Invalid attribute name ${attribute.name}: 1-128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.`);
  }
  const value = attribute.value;
  if (value !== undefined && (!VALUE.test(value) || value.trim() !== value)) {
    throw new ServiceError('InvalidParameterException', `Invalid attribute value ${value}: 1-128 letters, numbers, spaces and -_.@/\\:, not starting or ending with a space.`);
  }
  if (attribute.targetType !== undefined && attribute.targetType !== 'container-instance') {
    throw new ServiceError('InvalidParameterException', 'targetType must be container-instance');
  }
}

export function validateAttributeBatch(attributes: readonly Attribute[] | undefined): Attribute[] {
  if (!attributes || attributes.length === 0) throw new ServiceError('InvalidParameterException', 'attributes can not be empty');
  if (attributes.length > MAX_ATTRIBUTES) throw new ServiceError('InvalidParameterException', `attributes can have at most ${MAX_ATTRIBUTES} items.`);
  attributes.forEach(validateAttribute);
  return [...attributes];
}
