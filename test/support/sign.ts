import { SignatureV4 } from '@smithy/signature-v4';
import { type LocalCredentials, NodeSha256 } from 'local-data-api/sigv4';

/**
 * Signs an HTTP request to the local gateway with SigV4 for execute-api, as an AWS SDK or
 * `curl --aws-sigv4` caller does: the one signing helper of the tests and the benchmark.
 */
export function gatewaySigner(credentials: LocalCredentials, region = 'us-east-1') {
  const signer = new SignatureV4({ credentials, region, service: 'execute-api', sha256: NodeSha256 });
  return async (url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Record<string, string>> => {
    const target = new URL(url);
    const signed = await signer.sign({
      method: init.method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port) || undefined,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { ...init.headers, host: target.host },
      body: init.body,
    });
    return signed.headers as Record<string, string>;
  };
}
