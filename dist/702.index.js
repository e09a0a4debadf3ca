export const id = 702;
export const ids = [702];
export const modules = {

/***/ 6702:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_MAX_WAIT_SECONDS: () => (/* binding */ DEFAULT_MAX_WAIT_SECONDS),
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(11758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(86856);
// The Octokit the action and `datawarp restore --repo` use: @actions/github's client (honours GITHUB_API_URL)
// with throttling (serial writes at least 1 s apart, so uploads stay under GitHub's 80 content-creating requests a
// minute; Retry-After and secondary rate limits honoured) and retries of 5xx. A rate limit is waited out only when
// the wait is at most `maxWaitSeconds` (a run never sleeps until an hourly reset: the request fails, the caller
// leaves its item pending). Every response's x-ratelimit-* headers go to `budget`.



/** How many times a rate-limited request is retried after waiting. */
const RATE_LIMIT_RETRIES = 2;
const DEFAULT_MAX_WAIT_SECONDS = 60;
const retries = (o) => Number(o.request?.retryCount ?? 0);
function createOctokit(token, log, baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com', limits = {}) {
    const maxWait = limits.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    const decide = (kind, retryAfter, options) => {
        const again = retries(options) < RATE_LIMIT_RETRIES;
        if (again && retryAfter <= maxWait) {
            log.warning(`GitHub ${kind} on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
            return true;
        }
        log.warning(`GitHub ${kind} on ${options.method} ${options.url}: ` +
            (again ? `the wait (${retryAfter} s) is over ${maxWait} s` : `retried ${RATE_LIMIT_RETRIES} times`) +
            '; not retried in this run');
        return false;
    };
    const gh = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        baseUrl,
        throttle: {
            onRateLimit: (retryAfter, options) => decide('rate limit', retryAfter, options),
            onSecondaryRateLimit: (retryAfter, options) => decide('secondary rate limit', retryAfter, options),
        },
        retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
        log: {
            debug: () => { },
            info: () => { },
            warn: (m) => log.warning(m),
            error: () => { },
        },
    }, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_1__/* .throttling */ .A, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L);
    const budget = limits.budget;
    if (budget) {
        gh.hook.after('request', (res) => budget.observe(res.headers));
        gh.hook.error('request', (err) => {
            budget.observe(err.response?.headers);
            throw err;
        });
    }
    return gh;
}


/***/ })

};
