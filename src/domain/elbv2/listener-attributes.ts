import type { ListenerAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AttributeRule, applyAttributes, bool, int, oneOf, text } from './attribute-rules.js';

/**
 * Listener attributes (DescribeListenerAttributes / ModifyListenerAttributes) by protocol, with
 * their defaults: ALB listeners carry header modification (response headers for HTTP and HTTPS,
 * mTLS/TLS request header names for HTTPS only), NLB TCP listeners their TCP idle timeout.
 * Stored values are kept per key; what a listener shows is its protocol's defaults overlaid with
 * them, so a protocol change shows the new protocol's keys.
 */
const headerName: AttributeRule = (v) => (/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/.test(v) ? undefined : 'must be a valid HTTP header name of up to 40 characters');
const emptyOr = (rule: AttributeRule): AttributeRule => (v) => (v === '' ? undefined : rule(v));
const frameOptions: AttributeRule = (v) => (/^(DENY|SAMEORIGIN|ALLOW-FROM \S+)$/.test(v) ? undefined : 'must be one of [DENY, SAMEORIGIN, ALLOW-FROM <uri>]');

const RESPONSE_HEADERS: Record<string, [string, AttributeRule]> = {
  'routing.http.response.server.enabled': ['true', bool],
  'routing.http.response.strict_transport_security.header_value': ['', text],
  'routing.http.response.access_control_allow_origin.header_value': ['', text],
  'routing.http.response.access_control_allow_methods.header_value': ['', text],
  'routing.http.response.access_control_allow_headers.header_value': ['', text],
  'routing.http.response.access_control_allow_credentials.header_value': ['', emptyOr(oneOf('true'))],
  'routing.http.response.access_control_expose_headers.header_value': ['', text],
  'routing.http.response.access_control_max_age.header_value': ['', emptyOr(int(0, 2147483647))],
  'routing.http.response.content_security_policy.header_value': ['', text],
  'routing.http.response.x_content_type_options.header_value': ['', emptyOr(oneOf('nosniff'))],
  'routing.http.response.x_frame_options.header_value': ['', emptyOr(frameOptions)],
};

const REQUEST_HEADER_NAMES: Record<string, [string, AttributeRule]> = {
  'routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name': ['X-Amzn-Mtls-Clientcert-Serial-Number', headerName],
  'routing.http.request.x_amzn_mtls_clientcert_issuer.header_name': ['X-Amzn-Mtls-Clientcert-Issuer', headerName],
  'routing.http.request.x_amzn_mtls_clientcert_subject.header_name': ['X-Amzn-Mtls-Clientcert-Subject', headerName],
  'routing.http.request.x_amzn_mtls_clientcert_validity.header_name': ['X-Amzn-Mtls-Clientcert-Validity', headerName],
  'routing.http.request.x_amzn_mtls_clientcert_leaf.header_name': ['X-Amzn-Mtls-Clientcert-Leaf', headerName],
  'routing.http.request.x_amzn_mtls_clientcert.header_name': ['X-Amzn-Mtls-Clientcert', headerName],
  'routing.http.request.x_amzn_tls_version.header_name': ['X-Amzn-Tls-Version', headerName],
  'routing.http.request.x_amzn_tls_cipher_suite.header_name': ['X-Amzn-Tls-Cipher-Suite', headerName],
};

const TCP: Record<string, [string, AttributeRule]> = {
  'tcp.idle_timeout.seconds': ['350', int(60, 6000)],
};

function rulesFor(protocol: string): Record<string, [string, AttributeRule]> {
  switch (protocol) {
    case 'HTTP': return RESPONSE_HEADERS;
    case 'HTTPS': return { ...REQUEST_HEADER_NAMES, ...RESPONSE_HEADERS };
    case 'TCP': return TCP;
    // TLS listeners keep a fixed 350 s idle timeout; UDP and TCP_UDP ones have no attributes.
    default: return {};
  }
}

/** The attributes a listener of this protocol shows, given what was stored for it. */
export function listenerAttributes(protocol: string, stored: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(rulesFor(protocol)).map(([k, [v]]) => [k, stored?.[k] ?? v]));
}

/** The attributes after a modification; unknown keys and bad values are ValidationError, and nothing changes. */
export function modifyListenerAttributes(protocol: string, stored: Record<string, string> | undefined, changes: readonly ListenerAttribute[]): Record<string, string> {
  const rules = Object.fromEntries(Object.entries(rulesFor(protocol)).map(([k, [, rule]]) => [k, rule]));
  return applyAttributes('Listener', rules, listenerAttributes(protocol, stored), changes);
}
