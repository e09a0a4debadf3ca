export const id = 913;
export const ids = [913];
export const modules = {

/***/ 97033:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ downloadReleaseAsset)
/* harmony export */ });
/** The bytes of a release asset (GitHub redirects to its storage; Octokit follows). */
async function downloadReleaseAsset(gh, owner, repo, assetId) {
    const res = await gh.rest.repos.getReleaseAsset({
        owner,
        repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
    });
    return new Uint8Array(res.data);
}


/***/ }),

/***/ 75913:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createGitHub: () => (/* binding */ createGitHub),
  limitsOf: () => (/* binding */ limitsOf),
  limitsShare: () => (/* binding */ limitsShare)
});

;// CONCATENATED MODULE: ./src/github/budget.ts
// GitHub's primary rate limit as the run sees it: every response's x-ratelimit-* headers (success or error)
// update what is left and when the window resets. The backfill asks it, before starting an item, whether the
// requests the item needs fit, keeping a reserve for the run's end (state, catalog release, issues).
const header = (h, name) => {
    const v = h[name] ?? h[name.toUpperCase()];
    if (v === undefined || v === null || v === '')
        return undefined;
    const n = Number(Array.isArray(v) ? v[0] : v);
    return Number.isFinite(n) ? n : undefined;
};
function createRateBudget(opts = {}) {
    const share = opts.share && opts.share > 0 && opts.share <= 1 ? opts.share : 1;
    const s = {};
    let spent = 0;
    /** remaining when this run first heard of the window: the share is of that */
    let startRemaining;
    let spentAtStart = 0;
    return {
        observe(headers) {
            if (!headers)
                return;
            spent++;
            const remaining = header(headers, 'x-ratelimit-remaining');
            if (remaining === undefined)
                return;
            const reset = header(headers, 'x-ratelimit-reset');
            // a new window: the share starts again
            if (startRemaining === undefined || (reset !== undefined && s.reset !== undefined && reset > s.reset)) {
                startRemaining = remaining;
                spentAtStart = spent;
            }
            s.remaining = remaining;
            s.limit = header(headers, 'x-ratelimit-limit') ?? s.limit;
            s.reset = reset ?? s.reset;
            const resource = headers['x-ratelimit-resource'];
            if (typeof resource === 'string')
                s.resource = resource;
        },
        state: () => ({ ...s }),
        available() {
            if (s.remaining === undefined)
                return undefined;
            if (share >= 1 || startRemaining === undefined || s.limit === undefined)
                return s.remaining;
            const mine = Math.floor(s.limit * share) - (spent - spentAtStart);
            return Math.max(0, Math.min(s.remaining, mine));
        },
        spent: () => spent,
    };
}

;// CONCATENATED MODULE: ./src/github/issues.ts
function createOctokitIssues(gh, owner, repo) {
    const toIssue = (i) => ({
        number: i.number,
        state: i.state === 'closed' ? 'closed' : 'open',
        body: i.body ?? '',
        url: i.html_url,
    });
    return {
        async listByLabel(label) {
            const all = await gh.paginate(gh.rest.issues.listForRepo, {
                owner,
                repo,
                labels: label,
                state: 'all',
                per_page: 100,
            });
            return all.filter((i) => !i.pull_request).map(toIssue);
        },
        async create(title, body, labels) {
            return toIssue((await gh.rest.issues.create({ owner, repo, title, body, labels })).data);
        },
        async comment(number, body) {
            await gh.rest.issues.createComment({ owner, repo, issue_number: number, body });
        },
        async update(number, change) {
            await gh.rest.issues.update({
                owner,
                repo,
                issue_number: number,
                ...change,
                ...(change.state === 'closed' ? { state_reason: 'completed' } : {}),
            });
        },
    };
}

// EXTERNAL MODULE: ./src/github/asset-bytes.ts
var asset_bytes = __webpack_require__(97033);
// EXTERNAL MODULE: ./src/github/release-names.ts
var release_names = __webpack_require__(22767);
;// CONCATENATED MODULE: ./src/github/release-reader.ts
// The release assets `restore --repo` (and a revision in the action) reads, behind a small interface (the Octokit
// implementation below; tests run it against the fake REST API). What is read and restored: src/restore/.


