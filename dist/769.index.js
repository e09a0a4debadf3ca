export const id = 769;
export const ids = [769];
export const modules = {

/***/ 37769:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openPglite: () => (/* binding */ openPglite)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(74576);
// Embedded adapter: PGlite (WASM PostgreSQL) with a persistent data directory. The package is imported
// dynamically so it is only loaded (and only needs to be present) when no DATABASE_URL is configured.



class PgliteTx {
    tx;
    constructor(tx) {
        this.tx = tx;
    }
    async query(sql, params) {
        const res = await this.tx.query(sql, params);
        return res.rows;
    }
    async copyCsv(table, columns, chunks) {
        const sql = `COPY ${table} (${columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_2__/* .quoteIdent */ .v4).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
        let total = 0;
        // One COPY per chunk, all inside the caller's transaction.
        for await (const chunk of chunks) {
            if (!chunk)
                continue;
            const res = await this.tx.query(sql, [], { blob: new Blob([chunk]) });
            total += res.rowCount ?? res.affectedRows ?? 0;
        }
        return total;
    }
}
/** PGlite's runtime files beside the bundle (dist/pglite/, copied by scripts/build.mjs; the CLI bundle is in
 * dist/cli/), else the package (running from src/). webpackIgnore and the non-literal URLs keep both imports
 * out of the ncc bundle: a runner has no node_modules beside dist/. */
async function importPglite() {
    for (const rel of ['./pglite/index.js', '../pglite/index.js']) {
        const url = new URL(rel, import.meta.url);
        if (node_fs__WEBPACK_IMPORTED_MODULE_0___default().existsSync(url))
            return import(/* webpackIgnore: true */ url.href);
    }
    return import(/* webpackIgnore: true */ '@electric-sql/pglite');
}
async function openPglite(dataDir) {
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(dataDir);
    node_fs__WEBPACK_IMPORTED_MODULE_0___default().mkdirSync(dir, { recursive: true });
    const { PGlite } = await importPglite();
    const pgl = await PGlite.create({ dataDir: dir });
    let closed = false;
    return {
        kind: 'pglite',
        target: `PGlite ${dir}`,
        async query(sql, params) {
            const res = await pgl.query(sql, params);
            return res.rows;
        },
        async transaction(fn) {
            // PGlite rolls back and rethrows when the callback throws.
            return pgl.transaction((tx) => fn(new PgliteTx(tx)));
        },
        async close() {
            if (closed)
                return;
            closed = true;
            await pgl.close();
        },
    };
}


/***/ })

};
