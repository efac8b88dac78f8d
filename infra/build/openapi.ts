import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { stringify } from 'yaml';
import {
  BlockRequestSchema,
  BlockResponseSchema,
  ContactResponseSchema,
  EraseRequestSchema,
  EraseResponseSchema,
  ErrorResponseSchema,
  GroupTooLargeResponse,
  IdentifyRequestSchema,
  LookupResponseSchema,
  UnblockResponseSchema,
  UnlinkRequestSchema,
  UnlinkResponseSchema,
} from '../../lib/http/schema/identify-schemas.js';
import { PROJECT_ROOT } from '../local/project-root.js';

/**
 * `npm run openapi`: writes docs/openapi.yaml and lib/http/schema/request-validator.generated.js, both from
 * lib/http/schema/identify-schemas.ts. A test fails when either is out of date.
 */

const strip = ({ $id: _id, ...schema }: { $id: string } & Record<string, unknown>) => schema;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorBody = (example: string) => ({ 'application/json': { schema: ref('ErrorResponse'), example: { message: example } } });

// Who may call (docs/DEPLOY.md): one of these per stage, IAM unless the stage's params choose JWT.
// Each route is granted on its own: its own execute-api ARN, or its own scope, jwtScopePrefix (default
// identify/) and the route's name (infra/aws/authorizer.cjs).
const jwtScope = (route: string) => `identify/${route}`;
const securitySchemes = {
  sigv4: {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    'x-amazon-apigateway-authtype': 'awsSigv4',
    description:
      'AWS Signature Version 4 (service execute-api) by an IAM principal allowed execute-api:Invoke on this route: the stack outputs the exact ARN and the policy statement of each route (IdentifyInvokeArn and IdentifyInvokePolicyStatement, LookupInvokeArn and LookupInvokePolicyStatement, ...). Temporary credentials add X-Amz-Security-Token. The default on every stage.',
  },
  jwt: {
    type: 'oauth2',
    description:
      'On a stage deployed with authorizer=jwt: an OAuth2 access token (client credentials) from the stage\'s jwtIssuer, for its jwtAudience, holding the scope of the route it calls (jwtScopePrefix, default identify/, then the route: identify/identify, identify/lookup, ...), as "Authorization: Bearer <token>". A token for one route is refused on the others. The token URL is your provider\'s; the one here is an example.',
    flows: {
      clientCredentials: {
        tokenUrl: 'https://auth.example.com/oauth2/token',
        // Filled in by openApiDocument from each operation's own scope.
        scopes: {} as Record<string, string>,
      },
    },
  },
};

/** The answers every route shares besides its 200: the same refusals, the same shape (422 only where an answer holds groups). */
function errorResponses(options: { groups: boolean } = { groups: true }) {
  return {
    '400': {
      description:
        'Malformed JSON, a body that is not an object, wrong types, an invalid email or phone, both absent, an unknown or repeated field. Nothing was written.',
      content: errorBody('email must contain exactly one "@", as in name@example.com'),
    },
    '413': {
      description: 'The body is over 10,240 bytes. Nothing was written.',
      content: errorBody('request body must be at most 10240 bytes; this one has 11016'),
    },
    '401': {
      description:
        'Only on a stage with the JWT authorizer: the bearer token is missing, expired, or not from the configured issuer and audience (API Gateway answers, with a WWW-Authenticate header saying why). Nothing was written.',
      headers: { 'WWW-Authenticate': { description: 'Bearer, with error and error_description.', schema: { type: 'string' } } },
      content: errorBody('Unauthorized'),
    },
    '403': {
      description:
        'The request is not authorized: not signed, signed wrongly, or by a principal without execute-api:Invoke on this route (IAM); a token without any of the required scopes (JWT). API Gateway answers before the function runs. Nothing was written.',
      content: errorBody('Forbidden'),
    },
    '415': {
      description: 'The Content-Type is missing or not JSON. Nothing was written.',
      content: errorBody('Content-Type must be application/json'),
    },
    ...(options.groups ? { '422': { description: GroupTooLargeResponse.description, content: errorBody(GroupTooLargeResponse.example) } } : {}),
    '429': {
      description:
        "The stage's throttling limit (rate and burst, per stage) is exceeded: API Gateway answers before the function runs. Nothing was written; retry with backoff.",
      content: errorBody('Too Many Requests'),
    },
    '503': {
      description: 'The database is unavailable for now (for example Aurora resuming from pause). Nothing was half-written; retry after Retry-After seconds.',
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'integer', minimum: 1 } } },
      content: errorBody('the database is unavailable right now; retry after the time in Retry-After'),
    },
  };
}

