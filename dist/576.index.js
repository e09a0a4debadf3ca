export const id = 576;
export const ids = [576];
export const modules = {

/***/ 48576:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openPgliteEngine: () => (/* binding */ openPgliteEngine)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(73136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_url__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_worker_threads__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(75919);
/* harmony import */ var node_worker_threads__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_worker_threads__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _engine_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(56612);
// PGlite: its session is a superuser, statement_timeout does not interrupt pg_sleep and it runs on the thread
// that calls it. So queries never touch the user's data folder: the server copies it to a snapshot in a
// temporary folder, each worker thread gets its own copy of that snapshot, and a query that outlives its
// timeout is ended by terminating the worker (the server goes on; the next query starts a fresh worker).
// Whatever a query writes or reads as a file stays inside the worker's copy, which is deleted afterwards.
// A backfill running meanwhile writes to the real folder; the server takes a new snapshot on the next call
// after `output/catalog.json` changes (the backfill writes it when it ends), so answers lag until then.






/** How to start the worker: pglite-worker.ts under tsx (development, tests), or the bundle's copy. */
function workerScript() {
    const self = (0,node_url__WEBPACK_IMPORTED_MODULE_3__.fileURLToPath)(import.meta.url);
    if (self.endsWith('.ts')) {
        const api = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(self), '../../node_modules/tsx/dist/esm/api/index.mjs');
        const target = (0,node_url__WEBPACK_IMPORTED_MODULE_3__.pathToFileURL)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(self), 'pglite-worker.ts')).href;
        const code = `const { register } = await import(${JSON.stringify((0,node_url__WEBPACK_IMPORTED_MODULE_3__.pathToFileURL)(api).href)});
register(); await import(${JSON.stringify(target)});`;
        return { url: code, evalCode: true };
    }
    const dir = node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(self);
    const found = [node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, 'mcp-worker/index.js'), node_path__WEBPACK_IMPORTED_MODULE_2___default().join(dir, '../mcp-worker/index.js')].find((f) => node_fs__WEBPACK_IMPORTED_MODULE_0___default().existsSync(f));
    if (!found)
        throw new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('setup', `the PGlite query worker is missing beside ${self}: rebuild`);
    return { url: (0,node_url__WEBPACK_IMPORTED_MODULE_3__.pathToFileURL)(found) };
}
const READY_MS = 180_000;
/** copy-on-write clones where the file system has them (btrfs, XFS, APFS), else plain copies */
const CLONE = { recursive: true, mode: (node_fs__WEBPACK_IMPORTED_MODULE_0___default().constants).COPYFILE_FICLONE };
class QueryWorker {
    dir;
    worker;
    waiting = new Map();
    failed;
    ready;
    constructor(dir) {
        this.dir = dir;
        const { url, evalCode } = workerScript();
        this.worker = new node_worker_threads__WEBPACK_IMPORTED_MODULE_4__.Worker(url, {
            eval: Boolean(evalCode),
            workerData: { dataDir: dir },
            resourceLimits: { maxOldGenerationSizeMb: 1024 },
            stdout: true,
            stderr: true,
        });
        // nothing of the worker may reach stdout: that is the MCP stdio channel
        this.worker.stdout.pipe(process.stderr);
        this.worker.stderr.pipe(process.stderr);
        this.worker.on('message', (m) => this.waiting.get(m.id)?.(m));
        const fail = (why) => {
            this.failed ??= why;
            for (const done of this.waiting.values())
                done({ id: -1, ok: false, code: 'worker', message: why });
        };
        this.worker.on('error', (e) => fail(`the PGlite query worker failed: ${e.message}`));
        this.worker.on('exit', (c) => fail(`the PGlite query worker stopped (exit code ${c})`));
        this.ready = new Promise((ok, bad) => {
            const t = setTimeout(() => bad(new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('worker', 'the PGlite query worker did not start')), READY_MS);
            const settle = (m) => {
                clearTimeout(t);
                this.waiting.delete(0);
                this.waiting.delete(-1);
                if ('ready' in m)
                    ok();
                else
                    bad(new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('worker', `the PGlite query worker did not start: ${m.ok ? '' : m.message}`));
            };
            this.waiting.set(0, settle);
            this.waiting.set(-1, settle);
        });
    }
    /** Resolve with the reply, or reject after `ms` (the caller then terminates the worker). */
    ask(m, ms) {
        if (this.failed)
            return Promise.resolve({ id: m.id, ok: false, code: 'worker', message: this.failed });
        return new Promise((done) => {
            const t = setTimeout(() => {
                this.waiting.delete(m.id);
                done('timeout');
            }, ms);
            const settle = (r) => {
                clearTimeout(t);
                this.waiting.delete(m.id);
                this.waiting.delete(-1);
                done(r);
            };
            this.waiting.set(m.id, settle);
            this.waiting.set(-1, settle);
            this.worker.postMessage(m);
        });
    }
    get dead() {
        return this.failed !== undefined;
    }
    async stop() {
        this.failed ??= 'stopped';
        await this.worker.terminate().catch(() => 0);
        node_fs__WEBPACK_IMPORTED_MODULE_0___default().rmSync(this.dir, { recursive: true, force: true });
    }
}
async function openPgliteEngine(o) {
    const source = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(o.dataDir);
    const root = node_fs__WEBPACK_IMPORTED_MODULE_0___default().mkdtempSync(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_os__WEBPACK_IMPORTED_MODULE_1___default().tmpdir(), 'datawarp-mcp-'));
    let n = 0;
    let base = '';
    let generation = '';
    let snapshotAt = '';
    let worker;
    let queue = Promise.resolve();
    const snapshot = async () => {
        if (!node_fs__WEBPACK_IMPORTED_MODULE_0___default().existsSync(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(source, 'PG_VERSION')))
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('setup', `no PGlite database in ${source}: run datawarp backfill first`);
        const next = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(root, `base-${++n}`);
        node_fs__WEBPACK_IMPORTED_MODULE_0___default().cpSync(source, next, CLONE);
        if (base)
            node_fs__WEBPACK_IMPORTED_MODULE_0___default().rmSync(base, { recursive: true, force: true });
        base = next;
        generation = o.generation();
        snapshotAt = new Date().toISOString();
        await worker?.stop();
        worker = undefined;
    };
    const fresh = async () => {
        if (o.generation() !== generation)
            await snapshot();
        if (worker && !worker.dead)
            return worker;
        await worker?.stop();
        const dir = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(root, `work-${++n}`);
        node_fs__WEBPACK_IMPORTED_MODULE_0___default().cpSync(base, dir, CLONE);
        worker = new QueryWorker(dir);
        await worker.ready;
        return worker;
    };
    await snapshot();
    await fresh();
    let ids = 1;
    const run = async (sql, params, limits) => {
        const w = await fresh();
        // PostgreSQL's own timeout first (it stops ordinary queries cleanly); the worker is ended a little later
        const r = await w.ask({ id: ++ids, sql, params, limits }, limits.timeoutMs + 1_000);
        if (r === 'timeout') {
            await w.stop();
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('57014', `canceling statement due to statement timeout (${limits.timeoutMs / 1000} s): the PGlite worker ` +
                `running it was stopped; the next query starts a fresh one`);
        }
        if ('ready' in r)
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr('worker', 'unexpected reply from the PGlite query worker');
        if (!r.ok) {
            if (r.code === 'worker')
                await w.stop();
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_5__/* .QueryError */ .lr(r.code, r.message);
        }
        return { columns: r.columns, rows: r.rows, cut: r.cut };
    };
    return {
        kind: 'pglite',
        describe: () => `PGlite: a snapshot of ${source} taken ${snapshotAt} (a worker thread, SELECT-only role, read-only transactions)`,
        run(sql, params, limits) {
            const p = queue.then(() => run(sql, params, limits));
            queue = p.catch(() => undefined);
            return p;
        },
        async close() {
            await worker?.stop();
            node_fs__WEBPACK_IMPORTED_MODULE_0___default().rmSync(root, { recursive: true, force: true });
        },
    };
}


/***/ })

};
