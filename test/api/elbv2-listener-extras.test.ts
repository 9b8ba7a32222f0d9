import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddListenerCertificatesCommand, CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeListenerAttributesCommand,
  DescribeListenerCertificatesCommand, DescribeListenersCommand, type ElasticLoadBalancingV2Client, ModifyListenerAttributesCommand, ModifyListenerCommand,
  RemoveListenerCertificatesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

const cert = (n: number) => `arn:aws:acm:us-east-1:000000000000:certificate/cert-${n}`;

describe('ELBv2 listener attributes and certificates', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;
  let alb: string;
  let http: string;
  let https: string;
  let tcp: string;
  let group: string;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
    alb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'alb' }))).LoadBalancers![0]!.LoadBalancerArn!;
    const nlb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'nlb', Type: 'network' }))).LoadBalancers![0]!.LoadBalancerArn!;
    group = (await elb.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-berth', TargetType: 'ip' }))).TargetGroups![0]!.TargetGroupArn!;
    const tcpGroup = (await elb.send(new CreateTargetGroupCommand({ Name: 'raw', Protocol: 'TCP', Port: 80, VpcId: 'vpc-berth', TargetType: 'ip' }))).TargetGroups![0]!.TargetGroupArn!;
    const listener = async (LoadBalancerArn: string, Protocol: 'HTTP' | 'HTTPS' | 'TCP', Port: number, TargetGroupArn: string) =>
      (await elb.send(new CreateListenerCommand({
        LoadBalancerArn, Protocol, Port, DefaultActions: [{ Type: 'forward', TargetGroupArn }], ...(Protocol === 'HTTPS' ? { Certificates: [{ CertificateArn: cert(0) }] } : {}),
      }))).Listeners![0]!.ListenerArn!;
    http = await listener(alb, 'HTTP', 80, group);
    https = await listener(alb, 'HTTPS', 443, group);
    tcp = await listener(nlb, 'TCP', 9000, tcpGroup);
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  const attributesOf = async (ListenerArn: string) =>
    Object.fromEntries(((await elb.send(new DescribeListenerAttributesCommand({ ListenerArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
  const certificatesOf = async (ListenerArn: string) =>
    ((await elb.send(new DescribeListenerCertificatesCommand({ ListenerArn }))).Certificates ?? []).map((c) => [c.CertificateArn, c.IsDefault]);

  it('describes the header modification attributes of HTTP and HTTPS listeners with their defaults', async () => {
    const plain = await attributesOf(http);
    assert.equal(Object.keys(plain).length, 11);
    assert.equal(plain['routing.http.response.server.enabled'], 'true');
    assert.equal(plain['routing.http.response.x_frame_options.header_value'], '');
    assert.equal(plain['routing.http.request.x_amzn_tls_version.header_name'], undefined);
    const secure = await attributesOf(https);
    assert.equal(Object.keys(secure).length, 19);
    assert.equal(secure['routing.http.request.x_amzn_tls_version.header_name'], 'X-Amzn-Tls-Version');
    assert.equal(secure['routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name'], 'X-Amzn-Mtls-Clientcert-Serial-Number');
  });

  it('modifies listener attributes, all or nothing, and keeps CreateListener idempotent', async () => {
    const out = await elb.send(new ModifyListenerAttributesCommand({ ListenerArn: http, Attributes: [
      { Key: 'routing.http.response.server.enabled', Value: 'false' }, { Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' },
    ] }));
    assert.equal(out.Attributes?.length, 11);
    assert.equal(out.Attributes?.find((a) => a.Key === 'routing.http.response.x_frame_options.header_value')?.Value, 'DENY');
    await assert.rejects(elb.send(new ModifyListenerAttributesCommand({ ListenerArn: http, Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '400' }] })),
      { name: 'ValidationError', message: "Listener attribute key 'tcp.idle_timeout.seconds' is not recognized" });
    await assert.rejects(elb.send(new ModifyListenerAttributesCommand({ ListenerArn: http, Attributes: [
      { Key: 'routing.http.response.x_frame_options.header_value', Value: 'SAMEORIGIN' }, { Key: 'routing.http.response.server.enabled', Value: 'maybe' },
    ] })), { name: 'ValidationError', message: "'routing.http.response.server.enabled' value 'maybe' must be one of [true, false]" });
    await assert.rejects(elb.send(new ModifyListenerAttributesCommand({ ListenerArn: http, Attributes: [{ Key: 'routing.http.response.x_content_type_options.header_value', Value: 'sniff' }] })),
      { name: 'ValidationError' });
    const now = await attributesOf(http);
    assert.deepEqual([now['routing.http.response.server.enabled'], now['routing.http.response.x_frame_options.header_value']], ['false', 'DENY']);
    const again = await elb.send(new CreateListenerCommand({ LoadBalancerArn: alb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: group }] }));
    assert.equal(again.Listeners![0]!.ListenerArn, http);
    await assert.rejects(elb.send(new DescribeListenerAttributesCommand({ ListenerArn: http.replace(/[0-9a-f]{16}$/, '0000000000000000') })), { name: 'ListenerNotFoundException' });
  });

  it('gives NLB TCP listeners their TCP idle timeout, 60 to 6000 seconds', async () => {
    assert.deepEqual(await attributesOf(tcp), { 'tcp.idle_timeout.seconds': '350' });
    await elb.send(new ModifyListenerAttributesCommand({ ListenerArn: tcp, Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '600' }] }));
    assert.deepEqual(await attributesOf(tcp), { 'tcp.idle_timeout.seconds': '600' });
    await assert.rejects(elb.send(new ModifyListenerAttributesCommand({ ListenerArn: tcp, Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '30' }] })),
      { name: 'ValidationError', message: "'tcp.idle_timeout.seconds' value '30' must be between '60-6000' inclusive" });
  });

  it('keeps a certificate list beside the default certificate', async () => {
    assert.deepEqual(await certificatesOf(https), [[cert(0), true]]);
    const added = await elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(1) }] }));
    assert.deepEqual(added.Certificates?.map((c) => c.CertificateArn), [cert(1)]);
    const twice = await elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(1) }, { CertificateArn: cert(2) }] }));
    assert.deepEqual(twice.Certificates?.map((c) => c.CertificateArn), [cert(1), cert(2)]);
    await elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(0) }] }));
    assert.deepEqual(await certificatesOf(https), [[cert(0), true], [cert(1), false], [cert(2), false], [cert(0), false]]);
    const first = await elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: https, PageSize: 3 }));
    assert.equal(first.Certificates?.length, 3);
    const rest = await elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: https, PageSize: 3, Marker: first.NextMarker }));
    assert.deepEqual([rest.Certificates?.map((c) => c.CertificateArn), rest.NextMarker], [[cert(0)], undefined]);
    // The listener itself still shows only its default certificate.
    assert.deepEqual((await elb.send(new DescribeListenersCommand({ ListenerArns: [https] }))).Listeners![0]!.Certificates, [{ CertificateArn: cert(0) }]);
  });

  it('removes listed certificates but never the default one', async () => {
    await elb.send(new RemoveListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(1) }, { CertificateArn: cert(0) }] }));
    assert.deepEqual(await certificatesOf(https), [[cert(0), true], [cert(2), false]]);
    await assert.rejects(elb.send(new RemoveListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(0) }] })), { name: 'OperationNotPermittedException' });
    await elb.send(new RemoveListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(9) }] }));
    assert.deepEqual(await certificatesOf(https), [[cert(0), true], [cert(2), false]]);
  });

  it('refuses certificates AWS refuses', async () => {
    await assert.rejects(elb.send(new AddListenerCertificatesCommand({ ListenerArn: http, Certificates: [{ CertificateArn: cert(1) }] })), { name: 'InvalidConfigurationRequestException' });
    await assert.rejects(elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: 'my-cert' }] })), { name: 'CertificateNotFoundException' });
    await assert.rejects(elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [] })), { name: 'ValidationError' });
    await assert.rejects(elb.send(new AddListenerCertificatesCommand({ ListenerArn: https.replace(/[0-9a-f]{16}$/, '0000000000000000'), Certificates: [{ CertificateArn: cert(1) }] })),
      { name: 'ListenerNotFoundException' });
    // 25 listed certificates per application load balancer; one is listed already.
    await elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: Array.from({ length: 24 }, (_, i) => ({ CertificateArn: cert(100 + i) })) }));
    await assert.rejects(elb.send(new AddListenerCertificatesCommand({ ListenerArn: https, Certificates: [{ CertificateArn: cert(200) }] })), { name: 'TooManyCertificatesException' });
    assert.deepEqual(await certificatesOf(http), []);
  });

  it('checks the security policy of TLS listeners', async () => {
    assert.equal((await elb.send(new DescribeListenersCommand({ ListenerArns: [https] }))).Listeners![0]!.SslPolicy, 'ELBSecurityPolicy-2016-08');
    await assert.rejects(elb.send(new ModifyListenerCommand({ ListenerArn: https, SslPolicy: 'ELBSecurityPolicy-Nope' })),
      { name: 'SSLPolicyNotFoundException', message: "SSL policy 'ELBSecurityPolicy-Nope' not found" });
    const modified = await elb.send(new ModifyListenerCommand({ ListenerArn: https, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }));
    assert.equal(modified.Listeners![0]!.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: alb, Protocol: 'HTTPS', Port: 8443, Certificates: [{ CertificateArn: 'nope' }], DefaultActions: [{ Type: 'forward', TargetGroupArn: group }] })),
      { name: 'CertificateNotFoundException' });
  });
});