/** A route's POST operation: its own body and answer, the shared refusals (422 where the answer holds groups). */
function postOperation(route: {
  operationId: string;
  summary: string;
  description: string;
  request: object;
  requestExamples: object;
  response: object;
  responseExamples: object;
  responseDescription: string;
  answersGroups: boolean;
}) {
  return {
    post: {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      security: [{ sigv4: [] }, { jwt: [jwtScope(route.operationId)] }],
      requestBody: { required: true, content: { 'application/json': { schema: route.request, examples: route.requestExamples } } },
      responses: {
        '200': { description: route.responseDescription, content: { 'application/json': { schema: route.response, examples: route.responseExamples } } },
        ...errorResponses({ groups: route.answersGroups }),
      },
    },
  };
}

export function openApiDocument() {
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'identify',
      version: '1.0.0',
      summary: 'Identity reconciliation: links every contact detail of one customer into one group.',
      description:
        "POST /identify with an email, a phone number or both. The service finds the live contacts that share either, merges their groups under the oldest primary, records what is new, and answers with the whole group. Behaviour: CONTRACT.md.\n\nCallers are the shop's own backends, never browsers: every request is authorized (SigV4 by default, a JWT on stages configured for it), every stage is throttled, and there is no CORS (no Access-Control-* headers, no OPTIONS preflight).",
    },
    servers: [
      { url: 'http://localhost:3000', description: 'npm start (serverless-offline)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployed stage (stack output HttpApiUrl)',
        variables: { apiId: { default: 'abc123def4', description: 'The stack output HttpApiId' }, region: { default: 'us-east-1' } },
      },
    ],
    paths: {
      '/identify': {
        post: {
          operationId: 'identify',
          summary: 'Reconcile a contact and answer with its whole group',
          security: [{ sigv4: [] }, { jwt: [jwtScope('identify')] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('IdentifyRequest'),
                examples: {
                  newCustomer: { summary: 'A new customer', value: { email: 'lorraine@hillvalley.edu', phoneNumber: '123456' } },
                  newDetail: { summary: 'A new email on a known phone', value: { email: 'mcfly@hillvalley.edu', phoneNumber: '123456' } },
                  merge: {
                    summary: 'Links two groups (george on 919191, biffsucks on 717171)',
                    value: { email: 'george@hillvalley.edu', phoneNumber: '717171' },
                  },
                  phoneAsNumber: { summary: 'A phone number as a JSON integer', value: { email: null, phoneNumber: 123456 } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'The whole group the request belongs to, after the request.',
              content: {
                'application/json': {
                  schema: ref('ContactResponse'),
                  examples: {
                    linked: {
                      summary: 'lorraine and mcfly share 123456',
                      value: {
                        contact: {
                          primaryContactId: 1,
                          emails: ['lorraine@hillvalley.edu', 'mcfly@hillvalley.edu'],
                          phoneNumbers: ['123456'],
                          secondaryContactIds: [23],
                        },
                      },
                    },
                    merged: {
                      summary: 'george and biffsucks merged',
                      value: {
                        contact: {
                          primaryContactId: 11,
                          emails: ['george@hillvalley.edu', 'biffsucks@hillvalley.edu'],
                          phoneNumbers: ['919191', '717171'],
                          secondaryContactIds: [27],
                        },
                      },
                    },
                  },
                },
              },
            },
            ...errorResponses(),
          },
        },
      },
      '/lookup': postOperation({
        operationId: 'lookup',
        summary: 'Find the groups that hold an email or a phone, without creating or linking anything',
        description:
          'Read only: never writes, never merges. Blocked values are treated as absent, as in /identify. Granted on its own (a support tool), apart from /identify.',
        request: ref('IdentifyRequest'),
        requestExamples: {
          both: { summary: 'An email and a phone, perhaps of two different groups', value: { email: 'george@hillvalley.edu', phoneNumber: '717171' } },
        },
        response: ref('LookupResponse'),
        responseDescription: 'Every group that holds the email or the phone, apart, ordered by primaryContactId; [] when none.',
        answersGroups: true,
        responseExamples: {
          twoGroups: {
            summary: 'george@… in one group, 717171 in another: both, unmerged',
            value: {
              contacts: [
                { primaryContactId: 11, emails: ['george@hillvalley.edu'], phoneNumbers: ['919191'], secondaryContactIds: [] },
                { primaryContactId: 27, emails: ['biffsucks@hillvalley.edu'], phoneNumbers: ['717171'], secondaryContactIds: [] },
              ],
            },
          },
          none: { summary: 'No live contact holds either', value: { contacts: [] } },
        },
      }),
      '/erase': postOperation({
        operationId: 'erase',
        responseDescription: 'Done, with its audit record.',
        answersGroups: false,
        summary: 'Erase every group that holds an email or a phone (the right to erasure), optionally suppressing its values',
        description:
          'As one serializable step, every group that holds one of the values is erased: each live contact loses its email and phone and becomes a tombstone (deletedAt set, its id kept). With "suppress": true every email and phone of those groups, and the given values, become stored blocked values (their SHA-256, never in clear). Blocked values count here. An audit record is written with it. Repeating an erasure is harmless. Granted on its own (a privacy tool).',
        request: ref('EraseRequest'),
        requestExamples: {
          suppress: { summary: 'Forget a customer and keep them from being linked again', value: { email: 'lorraine@hillvalley.edu', suppress: true } },
        },
        response: ref('EraseResponse'),
        responseExamples: {
          erased: { summary: 'One group of two contacts erased', value: { erased: { contacts: 2, primaryContactIds: [1] } } },
          nothing: { summary: 'No live contact held either value', value: { erased: { contacts: 0, primaryContactIds: [] } } },
        },
      }),
      '/unlink': postOperation({
        operationId: 'unlink',
        responseDescription: 'Done, with its audit record.',
        answersGroups: false,
        summary: 'Undo a wrong link: take a value out of every contact and split the groups it held together',
        description:
          'As one serializable step, every live contact holding the value loses it (a contact left with neither an email nor a phone is deleted), and every group that held it is recomputed: two live contacts stay together when a chain of shared emails, shared phones and recorded pairings (the (email, phone) of past merges) connects them; each resulting group\'s primary is its oldest contact. Recorded pairings holding the value are deleted. With "block": true the value becomes a stored blocked value. Blocked values count here. An audit record is written with it. Granted on its own (a data-steward tool).',
        request: ref('UnlinkRequest'),
        requestExamples: {
          junkPhone: {
            summary: "The shop's own phone held customers together: split them and block it",
            value: { phoneNumber: '+1 (555) 010-0000', block: true },
          },
        },
        response: ref('UnlinkResponse'),
        responseExamples: {
          split: { summary: 'One group of five split into five', value: { unlinked: { contacts: 5, primaryContactIds: [1, 2, 3, 4, 5] } } },
          nothing: { summary: 'No live contact held the value', value: { unlinked: { contacts: 0, primaryContactIds: [] } } },
        },
      }),
      '/block': postOperation({
        operationId: 'block',
        responseDescription: 'Done, with its audit record.',
        answersGroups: false,
        summary: 'Store blocked values: emails or phones that identify nobody',
        description:
          'A stored blocked value acts as a configured one in /identify and /lookup: never matched, stored or answered. Kept as the SHA-256 of the normalised value. Stored rows are not rewritten. An audit record is written with it.',
        request: ref('BlockRequest'),
        requestExamples: { shopPhone: { summary: "The shop's own phone, typed at the till", value: { phoneNumber: '+1 (555) 010-0000' } } },
        response: ref('BlockResponse'),
        responseExamples: { blocked: { summary: 'Newly blocked', value: { blocked: 1 } }, again: { summary: 'Blocked already', value: { blocked: 0 } } },
      }),
      '/unblock': postOperation({
        operationId: 'unblock',
        responseDescription: 'Done, with its audit record.',
        answersGroups: false,
        summary: 'Remove stored blocked values (the configured lists stay)',
        description: 'An audit record is written with it.',
        request: ref('BlockRequest'),
        requestExamples: { shopPhone: { summary: 'Unblock a phone', value: { phoneNumber: '+15550100000' } } },
        response: ref('UnblockResponse'),
        responseExamples: { unblocked: { summary: 'It was blocked', value: { unblocked: 1 } } },
      }),
    },
    components: {
      schemas: {
        IdentifyRequest: strip(IdentifyRequestSchema),
        ContactResponse: strip(ContactResponseSchema),
        LookupResponse: strip(LookupResponseSchema),
        EraseRequest: strip(EraseRequestSchema),
        EraseResponse: strip(EraseResponseSchema),
        UnlinkRequest: strip(UnlinkRequestSchema),
        UnlinkResponse: strip(UnlinkResponseSchema),
        BlockRequest: strip(BlockRequestSchema),
        BlockResponse: strip(BlockResponseSchema),
        UnblockResponse: strip(UnblockResponseSchema),
        ErrorResponse: strip(ErrorResponseSchema),
      },
      securitySchemes,
    },
  };
  // The JWT scheme declares each operation's own scope, and what it opens: that route alone.
  const scopes: Record<string, string> = {};
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const requirement of operation.security) {
        for (const scope of requirement.jwt ?? []) scopes[scope] = `Call ${method.toUpperCase()} ${path}, and nothing else`;
      }
    }
  }
  const jwt = { ...securitySchemes.jwt, flows: { clientCredentials: { ...securitySchemes.jwt.flows.clientCredentials, scopes } } };
  return { ...document, components: { ...document.components, securitySchemes: { ...securitySchemes, jwt } } };
}

