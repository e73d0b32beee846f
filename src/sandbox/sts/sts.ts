import { createHash } from 'node:crypto';
import type { Clock } from '../../util/clock.ts';
import { asInt, asString, rangeConstraint, requireParam, stringViolations, validationError } from '../aws/coerce.ts';
import { AwsError, type AwsRequestContext, type AwsServiceHandler, invalidAction } from '../aws/errors.ts';
import { SANDBOX_ACCOUNT } from '../ids.ts';

/**
 * STS for the sandbox: GetCallerIdentity and AssumeRole. Any credentials are accepted, but every
 * assumed role is recorded (so tests can check that a caller used the role and ExternalId it was
 * configured with), and temporary access keys are remembered so GetCallerIdentity signed with
 * them answers as the assumed role.
 */
export interface RolePolicy {
  /** When set, AssumeRole of this role needs exactly this ExternalId (AccessDenied otherwise). */
  externalId?: string;
  /** The role's MaxSessionDuration (default 3600 s, as IAM's). */
  maxSessionDurationSeconds?: number;
}

export interface StsOptions {
  clock: Clock;
  account?: string;
  /** The sandbox user every non-temporary key belongs to. */
  userName?: string;
  roles?: Record<string, RolePolicy>;
  /** Refuse roles not listed in `roles`. */
  denyUnknownRoles?: boolean;
}

export interface AssumedRole {
  roleArn: string;
  roleSessionName: string;
  externalId?: string;
  durationSeconds: number;
  accessKeyId: string;
  expiration: Date;
  /** The access key that called AssumeRole, when the request was signed. */
  callerAccessKeyId?: string;
  at: number;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n).toUpperCase();

export class StsModel {
  readonly assumed: AssumedRole[] = [];
  private readonly clock: Clock;
  private readonly account: string;
  private readonly userName: string;
  private readonly roles: Map<string, RolePolicy>;
  private readonly denyUnknownRoles: boolean;
  private seq = 0;

  constructor(o: StsOptions) {
    this.clock = o.clock;
    this.account = o.account ?? SANDBOX_ACCOUNT;
    this.userName = o.userName ?? 'sandbox';
    this.roles = new Map(Object.entries(o.roles ?? {}));
    this.denyUnknownRoles = o.denyUnknownRoles ?? false;
  }

  /** Adds or replaces a role's policy. */
  setRole(roleArn: string, policy: RolePolicy): void {
    this.roles.set(roleArn, policy);
  }

  get userArn(): string {
    return `arn:aws:iam::${this.account}:user/${this.userName}`;
  }

  getCallerIdentity(accessKeyId?: string): { UserId: string; Account: string; Arn: string } {
    const session = this.assumed.find(
      (a) => a.accessKeyId === accessKeyId && a.expiration.getTime() > this.clock.now(),
    );
    if (session) {
      const m = ROLE_ARN.exec(session.roleArn)!;
      return {
        UserId: `${roleId(session.roleArn)}:${session.roleSessionName}`,
        Account: m[1]!,
        Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[3]}/${session.roleSessionName}`,
      };
    }
    return { UserId: `AIDA${hex(`user:${this.userArn}`, 17)}`, Account: this.account, Arn: this.userArn };
  }

  assumeRole(input: Record<string, any>, callerAccessKeyId?: string): Record<string, any> {
    const roleArn = requireParam(asString(input.RoleArn), 'roleArn');
    const sessionName = requireParam(asString(input.RoleSessionName), 'roleSessionName');
    const externalId = asString(input.ExternalId);
    const duration = asInt(input.DurationSeconds, 'durationSeconds') ?? 3600;
    const m = ROLE_ARN.exec(roleArn);
    // Model constraints (botocore STS) first, all of them in one ValidationError, as Coral reports.
    const violations = [
      ...stringViolations('roleArn', roleArn, { min: 20, max: 2048 }),
      ...stringViolations('roleSessionName', sessionName, {
        min: 2,
        max: 64,
        pattern: SESSION_NAME,
        patternText: '[\\w+=,.@-]*',
      }),
      ...(externalId === undefined
        ? []
        : stringViolations('externalId', externalId, {
            min: 2,
            max: 1224,
            pattern: EXTERNAL_ID,
            patternText: '[\\w+=,.@:\\/-]*',
          })),
    ];
    const durationBroken = rangeConstraint(duration, 900, 43200);
    if (durationBroken) violations.push({ field: 'durationSeconds', value: duration, constraint: durationBroken });
    if (violations.length) throw validationError(violations);
    if (!m) {
      // [U] exact text of AWS's message for a role ARN that is not an IAM role's.
      throw new AwsError('ValidationError', `${roleArn} is invalid`);
    }
    const policy = this.roles.get(roleArn);
    const denied =
      (!policy && this.denyUnknownRoles) || (policy?.externalId !== undefined && policy.externalId !== externalId);
    if (denied) {
      throw new AwsError(
        'AccessDenied',
        `User: ${this.getCallerIdentity(callerAccessKeyId).Arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    if (duration > (policy?.maxSessionDurationSeconds ?? 3600)) {
      throw new AwsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const n = ++this.seq;
    const now = this.clock.now();
    const accessKeyId = `ASIA${hex(`key:${roleArn}:${sessionName}:${n}`, 16)}`;
    const expiration = new Date(now + duration * 1000);
    this.assumed.push({
      roleArn,
      roleSessionName: sessionName,
      externalId,
      durationSeconds: duration,
      accessKeyId,
      expiration,
      callerAccessKeyId,
      at: now,
    });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: hex(`secret:${accessKeyId}`, 40),
        SessionToken: Buffer.from(`sandbox-session:${accessKeyId}`).toString('base64'),
        Expiration: expiration,
      },
      AssumedRoleUser: {
        AssumedRoleId: `${roleId(roleArn)}:${sessionName}`,
        Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[3]}/${sessionName}`,
      },
      PackedPolicySize: 0,
    };
  }
}

const roleId = (roleArn: string) => `AROA${hex(`role:${roleArn}`, 17)}`;

export function createStsHandler(model: StsModel): AwsServiceHandler {
  return (op: string, input: Record<string, any>, ctx: AwsRequestContext) => {
    switch (op) {
      case 'GetCallerIdentity':
        return model.getCallerIdentity(ctx.accessKeyId);
      case 'AssumeRole':
        return model.assumeRole(input, ctx.accessKeyId);
      default:
        throw invalidAction(op, '2011-06-15');
    }
  };
}
