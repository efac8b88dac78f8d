import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../../errors.js';

/**
 * Answers anything but POST /identify with a JSON 404 or 405. On AWS the API has only that route
 * and API Gateway itself answers `{"message":"Not Found"}`; locally serverless-offline's own 404
 * has no `message`, so the local stage also routes other paths and methods here (serverless.yml).
 */
export function routeGuard(method: string, path: string): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      const http = event.requestContext?.http;
      if (!http) return;
      const requestPath = event.rawPath ?? http.path;
      if (requestPath !== path) throw new HttpError(404, `Not Found: the only route is ${method} ${path}`);
      if (http.method.toUpperCase() !== method) {
        throw new HttpError(405, `Method Not Allowed: ${path} takes ${method} only`, { Allow: method });
      }
    },
  };
}
