import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// infra/aws/access.cjs: the grant outputs, one pair per route, from the routes serverless.yml declares.
// The packaged templates are checked in template.test.ts; here, the routes still to come.

const { invokeOutputs } = createRequire(import.meta.url)('./access.cjs') as {
  invokeOutputs(routeKeys: string[]): Record<string, { Description: string; Value: { 'Fn::Sub': string } }>;
};
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JavaScript template
const ARN_START = 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/$default/';

describe('infra/aws/access.cjs', () => {
  it('names each route’s pair after its path and grants that route alone', () => {
    const outputs = invokeOutputs(['POST /erase', 'POST /block', 'POST /unblock', 'POST /unlink']);
    expect(Object.keys(outputs)).toEqual([
      'EraseInvokeArn',
      'EraseInvokePolicyStatement',
      'BlockInvokeArn',
      'BlockInvokePolicyStatement',
      'UnblockInvokeArn',
      'UnblockInvokePolicyStatement',
      'UnlinkInvokeArn',
      'UnlinkInvokePolicyStatement',
    ]);
    expect(outputs.UnblockInvokeArn!.Value).toEqual({ 'Fn::Sub': `${ARN_START}POST/unblock` });
    expect(JSON.parse(outputs.UnblockInvokePolicyStatement!.Value['Fn::Sub'])).toEqual({
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: `${ARN_START}POST/unblock`,
    });
    expect(outputs.EraseInvokeArn!.Description).toBe("The execute-api ARN of POST /erase on this stage, for a caller's execute-api:Invoke permission");
    expect(invokeOutputs(['POST /customer/merge-requests'])).toHaveProperty('CustomerMergeRequestsInvokeArn');
  });

  it('has nothing for a stage without routes, and refuses what it cannot name one by one', () => {
    expect(invokeOutputs([])).toEqual({});
    expect(() => invokeOutputs(['POST /identify', 'GET /identify'])).toThrow(/two routes would share the outputs IdentifyInvokeArn/);
    expect(() => invokeOutputs(['$default'])).toThrow(/no invoke outputs for route "\$default"/);
    expect(() => invokeOutputs(['ANY /{proxy+}'])).toThrow(/no invoke outputs/);
  });
});
