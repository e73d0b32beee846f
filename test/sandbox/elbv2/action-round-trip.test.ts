import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type Action,
  CreateListenerCommand,
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ElbWorld, rejection, startElbWorld, weightedForward } from './fixture.ts';

/**
 * The read-modify-write a traffic shifter does on a listener or rule (describe the whole action
 * list, change only the forward weights, write it back) and the traps AWS sets on it: the hidden
 * OIDC client secret, the authenticate actions' HTTPS-only rule, and the validated configs.
 */
const oidc = (extra: Record<string, unknown> = {}) => ({
  Type: 'authenticate-oidc' as const,
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example',
    AuthorizationEndpoint: 'https://idp.example/auth',
    TokenEndpoint: 'https://idp.example/token',
    UserInfoEndpoint: 'https://idp.example/userinfo',
    ClientId: 'client-1',
    ClientSecret: 'shh',
    ...extra,
  },
});

describe('ELBv2 action round trips over the real SDK', () => {
  let w: ElbWorld;
  let httpsArn: string;
  const forward = (blue: number, green: number): Action =>
    weightedForward(
      [
        [w.blueArn, blue],
        [w.greenArn, green],
      ],
      2,
    );
  beforeEach(async () => {
    w = await startElbWorld();
    const out = await w.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: w.lbArn,
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/c1' }],
        DefaultActions: [oidc(), forward(100, 0)],
      }),
    );
    httpsArn = out.Listeners![0]!.ListenerArn!;
  });
  afterEach(async () => {
    await w.close();
  });

  const describeDefault = async () =>
    (await w.elb.send(new DescribeListenersCommand({ ListenerArns: [httpsArn] }))).Listeners![0]!.DefaultActions!;

  it('never returns the OIDC client secret, and fills in the documented session defaults', async () => {
    // WHEN
    const [auth] = await describeDefault();
    // THEN
    assert.equal(auth?.Type, 'authenticate-oidc');
    assert.equal(auth?.AuthenticateOidcConfig?.ClientSecret, undefined);
    assert.equal(auth?.AuthenticateOidcConfig?.UseExistingClientSecret, undefined);
    assert.equal(auth?.AuthenticateOidcConfig?.ClientId, 'client-1');
    assert.equal(auth?.AuthenticateOidcConfig?.SessionCookieName, 'AWSELBAuthSessionCookie');
    assert.equal(auth?.AuthenticateOidcConfig?.Scope, 'openid');
    assert.equal(auth?.AuthenticateOidcConfig?.SessionTimeout, 604800);
    assert.equal(auth?.AuthenticateOidcConfig?.OnUnauthenticatedRequest, 'authenticate');
  });

  it('refuses a naive write-back of the described actions, and keeps the secret with UseExistingClientSecret', async () => {
    // GIVEN the actions as described, weights changed
    const [auth] = await describeDefault();
    // WHEN written back as read (no secret)
    const naive = await rejection(
      w.elb.send(new ModifyListenerCommand({ ListenerArn: httpsArn, DefaultActions: [auth!, forward(90, 10)] })),
    );
    // THEN refused, and nothing changed
    assert.equal(naive.name, 'ValidationError');
    assert.match(naive.message, /ClientSecret/);
    assert.deepEqual(
      w.model.forwardTargets(httpsArn).map((g) => g.weight),
      [100, 0],
    );
    // WHEN written back with UseExistingClientSecret
    const keep = {
      ...auth!,
      AuthenticateOidcConfig: { ...auth!.AuthenticateOidcConfig!, UseExistingClientSecret: true },
    };
    await w.elb.send(new ModifyListenerCommand({ ListenerArn: httpsArn, DefaultActions: [keep, forward(90, 10)] }));
    // THEN the weights changed and the stored secret is the original one
    assert.deepEqual(
      w.model.forwardTargets(httpsArn).map((g) => g.weight),
      [90, 10],
    );
    const stored = w.model.rules.get(w.model.defaultRule(httpsArn).arn)!.actions[0]!;
    assert.equal(stored.type === 'authenticate-oidc' && stored.config.clientSecret, 'shh');
  });

  it('refuses UseExistingClientSecret on create and an OIDC action without its required members', async () => {
    // WHEN
    const onCreate = await rejection(
      w.elb.send(
        new CreateRuleCommand({
          ListenerArn: httpsArn,
          Priority: 1,
          Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
          Actions: [oidc({ ClientSecret: undefined, UseExistingClientSecret: true }), forward(1, 1)],
        }),
      ),
    );
    const both = await rejection(
      w.elb.send(
        new CreateRuleCommand({
          ListenerArn: httpsArn,
          Priority: 2,
          Conditions: [{ Field: 'path-pattern', Values: ['/y'] }],
          Actions: [oidc({ UseExistingClientSecret: true }), forward(1, 1)],
        }),
      ),
    );
    const noIssuer = await rejection(
      w.elb.send(
        new ModifyListenerCommand({
          ListenerArn: httpsArn,
          DefaultActions: [oidc({ Issuer: undefined, ClientId: undefined }), forward(1, 1)],
        }),
      ),
    );
    // THEN
    assert.equal(onCreate.name, 'ValidationError');
    assert.match(onCreate.message, /UseExistingClientSecret/);
    assert.equal(both.name, 'InvalidLoadBalancerActionException');
    assert.equal(both.message, 'You cannot both specify a client secret and set UseExistingClientSecret to true');
    assert.equal(noIssuer.name, 'ValidationError');
    assert.match(noIssuer.message, /^2 validation errors detected: /);
    assert.match(noIssuer.message, /Value null at 'defaultActions\.1\.member\.authenticateOidcConfig\.issuer'/);
    assert.match(
      noIssuer.message,
      /authenticateOidcConfig\.clientId' failed to satisfy constraint: Member must not be null/,
    );
  });

  it('accepts authenticate actions only on HTTPS listeners', async () => {
    // WHEN an authenticate-cognito action goes onto the HTTP listener
    const cognito = {
      Type: 'authenticate-cognito' as const,
      Order: 1,
      AuthenticateCognitoConfig: {
        UserPoolArn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc',
        UserPoolClientId: 'pool-client',
        UserPoolDomain: 'login',
      },
    };
    const onHttp = await rejection(
      w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: [cognito, forward(1, 1)] })),
    );
    // AND the HTTPS listener holding an OIDC action is turned into HTTP
    const toHttp = await rejection(w.elb.send(new ModifyListenerCommand({ ListenerArn: httpsArn, Protocol: 'HTTP' })));
    // AND a cognito action misses its domain
    const noDomain = await rejection(
      w.elb.send(
        new ModifyListenerCommand({
          ListenerArn: httpsArn,
          DefaultActions: [
            {
              ...cognito,
              AuthenticateCognitoConfig: { ...cognito.AuthenticateCognitoConfig, UserPoolDomain: undefined },
            },
            forward(1, 1),
          ],
        }),
      ),
    );
    // THEN
    assert.equal(onHttp.name, 'InvalidLoadBalancerActionException');
    assert.match(onHttp.message, /authenticate-cognito.*only on HTTPS listeners.*'HTTP'/);
    assert.equal(toHttp.name, 'InvalidLoadBalancerActionException');
    assert.equal(noDomain.name, 'ValidationError');
    assert.match(noDomain.message, /authenticateCognitoConfig\.userPoolDomain' failed to satisfy constraint/);
  });

  const table: Array<{ name: string; action: Action; code: string; message: RegExp }> = [
    {
      name: 'a redirect without its config',
      action: { Type: 'redirect' },
      code: 'InvalidLoadBalancerActionException',
      message: /For actions of type 'redirect', you must specify the following fields: 'RedirectConfig'/,
    },
    {
      name: 'a redirect that changes nothing (a loop)',
      action: { Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Protocol: '#{protocol}' } },
      code: 'InvalidLoadBalancerActionException',
      message: /creates a loop/,
    },
    {
      name: 'a redirect with a status code other than HTTP_301/HTTP_302',
      action: { Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_307' as never, Host: 'example.com' } },
      code: 'ValidationError',
      message: /Value 'HTTP_307' at 'defaultActions\.1\.member\.redirectConfig\.statusCode'.*\[HTTP_301, HTTP_302\]/,
    },
    {
      name: 'a fixed response with a 3XX code',
      action: { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '302' } },
      code: 'ValidationError',
      message: /Value '302' at 'defaultActions\.1\.member\.fixedResponseConfig\.statusCode'.*\^\(2\|4\|5\)\\d\\d\$/,
    },
    {
      name: 'a fixed response with an unknown content type',
      action: { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/xml' } },
      code: 'ValidationError',
      message: /'text\/xml'.*text\/plain, text\/css, text\/html, application\/javascript, application\/json/,
    },
    {
      name: 'a fixed response body over 1024 characters',
      action: { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', MessageBody: 'x'.repeat(1025) } },
      code: 'ValidationError',
      message: /messageBody' failed to satisfy constraint: Member must have length less than or equal to 1024/,
    },
  ];
  for (const c of table) {
    it(`refuses ${c.name}`, async () => {
      // WHEN
      const err = await rejection(
        w.elb.send(new ModifyListenerCommand({ ListenerArn: w.listenerArn, DefaultActions: [c.action] })),
      );
      // THEN
      assert.equal(err.name, c.code);
      assert.match(err.message, c.message);
    });
  }

  it('stores a valid redirect and fixed response with their defaults', async () => {
    // WHEN
    await w.elb.send(
      new ModifyListenerCommand({
        ListenerArn: w.listenerArn,
        DefaultActions: [
          { Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Protocol: 'HTTPS', Port: '443' } },
        ],
      }),
    );
    const rule = await w.elb.send(
      new CreateRuleCommand({
        ListenerArn: w.listenerArn,
        Priority: 3,
        Conditions: [{ Field: 'path-pattern', Values: ['/down'] }],
        Actions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down' },
          },
        ],
      }),
    );
    const listener = (await w.elb.send(new DescribeListenersCommand({ ListenerArns: [w.listenerArn] }))).Listeners![0]!;
    // THEN
    assert.deepEqual(listener.DefaultActions?.[0]?.RedirectConfig, {
      Protocol: 'HTTPS',
      Port: '443',
      Host: '#{host}',
      Path: '/#{path}',
      Query: '#{query}',
      StatusCode: 'HTTP_301',
    });
    assert.deepEqual(rule.Rules?.[0]?.Actions?.[0]?.FixedResponseConfig, {
      StatusCode: '503',
      ContentType: 'text/plain',
      MessageBody: 'down',
    });
    // AND the listener no longer forwards anywhere
    assert.deepEqual(w.model.forwardTargets(w.listenerArn), []);
  });

  it('refuses the default rule in ModifyRule and DeleteRule, pointing at ModifyListener', async () => {
    // GIVEN
    const rules = await w.elb.send(new DescribeRulesCommand({ ListenerArn: w.listenerArn }));
    const def = rules.Rules!.find((r) => r.IsDefault)!;
    // WHEN
    const modify = await rejection(w.elb.send(new ModifyRuleCommand({ RuleArn: def.RuleArn!, Actions: def.Actions })));
    // THEN
    assert.equal(modify.name, 'OperationNotPermittedException');
    assert.match(modify.message, /^Default rule '.+' cannot be modified/);
    assert.match(modify.message, /ModifyListener/);
  });

  it('refuses a forward whose every weight is 0, with one group as with two', async () => {
    for (const groups of [[0], [0, 0]]) {
      // WHEN
      const err = await rejection(
        w.elb.send(
          new ModifyListenerCommand({
            ListenerArn: w.listenerArn,
            DefaultActions: [weightedForward(groups.map((weight, i) => [i ? w.greenArn : w.blueArn, weight]))],
          }),
        ),
      );
      // THEN
      assert.equal(err.name, 'ValidationError');
      assert.match(err.message, /weight greater than 0; got weights \[0(, 0)?\]/);
    }
  });
});
