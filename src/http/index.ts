export {
  createHttpClient,
  HttpError,
  httpLimits,
  DEFAULT_USER_AGENT,
  isTransientStatus,
  parseRetryAfter,
  type HttpClient,
  type HttpClientOptions,
  type TextResponse,
  type DownloadResult,
  type DownloadOptions,
} from './client.js';
