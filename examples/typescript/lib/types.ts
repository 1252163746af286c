/** The part of the Lambda context these handlers use (the full type is `Context` from `@types/aws-lambda`). */
export interface Context {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}