export const OPENAPI_PATH = join(PROJECT_ROOT, 'docs', 'openapi.yaml');
export const VALIDATOR_PATH = join(PROJECT_ROOT, 'lib/http/schema/request-validator.generated.js');

export function openApiYaml(): string {
  return `# Written by \`npm run openapi\` from lib/http/schema/identify-schemas.ts. Do not edit by hand.\n${stringify(openApiDocument(), { lineWidth: 0 })}`;
}

const REQUEST_SCHEMAS = [IdentifyRequestSchema, BlockRequestSchema, EraseRequestSchema, UnlinkRequestSchema];

export function requestValidatorSource(): string {
  const ajv = new Ajv2020.default({ code: { source: true, esm: true }, allErrors: false, strict: true, strictTypes: false });
  for (const schema of REQUEST_SCHEMAS) ajv.addSchema(schema);
  const exports = { validate: 'IdentifyRequest', validateBlock: 'BlockRequest', validateErase: 'EraseRequest', validateUnlink: 'UnlinkRequest' };
  return `// Written by \`npm run openapi\` from the request schemas in lib/http/schema/identify-schemas.ts. Do not edit by hand.\n// @ts-nocheck\n${standaloneCode.default(ajv, exports)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(OPENAPI_PATH, openApiYaml());
  writeFileSync(VALIDATOR_PATH, requestValidatorSource());
  console.log(`wrote ${OPENAPI_PATH} and ${VALIDATOR_PATH}`);
}
