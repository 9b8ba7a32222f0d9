import type {
  DescribeListenerAttributesInput, DescribeListenerAttributesOutput, ModifyListenerAttributesInput, ModifyListenerAttributesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { listenerAttributes, modifyListenerAttributes } from '../../domain/elbv2/listener-attributes.js';
import { type Elbv2Deps, requireListener } from './elbv2-context.js';

const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));

/** Listener attributes: header modification on ALB listeners, the TCP idle timeout on NLB TCP listeners. */
export class ListenerAttributeService {
  constructor(private readonly deps: Elbv2Deps) {}

  async describe(scope: Scope, input: DescribeListenerAttributesInput): Promise<DescribeListenerAttributesOutput> {
    const listener = await requireListener(this.deps.stores, scope, input.ListenerArn ?? '');
    return { Attributes: attributeList(listenerAttributes(listener.body.Protocol, listener.body.attributes)) };
  }

  /** Changes the given keys (all or none) and answers with every attribute of the listener. */
  async modify(scope: Scope, input: ModifyListenerAttributesInput): Promise<ModifyListenerAttributesOutput> {
    const attributes = await this.deps.stores.transaction(async (tx) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      listener.body.attributes = modifyListenerAttributes(listener.body.Protocol, listener.body.attributes, input.Attributes ?? []);
      await tx.elbListeners.update(listener);
      return listener.body.attributes;
    });
    this.deps.changes.emit();
    return { Attributes: attributeList(attributes) };
  }
}
