// The public surface of @crossway/client: a typed client for the Crossway REST API.
export { CrosswayClient, UnknownKindError, kindOf, type ClientOptions } from './client';
export { CrosswayApiError, errorFromAnswer, type FieldError, type Problem } from './errors';
export type { FetchFn } from './http';
export * from './types';
