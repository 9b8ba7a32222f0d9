import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand, CreateLoadBalancerCommand, DeleteLoadBalancerCommand, DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand,
  DescribeTagsCommand, type ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand, paginateDescribeLoadBalancers, RemoveTagsCommand,
  waitUntilLoadBalancerAvailable, waitUntilLoadBalancersDeleted,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

describe('ELBv2 load balancers over awsQuery', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  /** A form POST signed as `elasticloadbalancing`, to see the XML itself. */
  async function rawQuery(body: string): Promise<{ status: number; text: string; type: string | null }> {
    const { hostname, port } = new URL(berth.url);
    const request = new HttpRequest({
      method: 'POST', protocol: 'http:', hostname, port: Number(port), path: '/',
      headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body,
    });
    const signer = new SignatureV4({ credentials: { accessKeyId: berth.accessKeyId, secretAccessKey: berth.secretAccessKey }, region: 'us-east-1', service: 'elasticloadbalancing', sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign(request);
    const res = await fetch(berth.url, { method: 'POST', headers: signed.headers, body });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  }

  it('creates an application load balancer as AWS shapes it', async () => {
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({
      Name: 'web', Subnets: ['subnet-a', 'subnet-b'], SecurityGroups: ['sg-1'], Tags: [{ Key: 'team', Value: 'a' }],
    }));
    const lb = LoadBalancers![0]!;
    assert.match(lb.LoadBalancerArn!, /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    const id = lb.LoadBalancerArn!.split('/').at(-1);
    assert.equal(lb.DNSName, `web-${id}.elb.localhost`);
    assert.equal(lb.Type, 'application');
    assert.equal(lb.Scheme, 'internet-facing');
    assert.equal(lb.IpAddressType, 'ipv4');
    assert.equal(lb.State?.Code, 'provisioning');
    assert.equal(lb.VpcId, 'vpc-berth');
    assert.ok(lb.CanonicalHostedZoneId);
    assert.ok(lb.CreatedTime instanceof Date);
    assert.deepEqual(lb.SecurityGroups, ['sg-1']);
    assert.deepEqual(lb.AvailabilityZones?.map((z) => [z.ZoneName, z.SubnetId]), [['us-east-1a', 'subnet-a'], ['us-east-1b', 'subnet-b']]);
    await waitUntilLoadBalancerAvailable({ client: elb, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { LoadBalancerArns: [lb.LoadBalancerArn!] });
    const { TagDescriptions } = await elb.send(new DescribeTagsCommand({ ResourceArns: [lb.LoadBalancerArn!] }));
    assert.deepEqual(TagDescriptions, [{ ResourceArn: lb.LoadBalancerArn, Tags: [{ Key: 'team', Value: 'a' }] }]);
  });

  it('creates a network load balancer, internal, with net/ ARNs and an internal- DNS name', async () => {
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'tcp-lb', Type: 'network', Scheme: 'internal', SubnetMappings: [{ SubnetId: 'subnet-x' }] }));
    const lb = LoadBalancers![0]!;
    assert.match(lb.LoadBalancerArn!, /:loadbalancer\/net\/tcp-lb\/[0-9a-f]{16}$/);
    assert.match(lb.DNSName!, /^internal-tcp-lb-[0-9a-f]{16}\.elb\.localhost$/);
    const { Attributes } = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    assert.equal(Attributes?.find((a) => a.Key === 'load_balancing.cross_zone.enabled')?.Value, 'false');
  });

  it('is idempotent for the same settings and refuses the same name with others', async () => {
    const first = await elb.send(new CreateLoadBalancerCommand({ Name: 'again' }));
    const second = await elb.send(new CreateLoadBalancerCommand({ Name: 'again' }));
    assert.equal(second.LoadBalancers![0]!.LoadBalancerArn, first.LoadBalancers![0]!.LoadBalancerArn);
    await assert.rejects(elb.send(new CreateLoadBalancerCommand({ Name: 'again', Scheme: 'internal' })),
      { name: 'DuplicateLoadBalancerNameException', message: "A load balancer with the same name 'again' exists, but with different settings" });
  });

  it('refuses bad names with AWS texts', async () => {
    const cases: [string, string][] = [
      ['a'.repeat(33), `Load balancer name '${'a'.repeat(33)}' cannot be longer than '32' characters`],
      ['bad_name', "Load balancer name 'bad_name' can only contain characters that are alphanumeric characters or hyphens(-)"],
      ['-lead', "Load balancer name '-lead' cannot begin or end with '-'"],
      ['internal-x', "Load balancer name 'internal-x' cannot begin with 'internal-'"],
    ];
    for (const [name, message] of cases) {
      await assert.rejects(elb.send(new CreateLoadBalancerCommand({ Name: name })), { name: 'ValidationError', message }, name);
    }
  });

  it('describes by names and ARNs; unknown ones are LoadBalancerNotFound', async () => {
    const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({ Names: ['web', 'tcp-lb'] }));
    assert.deepEqual(LoadBalancers?.map((l) => l.LoadBalancerName), ['tcp-lb', 'web']);
    assert.ok(LoadBalancers?.every((l) => l.State?.Code === 'active'));
    const byArn = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [LoadBalancers![1]!.LoadBalancerArn!] }));
    assert.equal(byArn.LoadBalancers?.[0]?.LoadBalancerName, 'web');
    await assert.rejects(elb.send(new DescribeLoadBalancersCommand({ Names: ['web', 'missing'] })),
      { name: 'LoadBalancerNotFoundException', message: 'One or more load balancers not found' });
    await assert.rejects(elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/0123456789abcdef'] })),
      { name: 'LoadBalancerNotFoundException' });
    const west = await elbv2Client(berth, 'eu-west-1').send(new DescribeLoadBalancersCommand({}));
    assert.deepEqual(west.LoadBalancers, []);
  });

  it('pages with Marker and PageSize', async () => {
    for (const n of ['page-1', 'page-2', 'page-3']) await elb.send(new CreateLoadBalancerCommand({ Name: n }));
    const first = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 2 }));
    assert.equal(first.LoadBalancers?.length, 2);
    assert.ok(first.NextMarker);
    const names: string[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: elb, pageSize: 2 }, {})) names.push(...page.LoadBalancers!.map((l) => l.LoadBalancerName!));
    assert.deepEqual(names, ['again', 'page-1', 'page-2', 'page-3', 'tcp-lb', 'web']);
    await assert.rejects(elb.send(new DescribeLoadBalancersCommand({ PageSize: 401 })), { name: 'ValidationError' });
  });

  it('shows and changes attributes with AWS defaults; deletion protection blocks deletion', async () => {
    const arn = (await elb.send(new DescribeLoadBalancersCommand({ Names: ['page-1'] }))).LoadBalancers![0]!.LoadBalancerArn!;
    const { Attributes } = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
    const attrs = Object.fromEntries(Attributes!.map((a) => [a.Key, a.Value]));
    assert.equal(attrs['idle_timeout.timeout_seconds'], '60');
    assert.equal(attrs['deletion_protection.enabled'], 'false');
    assert.equal(attrs['routing.http2.enabled'], 'true');
    const modified = await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }, { Key: 'idle_timeout.timeout_seconds', Value: '120' }] }));
    assert.equal(modified.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value, '120');
    await assert.rejects(elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })),
      { name: 'OperationNotPermittedException', message: `Load balancer '${arn}' cannot be deleted because deletion protection is enabled` });
    await assert.rejects(elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'nope', Value: '1' }] })), { name: 'ValidationError' });
    await assert.rejects(elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '0' }] })), { name: 'ValidationError' });
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await waitUntilLoadBalancersDeleted({ client: elb, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { LoadBalancerArns: [arn] });
    // Deleting again succeeds, as on AWS.
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
  });

  it('adds, removes and describes tags', async () => {
    const arn = (await elb.send(new DescribeLoadBalancersCommand({ Names: ['page-2'] }))).LoadBalancers![0]!.LoadBalancerArn!;
    await elb.send(new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await elb.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: ['a'] }));
    const { TagDescriptions } = await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
    assert.deepEqual(TagDescriptions?.[0]?.Tags, [{ Key: 'b', Value: '2' }]);
    await assert.rejects(elb.send(new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] })), { name: 'DuplicateTagKeysException' });
    await assert.rejects(elb.send(new DescribeTagsCommand({ ResourceArns: [arn.replace(/[0-9a-f]{16}$/, '0000000000000000')] })), { name: 'LoadBalancerNotFoundException' });
  });

  it('answers in awsQuery XML: <Op>Result, <member> lists, ISO timestamps, RequestId', async () => {
    const res = await rawQuery('Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web');
    assert.equal(res.status, 200);
    assert.equal(res.type, 'text/xml');
    assert.match(res.text, /^<DescribeLoadBalancersResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerArn>arn:/);
    assert.match(res.text, /<CreatedTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/CreatedTime>/);
    assert.match(res.text, /<SecurityGroups><member>sg-1<\/member><\/SecurityGroups>/);
    assert.match(res.text, /<\/DescribeLoadBalancersResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeLoadBalancersResponse>$/);
  });

  it('answers errors as <ErrorResponse> with the query code, and unknown actions as InvalidAction', async () => {
    const res = await rawQuery('Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=nope');
    assert.equal(res.status, 400);
    assert.match(res.text, /^<ErrorResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><Error><Type>Sender<\/Type><Code>LoadBalancerNotFound<\/Code><Message>One or more load balancers not found<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    const unknown = await rawQuery('Action=Frobnicate&Version=2015-12-01');
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /<Code>InvalidAction<\/Code>/);
    const badNumber = await rawQuery('Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=lots');
    assert.match(badNumber.text, /<Code>ValidationError<\/Code>/);
  });
});
