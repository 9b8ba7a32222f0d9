import type { Certificate } from '@aws-sdk/client-elastic-load-balancing-v2';
import { certificateNotFound, validation } from './errors.js';

/** ACM or IAM server certificate ARNs; Berth serves no TLS, so a well-formed ARN is all it checks. */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:(acm:[^:]+:\d{12}:certificate\/.+|iam::\d{12}:server-certificate\/.+)$/;

/** The ARNs of certificates given as input (IsDefault is ignored, as AWS says not to set it). */
export function certificateArns(certificates: readonly Certificate[] | undefined): string[] {
  if (!certificates?.length) throw validation('A certificate must be specified');
  return certificates.map((c) => {
    if (!c.CertificateArn) throw validation('A certificate ARN must be specified');
    if (!CERTIFICATE_ARN.test(c.CertificateArn)) throw certificateNotFound(c.CertificateArn);
    return c.CertificateArn;
  });
}

export const supportsCertificates = (protocol: string) => protocol === 'HTTPS' || protocol === 'TLS';