function octokitReleaseReader(gh, owner, repo) {
    return {
        describe: `releases of ${owner}/${repo}`,
        async dataReleases() {
            const all = await gh.paginate(gh.rest.repos.listReleases, { owner, repo, per_page: 100 });
            return all.filter((r) => (0,release_names/* isDataReleaseTag */.eH)(r.tag_name)).map((r) => ({ id: r.id, tag: r.tag_name }));
        },
        async assets(releaseId) {
            const all = await gh.paginate(gh.rest.repos.listReleaseAssets, {
                owner,
                repo,
                release_id: releaseId,
                per_page: 100,
            });
            return all.map((a) => ({ id: a.id, name: a.name }));
        },
        download: (assetId) => (0,asset_bytes/* downloadReleaseAsset */.G)(gh, owner, repo, assetId),
    };
}

// EXTERNAL MODULE: ./src/github/releaser.ts
var releaser = __webpack_require__(58074);
;// CONCATENATED MODULE: ./src/github/repo.ts
function createOctokitRepo(gh, owner, repo) {
    /** the open pull request from `head` (a branch of this repository) into `base`, if any */
    const openPull = async (head, base) => (await gh.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open' })).data[0];
    return {
        async enableWorkflow(workflowFile) {
            await gh.rest.actions.enableWorkflow({ owner, repo, workflow_id: workflowFile });
        },
        async ensurePullRequest(head, base, title, body) {
            const open = await openPull(head, base);
            if (open) {
                await gh.rest.pulls.update({ owner, repo, pull_number: open.number, title, body });
                return { number: open.number, created: false };
            }
            const pr = await gh.rest.pulls.create({ owner, repo, head, base, title, body });
            return { number: pr.data.number, created: true };
        },
        async closePullRequest(head, base, note) {
            const pr = await openPull(head, base);
            if (!pr)
                return undefined;
            const body = `${note}\n\n---\n\n${pr.body ?? ''}`;
            await gh.rest.pulls.update({ owner, repo, pull_number: pr.number, state: 'closed', body });
            return pr.number;
        },
        async upsertComment(number, marker, body) {
            const comments = await gh.paginate(gh.rest.issues.listComments, {
                owner,
                repo,
                issue_number: number,
                per_page: 100,
            });
            const mine = comments.find((c) => (c.body ?? '').includes(marker));
            if (mine) {
                await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
                return 'updated';
            }
            await gh.rest.issues.createComment({ owner, repo, issue_number: number, body });
            return 'created';
        },
    };
}

;// CONCATENATED MODULE: ./src/github/client.ts
// The GitHub calls the action makes, behind small interfaces (releases: releaser.ts, released Parquet read back:
// release-reader.ts, issues: issues.ts, and the rest: keep-alive, the state pull request, the PR preview comment:
// repo.ts), put together here from their Octokit implementations. Tests pass fakes of the interfaces to run(); the
// end-to-end tests run these implementations against the fake REST API.





/** The rate-limit settings of the inputs: the longest wait, and this job's share of the hourly budget. */
function limitsOf(inputs) {
    return {
        maxWaitSeconds: inputs.rateLimitMaxWaitSeconds,
        budget: createRateBudget({ share: limitsShare(inputs.rateLimitJobs) }),
    };
}
/** A job's share of the hourly budgets: GitHub runs at most 20 jobs of a matrix at once (free plan). */
function limitsShare(jobs) {
    return 1 / Math.min(Math.max(1, Math.floor(jobs) || 1), 20);
}
function createGitHub(gh, owner, repo, budget) {
    return {
        budget,
        releases: (0,releaser/* createOctokitReleaser */.b)(gh, owner, repo),
        reader: octokitReleaseReader(gh, owner, repo),
        issues: createOctokitIssues(gh, owner, repo),
        repo: createOctokitRepo(gh, owner, repo),
    };
}


/***/ }),

