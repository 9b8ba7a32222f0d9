import type { SslPolicy } from '@aws-sdk/client-elastic-load-balancing-v2';

/**
 * The predefined security policies DescribeSSLPolicies lists, as AWS documents them: protocols
 * oldest first, ciphers in server preference order (Priority 1 first). Berth serves no TLS, so
 * these are named and echoed, never negotiated.
 */
const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const ECDHE_GCM = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'];
const ECDHE_128_SHA256 = ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256'];
const ECDHE_256_GCM = ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'];
const ECDHE_256_SHA384 = ['ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384'];

const POLICIES: readonly { name: string; protocols: string[]; ciphers: string[] }[] = [
  {
    name: 'ELBSecurityPolicy-2016-08',
    protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
    ciphers: [
      ...ECDHE_GCM, ...ECDHE_128_SHA256, 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', ...ECDHE_256_GCM, ...ECDHE_256_SHA384,
      'ECDHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES128-SHA256', 'AES128-SHA', 'AES256-GCM-SHA384', 'AES256-SHA256', 'AES256-SHA',
    ],
  },
  {
    name: 'ELBSecurityPolicy-TLS-1-2-2017-01',
    protocols: ['TLSv1.2'],
    ciphers: [...ECDHE_GCM, ...ECDHE_128_SHA256, ...ECDHE_256_GCM, ...ECDHE_256_SHA384, 'AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256'],
  },
  {
    name: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    protocols: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [...TLS13, ...ECDHE_GCM, ...ECDHE_128_SHA256, ...ECDHE_256_GCM, ...ECDHE_256_SHA384],
  },
  {
    name: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
    protocols: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [...TLS13, ...ECDHE_GCM, ...ECDHE_256_GCM],
  },
  {
    name: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    protocols: ['TLSv1.3'],
    ciphers: [...TLS13],
  },
];

/** The default policy of an HTTPS or TLS listener created through the API. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

export const isKnownSslPolicy = (name: string) => POLICIES.some((p) => p.name === name);

/** Every policy in the API's shape; all of them serve application and network load balancers. */
export function sslPolicies(): SslPolicy[] {
  return POLICIES.map((p) => ({
    SslProtocols: [...p.protocols],
    Ciphers: p.ciphers.map((Name, i) => ({ Name, Priority: i + 1 })),
    Name: p.name,
    SupportedLoadBalancerTypes: ['application', 'network'],
  }));
}
