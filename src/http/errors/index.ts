export {
  anthropicErrorBody,
  anthropicErrorType,
  errorHeaders,
  errorResponse,
  errorSseFrame,
  openAiErrorBody,
  openAiErrorType,
  publicErrorMessage,
  type AnthropicErrorBody,
  type ErrorDialect,
  type ErrorResponse,
  type ErrorWireOptions,
  type OpenAiErrorBody,
} from './http-error-response.js';
export { formatJsonPath, invalidRequestFromZod } from './http-validation-error.js';
