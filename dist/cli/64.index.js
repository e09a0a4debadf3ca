export const id = 64;
export const ids = [64];
export const modules = {

/***/ 6064:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7502);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2743);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4808);
// The Octokit the action and `datawarp restore --repo` use: @actions/github's client (honours GITHUB_API_URL)
// with throttling (serial writes, Retry-After and secondary rate limits honoured) and retries of 5xx.



/** How many times a rate-limited request is retried after waiting. */
const RATE_LIMIT_RETRIES = 2;
const retries = (o) => Number(o.request?.retryCount ?? 0);
function createOctokit(token, log, baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com') {
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        baseUrl,
        throttle: {
            onRateLimit: (retryAfter, options) => {
                log.warning(`GitHub rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
                return retries(options) < RATE_LIMIT_RETRIES;
            },
            onSecondaryRateLimit: (retryAfter, options) => {
                log.warning(`GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
                return retries(options) < RATE_LIMIT_RETRIES;
            },
        },
        retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
        log: {
            debug: () => { },
            info: () => { },
            warn: (m) => log.warning(m),
            error: () => { },
        },
    }, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_1__/* .throttling */ .A, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L);
}


/***/ })

};
