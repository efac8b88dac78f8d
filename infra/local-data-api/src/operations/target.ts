import { dataApiError } from '../errors.js';
import type { Json } from '../wire.js';
import type { OperationContext } from './context.js';

/** Every operation names the one cluster and secret the server serves, as AWS words the refusals. */
export function checkTarget(config: OperationContext['config'], body: Json): void {
  if (typeof body.resourceArn !== 'string' || body.resourceArn === '') {
    throw dataApiError('BadRequestException', 'resourceArn is required');
  }
  if (body.resourceArn !== config.resourceArn) {
    const cluster = /:cluster:(.+)$/.exec(body.resourceArn)?.[1] ?? body.resourceArn;
    throw dataApiError('BadRequestException', `HttpEndpoint isn't enabled for cluster ${cluster}`);
  }
  if (typeof body.secretArn !== 'string' || body.secretArn === '') {
    throw dataApiError('BadRequestException', 'secretArn is required');
  }
  if (body.secretArn !== config.secretArn) {
    throw dataApiError('BadRequestException', `Error fetching secret ${body.secretArn}: Secrets Manager can't find the specified secret.`);
  }
}
