import { type AwsServiceHandler, invalidAction } from '../aws/errors.ts';
import { decodeInput } from './input-decode.ts';
import { ELBV2_OPERATIONS, type Elbv2Model } from './model.ts';

/**
 * The ELBv2 service of the sandbox endpoint: API operation name → model call, the request's
 * scalars converted once here to the types the API model declares (`input-decode.ts`).
 */
export function createElbv2Handler(model: Elbv2Model): AwsServiceHandler {
  return (op, input) => {
    if (!ELBV2_OPERATIONS[op]) throw invalidAction(op, '2015-12-01');
    return model.call(op, decodeInput(op, input));
  };
}
