import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DeleteAccountSettingCommand, ListAccountSettingsCommand, type ListAccountSettingsRequest,
  paginateListAccountSettings, PutAccountSettingCommand, PutAccountSettingDefaultCommand, type Setting, type SettingName,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS account settings through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const root = 'arn:aws:iam::000000000000:root';
  const alice = 'arn:aws:iam::000000000000:user/alice';
  const list = async (input: ListAccountSettingsRequest, region?: string) => (await berth.ecs(region).send(new ListAccountSettingsCommand(input))).settings;
  const effective = async (region: string, input: ListAccountSettingsRequest = {}) => {
    const all: Setting[] = [];
    for await (const page of paginateListAccountSettings({ client: berth.ecs(region) }, { ...input, effectiveSettings: true })) all.push(...(page.settings ?? []));
    return all;
  };
  const valueOf = (settings: Setting[] | undefined, name: string) => settings?.find((s) => s.name === name);
  const invalidValue = { name: 'InvalidParameterException', message: "Invalid setting 'value'" };

  before(async () => { berth = await startBerthProcess(); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('returns no settings until one is set, and ECS\'s defaults as effective settings', async () => {
    assert.deepEqual(await list({}, 'sa-east-1'), []);
    const settings = await effective('sa-east-1');
    assert.deepEqual(Object.fromEntries(settings.map((s) => [s.name, s.value])), {
      awsvpcTrunking: 'disabled',
      containerInsights: 'disabled',
      containerInstanceLongArnFormat: 'enabled',
      defaultLogDriverMode: 'non-blocking',
      fargateEventWindows: 'disabled',
      fargateFIPSMode: 'disabled',
      fargateTaskRetirementWaitPeriod: '7',
      guardDutyActivate: 'off',
      serviceLongArnFormat: 'enabled',
      tagResourceAuthorization: 'on',
      taskLongArnFormat: 'enabled',
    });
    assert.deepEqual(settings.map((s) => s.name), [...settings.map((s) => s.name!)].sort(), 'sorted by name');
    assert.ok(settings.every((s) => s.principalArn === root));
    assert.deepEqual(settings.filter((s) => s.type !== 'user').map((s) => [s.name, s.type]), [['guardDutyActivate', 'aws_managed']]);
    const first = await berth.ecs('sa-east-1').send(new ListAccountSettingsCommand({ effectiveSettings: true }));
    assert.equal(first.settings?.length, 10, 'ten per page by default');
    assert.ok(first.nextToken);
  });

  it('puts a setting for the caller and lists it', async () => {
    const { setting } = await berth.ecs().send(new PutAccountSettingCommand({ name: 'containerInsights', value: 'enhanced' }));
    assert.deepEqual(setting, { name: 'containerInsights', value: 'enhanced', principalArn: root, type: 'user' });
    assert.deepEqual(await list({}), [setting]);
    assert.deepEqual(valueOf(await effective('us-east-1'), 'containerInsights'), setting);
    const replaced = await berth.ecs().send(new PutAccountSettingCommand({ name: 'containerInsights', value: 'enabled' }));
    assert.equal(replaced.setting?.value, 'enabled');
    assert.deepEqual((await list({}))?.map((s) => s.value), ['enabled']);
  });

  it('puts the account default, which new clusters inherit', async () => {
    const { setting } = await berth.ecs('us-west-2').send(new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enabled' }));
    assert.deepEqual(setting, { name: 'containerInsights', value: 'enabled', principalArn: root, type: 'user' });
    const { cluster } = await berth.ecs('us-west-2').send(new CreateClusterCommand({ clusterName: 'inherits' }));
    assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    const { setting: period } = await berth.ecs('us-west-2').send(new PutAccountSettingDefaultCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '14' }));
    assert.equal(period?.value, '14');
  });

  it('keeps a principal\'s own settings apart from the account default', async () => {
    const region = 'ca-central-1';
    await berth.ecs(region).send(new PutAccountSettingDefaultCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    await berth.ecs(region).send(new PutAccountSettingDefaultCommand({ name: 'fargateFIPSMode', value: 'enabled' }));
    const { setting } = await berth.ecs(region).send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'disabled', principalArn: alice }));
    assert.deepEqual(setting, { name: 'awsvpcTrunking', value: 'disabled', principalArn: alice, type: 'user' });
    assert.deepEqual(await list({ principalArn: alice }, region), [setting]);
    assert.deepEqual((await list({}, region))?.map((s) => [s.name, s.value]), [['awsvpcTrunking', 'enabled'], ['fargateFIPSMode', 'enabled']]);
    const hers = await effective(region, { principalArn: alice });
    assert.deepEqual(valueOf(hers, 'awsvpcTrunking'), setting, 'her own wins');
    assert.deepEqual(valueOf(hers, 'fargateFIPSMode'), { name: 'fargateFIPSMode', value: 'enabled', principalArn: root, type: 'user' }, 'then the default');
    assert.equal(valueOf(hers, 'taskLongArnFormat')?.value, 'enabled', 'then ECS\'s');
  });

  it('filters by name and value', async () => {
    const region = 'ca-central-1';
    assert.deepEqual(await list({ name: 'fargateFIPSMode' }, region), [{ name: 'fargateFIPSMode', value: 'enabled', principalArn: root, type: 'user' }]);
    assert.deepEqual((await list({ name: 'guardDutyActivate', effectiveSettings: true }, region))?.map((s) => s.value), ['off']);
    assert.deepEqual((await list({ value: 'enabled' }, region))?.map((s) => s.name), ['awsvpcTrunking', 'fargateFIPSMode']);
    assert.deepEqual((await effective(region, { value: 'on' })).map((s) => s.name), ['tagResourceAuthorization']);
  });

  it('deletes a setting, after which the default is in force again', async () => {
    const region = 'ca-central-1';
    const { setting } = await berth.ecs(region).send(new DeleteAccountSettingCommand({ name: 'awsvpcTrunking', principalArn: alice }));
    assert.deepEqual(setting, { name: 'awsvpcTrunking', value: 'disabled', principalArn: alice, type: 'user' });
    assert.deepEqual(await list({ principalArn: alice }, region), []);
    assert.equal(valueOf(await effective(region, { principalArn: alice }), 'awsvpcTrunking')?.value, 'enabled');
    await berth.ecs(region).send(new DeleteAccountSettingCommand({ name: 'awsvpcTrunking' }));
    assert.equal(valueOf(await effective(region, { principalArn: alice }), 'awsvpcTrunking')?.value, 'disabled');
    assert.deepEqual((await list({}, region))?.map((s) => s.name), ['fargateFIPSMode']);
  });

  it('rejects values a setting does not take, case-sensitively', async () => {
    const bad: [string, string][] = [['containerInsights', 'ENABLED'], ['containerInsights', 'enhaced'], ['taskLongArnFormat', 'on'],
      ['tagResourceAuthorization', 'enabled'], ['fargateTaskRetirementWaitPeriod', '3'], ['defaultLogDriverMode', '']];
    for (const [name, value] of bad) {
      await assert.rejects(berth.ecs().send(new PutAccountSettingCommand({ name: name as SettingName, value })), invalidValue, `${name}=${value}`);
      await assert.rejects(berth.ecs().send(new PutAccountSettingDefaultCommand({ name: name as SettingName, value })), invalidValue, `${name}=${value}`);
    }
    await assert.rejects(berth.ecs().send(new PutAccountSettingCommand({ name: 'bogusSetting' as SettingName, value: 'enabled' })), { name: 'InvalidParameterException' });
    await assert.rejects(berth.ecs().send(new DeleteAccountSettingCommand({ name: 'bogusSetting' as SettingName })), { name: 'InvalidParameterException' });
    await assert.rejects(berth.ecs().send(new ListAccountSettingsCommand({ maxResults: 11 })), { name: 'InvalidParameterException' });
    await assert.rejects(berth.ecs().send(new ListAccountSettingsCommand({ maxResults: 0 })), { name: 'InvalidParameterException' });
    assert.deepEqual((await list({}))?.map((s) => [s.name, s.value]), [['containerInsights', 'enabled']], 'nothing was stored');
  });

  it('keeps settings regional', async () => {
    await berth.ecs('eu-central-1').send(new PutAccountSettingCommand({ name: 'fargateEventWindows', value: 'enabled' }));
    assert.deepEqual((await list({}, 'eu-central-1'))?.map((s) => [s.name, s.value]), [['fargateEventWindows', 'enabled']]);
    assert.equal(valueOf(await effective('eu-north-1'), 'fargateEventWindows')?.value, 'disabled');
    assert.equal(valueOf(await effective('eu-central-1'), 'containerInsights')?.value, 'disabled', 'us-east-1\'s setting does not apply here');
  });
});