/***/ 22767:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C7: () => (/* binding */ isVersionAssetName),
/* harmony export */   Cs: () => (/* binding */ assetDownloadUrl),
/* harmony export */   GY: () => (/* binding */ normaliseAssetName),
/* harmony export */   KU: () => (/* binding */ releaseTitle),
/* harmony export */   PF: () => (/* binding */ RELEASE_ASSET_LAYOUTS),
/* harmony export */   Pf: () => (/* binding */ itemVersionAssetName),
/* harmony export */   Ry: () => (/* binding */ isItemAssetName),
/* harmony export */   SM: () => (/* binding */ assetName),
/* harmony export */   W1: () => (/* binding */ versionAssetName),
/* harmony export */   XC: () => (/* binding */ CATALOG_TAG),
/* harmony export */   aF: () => (/* binding */ releaseTag),
/* harmony export */   bV: () => (/* binding */ itemAssetName),
/* harmony export */   eH: () => (/* binding */ isDataReleaseTag),
/* harmony export */   eg: () => (/* binding */ memberName),
/* harmony export */   lP: () => (/* binding */ CATALOG_ASSET),
/* harmony export */   ul: () => (/* binding */ releaseBody)
/* harmony export */ });
// Where release and asset names are decided: one release per publication and year, one asset per table and
// period (layout `table`) or one zip per item holding its tables (layout `item`), and the rolling catalog
// release. The action publishes with these names; `restore --repo` finds them.
const CATALOG_TAG = 'datawarp-catalog';
const CATALOG_ASSET = 'catalog.json';
/** A publication-year release; a year whose assets pass the 1000-per-release cap spills into `-2`, `-3` ... */
const releaseTag = (pub, year, part = 1) => `datawarp-${pub}-${year}${part > 1 ? `-${part}` : ''}`;
/** Matches the tags releaseTag makes (not the catalog's), spill-over parts included. */
const isDataReleaseTag = (tag) => /^datawarp-.+-\d{4}(-\d+)?$/.test(tag);
const releaseTitle = (pubName, year, part = 1) => `${pubName} ${year}${part > 1 ? ` (part ${part})` : ''}`;
/** The download URL of an asset, from its release's page URL (https://github.com/o/r/releases/tag/<tag>). */
const assetDownloadUrl = (releaseHtmlUrl, name) => `${releaseHtmlUrl.replace('/releases/tag/', '/releases/download/')}/${name}`;
const releaseBody = (pubName, pub, year) => `Parquet files of ${pubName} (${pub}) for ${year}, one per table and period, published by DataWarp.`;
const assetName = (table, period) => normaliseAssetName(`${table}__${period}.parquet`);
/** A superseded version of a period's table, kept beside the current one. */
const versionAssetName = (table, period, version) => normaliseAssetName(`${table}__${period}__v${version}.parquet`);
/** Names of kept earlier versions (restore and rehydrate leave them out: they are not the current rows). */
const isVersionAssetName = (name) => /__v\d+\.(parquet|zip)$/.test(name);
const RELEASE_ASSET_LAYOUTS = ['table', 'item'];
/** The zip of an item (layout `item`): every table of the (publication, period), members `<table>.parquet`. */
const itemAssetName = (pub, period) => normaliseAssetName(`${pub}-${period}.zip`);
/** A superseded version of an item's zip, kept beside the current one. */
const itemVersionAssetName = (pub, period, version) => normaliseAssetName(`${pub}-${period}__v${version}.zip`);
/** The member of an item zip that holds a table's Parquet. */
const memberName = (table) => `${table}.parquet`;
/** An item zip (current or kept version). */
const isItemAssetName = (name) => name.endsWith('.zip');
/** GitHub renames uploaded assets: characters outside [A-Za-z0-9._+-] become '.', runs of dots collapse,
 * leading and trailing dots go. Naming assets that way up front lets a re-run find them again. */
function normaliseAssetName(name) {
    return name
        .replace(/[^A-Za-z0-9._+-]/g, '.')
        .replace(/\.{2,}/g, '.')
        .replace(/^\.+|\.+$/g, '');
}


/***/ }),

/***/ 58074:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ createOctokitReleaser),
/* harmony export */   n: () => (/* binding */ httpStatus)
/* harmony export */ });
/* harmony import */ var _asset_bytes_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97033);
// Releases and their assets: the `Releaser` interface the action publishes through (a fake in unit tests), and its
// Octokit implementation through GitHub's REST API, with what the run has learnt of them (each tag's release, each
// release's assets by name) kept in a cache so a tag is looked up or created once and a release's assets are listed
// once. src/github/client.ts puts it together with the other GitHub clients; publishing (which files, replace or
// keep) is src/action/releases.ts.

