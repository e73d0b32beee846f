import { AwsError } from '../aws/errors.ts';

/**
 * CloudWatch's wire error codes. `AwsError.code` carries the awsQuery code (the `awsQueryError`
 * trait in the SDK's schema, `@aws-sdk/client-cloudwatch` 3.1162.0 `dist-es/schemas/schemas_0.js`);
 * JSON 1.0 and RPC v2 CBOR responses need the Smithy shape name as `__type` instead, which is what
 * `CLOUDWATCH_ERROR_SHAPES` maps to (the JS SDK picks its error class from `__type`, and reads
 * the awsQuery code from the `x-amzn-query-error: <code>;Sender` header).
 */
export const CLOUDWATCH_ERROR_SHAPES: Readonly<Record<string, string>> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidNextToken: 'InvalidNextToken',
  LimitExceeded: 'LimitExceededFault',
  LimitExceededException: 'LimitExceededException',
  ResourceNotFound: 'ResourceNotFound',
  ResourceNotFoundException: 'ResourceNotFoundException',
  ValidationError: 'ValidationException',
  InvalidFormat: 'InvalidFormatFault',
  InternalServiceError: 'InternalServiceFault',
};

export const invalidValue = (message: string) => new AwsError('InvalidParameterValue', message, 400);
export const invalidCombination = (message: string) => new AwsError('InvalidParameterCombination', message, 400);
export const missingParameter = (name: string) =>
  new AwsError('MissingParameter', `The parameter ${name} is required.`, 400);
export const validationError = (message: string) => new AwsError('ValidationError', message, 400);
export const invalidNextToken = (message = 'The service returned an invalid NextToken.') =>
  new AwsError('InvalidNextToken', message, 400);
export const resourceNotFound = (message: string) => new AwsError('ResourceNotFound', message, 404);
