import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../../src/sandbox/aws/errors.ts';
import { parseQuery, queryErrorXml, queryResponseXml, toXml } from '../../../src/sandbox/aws/query.ts';

describe('awsQuery codec', () => {
  it('turns member lists into arrays in index order, maps into objects, leaves scalars as strings', () => {
    // GIVEN
    const params = new URLSearchParams(
      'Action=ModifyListener&Version=2015-12-01&ListenerArn=arn%3Ax' +
        '&DefaultActions.member.1.ForwardConfig.TargetGroups.member.10.Weight=10' +
        '&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=2' +
        '&DefaultActions.member.1.Type=forward' +
        '&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key=prompt' +
        '&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value=login' +
        '&Tags=',
    );
    // WHEN
    const q = parseQuery(params);
    // THEN
    assert.equal(q.action, 'ModifyListener');
    assert.equal(q.version, '2015-12-01');
    assert.deepEqual(q.input, {
      ListenerArn: 'arn:x',
      DefaultActions: [
        {
          ForwardConfig: { TargetGroups: [{ Weight: '2' }, { Weight: '10' }] },
          Type: 'forward',
          AuthenticateOidcConfig: { AuthenticationRequestExtraParams: { prompt: 'login' } },
        },
      ],
      Tags: '',
    });
    // AND a parsed map is written back as a map
    const map = q.input.DefaultActions[0].AuthenticateOidcConfig.AuthenticationRequestExtraParams;
    assert.equal(toXml('P', map), '<P><entry><key>prompt</key><value>login</value></entry></P>');
  });

  it('writes results with member lists, ISO dates, booleans and escaped text', () => {
    const xml = queryResponseXml(
      'DescribeRules',
      'urn:ns',
      { Rules: [{ Priority: 'default', IsDefault: true, Conditions: [] }], When: new Date(0), Note: 'a<b&"c"' },
      'req-1',
    );
    assert.match(
      xml,
      /<DescribeRulesResponse xmlns="urn:ns"><DescribeRulesResult><Rules><member><Priority>default<\/Priority><IsDefault>true<\/IsDefault><Conditions><\/Conditions><\/member><\/Rules><When>1970-01-01T00:00:00.000Z<\/When><Note>a&lt;b&amp;&quot;c&quot;<\/Note><\/DescribeRulesResult><ResponseMetadata><RequestId>req-1<\/RequestId><\/ResponseMetadata><\/DescribeRulesResponse>$/,
    );
  });

  it('writes errors with Type, Code, Message and RequestId', () => {
    const xml = queryErrorXml(new AwsError('ServiceUnavailable', 'down', 503), 'urn:ns', 'req-2');
    assert.match(
      xml,
      /<Error><Type>Receiver<\/Type><Code>ServiceUnavailable<\/Code><Message>down<\/Message><\/Error><RequestId>req-2<\/RequestId>/,
    );
  });
});