/** The HTTP status of a failed request (Octokit's RequestError carries it), if any. */
const httpStatus = (e) => e.status;
const toAsset = (a) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    label: a.label ?? null,
});
/** GitHub's release object lists its assets; fewer than a page of them is taken as the whole list. */
const INLINE_ASSETS_TRUSTED = 100;
function remember(k, r, fresh = false) {
    const rel = { id: r.id, tag: r.tag_name, htmlUrl: r.html_url, uploadUrl: r.upload_url };
    k.releases.set(rel.tag, rel);
    const inline = r.assets ?? [];
    if (fresh || (r.assets && inline.length < INLINE_ASSETS_TRUSTED))
        k.assets.set(rel.id, new Map(inline.map((a) => [a.name, toAsset(a)])));
    return rel;
}
async function byTag(k, tag) {
    try {
        return remember(k, (await k.gh.rest.repos.getReleaseByTag({ owner: k.owner, repo: k.repo, tag })).data);
    }
    catch (e) {
        if (httpStatus(e) === 404)
            return undefined;
        throw e;
    }
}
async function create(k, tag, name, body) {
    try {
        const { data } = await k.gh.rest.repos.createRelease({
            owner: k.owner,
            repo: k.repo,
            tag_name: tag,
            name,
            body,
            draft: false,
            prerelease: false,
        });
        return remember(k, data, true);
    }
    catch (e) {
        if (httpStatus(e) === 422)
            return undefined; // it exists (another run created it meanwhile)
        throw e;
    }
}
function forget(k, id) {
    for (const m of k.assets.values())
        for (const [n, a] of m)
            if (a.id === id)
                m.delete(n);
}
/** The asset `id` is now `a` (renamed): its entry moves to the new name. The old name is found first and the map
 * changed after, since a key set while a Map is iterated is visited again (an endless loop). */
function renamed(k, id, a) {
    for (const m of k.assets.values()) {
        const old = [...m].find(([, x]) => x.id === id)?.[0];
        if (old === undefined)
            continue;
        m.delete(old);
        m.set(a.name, a);
    }
}
/**
 * Releases and their assets, remembered for the run: a tag is looked up (or created) once, a release's assets are
 * listed once (all pages) and the name -> asset map kept current as this run uploads, renames and deletes;
 * `listAssets(r, { fresh: true })` lists again (after a 422 already_exists: someone else uploaded meanwhile).
 */
function createOctokitReleaser(gh, owner, repo) {
    const k = { gh, owner, repo, releases: new Map(), assets: new Map() };
    return {
        async ensureRelease(tag, name, body, hint) {
            const cached = k.releases.get(tag);
            if (cached)
                return cached;
            // a tag nothing is known to be in is most likely new: create first, look up only when that fails
            if (hint?.exists === false) {
                const made = (await create(k, tag, name, body)) ?? (await byTag(k, tag));
                if (made)
                    return made;
            }
            const found = (await byTag(k, tag)) ?? (await create(k, tag, name, body)) ?? (await byTag(k, tag));
            if (!found)
                throw new Error(`release ${tag}: neither found nor created`);
            return found;
        },
        async listAssets(release, opts) {
            const have = k.assets.get(release.id);
            if (have && !opts?.fresh)
                return [...have.values()];
            const all = await gh.paginate(gh.rest.repos.listReleaseAssets, {
                owner,
                repo,
                release_id: release.id,
                per_page: 100,
            });
            const list = all.map(toAsset);
            k.assets.set(release.id, new Map(list.map((a) => [a.name, a])));
            return list;
        },
        async deleteAsset(id) {
            try {
                await gh.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
            }
            catch (e) {
                if (httpStatus(e) !== 404)
                    throw e; // already gone
            }
            forget(k, id);
        },
        async renameAsset(id, name) {
            const { data } = await gh.rest.repos.updateReleaseAsset({ owner, repo, asset_id: id, name });
            const a = toAsset(data);
            renamed(k, id, a);
            return a;
        },
        downloadAsset: (id) => (0,_asset_bytes_js__WEBPACK_IMPORTED_MODULE_0__/* .downloadReleaseAsset */ .G)(gh, owner, repo, id),
        async uploadAsset(release, name, data, label) {
            const { data: res } = await gh.rest.repos.uploadReleaseAsset({
                owner,
                repo,
                release_id: release.id,
                url: release.uploadUrl,
                name,
                label,
                data: data,
                // no content-length: fetch sets it from the Buffer (one given by hand is refused when undici 7 is the dispatcher)
                headers: { 'content-type': 'application/octet-stream' },
            });
            const a = toAsset(res);
            k.assets.get(release.id)?.set(a.name, a);
            return a;
        },
    };
}


/***/ })

};
