export {
  createHttpClient,
  httpLimits,
  DEFAULT_USER_AGENT,
  type HttpClient,
  type HttpClientOptions,
  type TextResponse,
  type TextOptions,
  type DownloadResult,
  type DownloadOptions,
} from './client.js';
export { HttpError, isTransientStatus, parseRetryAfter } from './errors.js';
