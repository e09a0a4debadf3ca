export const id = 187;
export const ids = [187];
export const modules = {

/***/ 4003:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ recordChunks),
/* harmony export */   _: () => (/* binding */ copyFileOptions)
/* harmony export */ });
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8470);

/** The WITH (...) of a COPY of the file into `columns` (empty fields are NULL in every column, quoted or not). */
function copyFileOptions(columns, f) {
    return [
        'FORMAT csv',
        `HEADER ${f.header}`,
        `DELIMITER '${f.delimiter === "'" ? "''" : f.delimiter}'`,
        `ENCODING '${f.encoding}'`,
        `FORCE_NULL (${columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4).join(', ')})`,
    ].join(', ');
}
const QUOTE = 0x22;
/** The bytes in pieces of at least `minBytes` that each end where a record ends (a line break outside quotes),
 * so each piece is a whole CSV of its own; WIN1252 text comes out as UTF-8. */
async function* recordChunks(data, f, minBytes = 2 << 20) {
    const eol = f.newline === '\r' ? 0x0d : 0x0a;
    const win1252 = f.encoding === 'WIN1252' ? new TextDecoder('windows-1252') : undefined;
    let parts = [];
    let size = 0;
    const quotes = { inside: false };
    for await (const chunk of data) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const end = lastRecordEnd(b, eol, quotes);
        if (end < 0 || size + end + 1 < minBytes) {
            parts.push(b);
            size += b.length;
            continue;
        }
        parts.push(b.subarray(0, end + 1));
        yield utf8(Buffer.concat(parts), win1252);
        parts = end + 1 < b.length ? [b.subarray(end + 1)] : [];
        size = b.length - end - 1;
    }
    if (size)
        yield utf8(Buffer.concat(parts), win1252);
}
/** Index of the last line break of `b` outside quotes, or -1; `quotes.inside` carries over between chunks (a ""
 * inside quotes closes and opens again, so it needs no special case). */
function lastRecordEnd(b, eol, quotes) {
    let end = -1;
    let i = 0;
    while (i < b.length) {
        const q = b.indexOf(QUOTE, i);
        if (quotes.inside) {
            if (q < 0)
                break;
            quotes.inside = false;
        }
        else {
            const stop = q < 0 ? b.length : q;
            const n = stop > i ? b.lastIndexOf(eol, stop - 1) : -1;
            if (n >= i)
                end = n;
            if (q < 0)
                break;
            quotes.inside = true;
        }
        i = q + 1;
    }
    return end;
}
function utf8(b, win1252) {
    // pieces end at line breaks, so no character is cut in two
    return win1252 ? Buffer.from(win1252.decode(b), 'utf8') : b;
}


/***/ }),

/***/ 5187:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openPglite: () => (/* binding */ openPglite)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8470);
/* harmony import */ var _csv_file_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4003);
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
    /** PGlite COPYs from a blob per statement: the file goes in pieces that each end with a record, the header
     * skipped by the first, WIN1252 re-encoded (PGlite has no encoding conversions). */
    async copyFile(table, columns, format, data) {
        const cols = columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_2__/* .quoteIdent */ .v4).join(', ');
        let header = format.header;
        let total = 0;
        for await (const piece of (0,_csv_file_js__WEBPACK_IMPORTED_MODULE_3__/* .recordChunks */ .W)(data, format)) {
            const options = (0,_csv_file_js__WEBPACK_IMPORTED_MODULE_3__/* .copyFileOptions */ ._)(columns, { ...format, header, encoding: 'UTF8' });
            const sql = `COPY ${table} (${cols}) FROM '/dev/blob' WITH (${options})`;
            const res = await this.tx.query(sql, [], { blob: new Blob([piece]) });
            total += res.rowCount ?? res.affectedRows ?? 0;
            header = false;
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
