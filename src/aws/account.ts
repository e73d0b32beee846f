import { CutoverError, isCutoverError } from '../errors.ts';
import type { AwsClients } from './clients.ts';

/** Codes AWS answers when an ARN is of another account than the credentials: it is not "there". */
const EXPLAINED = new Set([
  'E_AWS_LISTENER_NOT_FOUND',
  'E_AWS_RULE_NOT_FOUND',
  'E_AWS_TARGET_GROUP_NOT_FOUND',
  'E_AWS_LOAD_BALANCER_NOT_FOUND',
  'E_AWS_ACCESS_DENIED',
]);

/** The account field of an ARN (`arn:aws:elasticloadbalancing:us-east-1:123456789012:…`). */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account ? account : undefined;
}

/**
 * A not-found or access-denied error said again as what it often is: the rollout's ARNs are in
 * another account than the credentials in use. ELBv2 has no cross-account access (no resource
 * policies), so a listener of account A read with credentials of account B is "not found", and
 * the hint to check the ARN sends the user looking in the wrong place.
 *
 * GetCallerIdentity is called only here, after a failure, so a run never needs STS otherwise (a
 * private VPC without an STS endpoint still drives). Any other error, or a failed
 * GetCallerIdentity, or matching accounts: the error comes back unchanged.
 */
export async function explainAccount(
  clients: Pick<AwsClients, 'whoAmI'>,
  error: unknown,
  arns: readonly string[],
): Promise<unknown> {
  if (!isCutoverError(error) || !EXPLAINED.has(error.code)) return error;
  let me: { account: string; arn: string };
  try {
    me = await clients.whoAmI();
  } catch {
    return error;
  }
  const other = arns.find((arn) => {
    const account = arnAccount(arn);
    return account !== undefined && me.account !== '' && account !== me.account;
  });
  if (other === undefined) return error;
  const account = arnAccount(other)!;
  return new CutoverError(
    'E_AWS_ACCOUNT_MISMATCH',
    `the rollout's ${other} is in account ${account}, but the credentials in use are of account ${me.account} (${me.arn}); AWS answered: ${error.message}`,
    {
      value: account,
      hint: `ELBv2 has no cross-account access: run with credentials of account ${account} (e.g. AWS_PROFILE), or fix the ARNs in the rollout`,
      cause: error,
    },
  );
}
