import type {
  DeleteAccountSettingRequest, DeleteAccountSettingResponse, ListAccountSettingsRequest, ListAccountSettingsResponse,
  PutAccountSettingDefaultRequest, PutAccountSettingDefaultResponse, PutAccountSettingRequest, PutAccountSettingResponse, Setting,
} from '@aws-sdk/client-ecs';
import { rootPrincipalArn, type Scope } from '../../domain/arn.js';
import { ACCOUNT_SETTINGS, validateAccountSetting } from '../../domain/ecs/account-settings.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Stores } from '../../store/stores.js';

/**
 * Account settings. A principal's own setting wins over the account default (the root principal's),
 * which wins over ECS's built-in default.
 */
export class AccountSettingService {
  constructor(private readonly stores: Stores) {}

  async put(scope: Scope, principal: string, input: PutAccountSettingRequest): Promise<PutAccountSettingResponse> {
    return { setting: await this.#put(scope, input.principalArn ?? principal, input.name!, input.value!) };
  }

  async putDefault(scope: Scope, input: PutAccountSettingDefaultRequest): Promise<PutAccountSettingDefaultResponse> {
    return { setting: await this.#put(scope, rootPrincipalArn(scope), input.name!, input.value!) };
  }

  async delete(scope: Scope, principal: string, input: DeleteAccountSettingRequest): Promise<DeleteAccountSettingResponse> {
    const principalArn = input.principalArn ?? principal;
    const name = input.name!;
    validateAccountSetting(name, ACCOUNT_SETTINGS[name]?.default ?? '');
    const [existing] = (await this.stores.accountSettings.list(scope.region, [principalArn])).filter((s) => s.name === name);
    await this.stores.accountSettings.remove(scope.region, principalArn, name);
    return { setting: toSetting(name, existing?.value ?? ACCOUNT_SETTINGS[name]!.default, principalArn) };
  }

  async list(scope: Scope, principal: string, input: ListAccountSettingsRequest): Promise<ListAccountSettingsResponse> {
    const size = pageSize(input.maxResults, 10);
    const principalArn = input.principalArn ?? principal;
    const root = rootPrincipalArn(scope);
    const rows = await this.stores.accountSettings.list(scope.region, [...new Set([principalArn, root])]);
    let settings: Setting[];
    if (input.effectiveSettings) {
      // One effective setting per name: the principal's own, else the account default, else ECS's.
      settings = Object.entries(ACCOUNT_SETTINGS).map(([name, spec]) => {
        const own = rows.find((r) => r.name === name && r.principalArn === principalArn)
          ?? rows.find((r) => r.name === name && r.principalArn === root);
        return toSetting(name, own?.value ?? spec.default, own?.principalArn ?? root);
      });
    } else {
      settings = rows.filter((r) => r.principalArn === principalArn).map((r) => toSetting(r.name, r.value, r.principalArn));
    }
    settings.sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
    settings = settings.filter((s) => (input.name === undefined || s.name === input.name) && (input.value === undefined || s.value === input.value));
    const after = decodeToken(input.nextToken)?.[0];
    const rest = after === undefined ? settings : settings.filter((s) => s.name! > String(after));
    const page = toPage(rest.slice(0, size + 1), size, (s) => [s.name!], (s) => s);
    return { settings: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /** The value in force for `name` for the account default (what new clusters inherit, for example). */
  async effectiveDefault(scope: Scope, name: string): Promise<string> {
    const rows = await this.stores.accountSettings.list(scope.region, [rootPrincipalArn(scope)]);
    return rows.find((r) => r.name === name)?.value ?? ACCOUNT_SETTINGS[name]!.default;
  }

  async #put(scope: Scope, principalArn: string, name: string, value: string): Promise<Setting> {
    validateAccountSetting(name, value);
    await this.stores.accountSettings.put(scope.region, { principalArn, name, value });
    return toSetting(name, value, principalArn);
  }
}

function toSetting(name: string, value: string, principalArn: string): Setting {
  return { name: name as Setting['name'], value, principalArn, type: ACCOUNT_SETTINGS[name]?.type ?? 'user' };
}
