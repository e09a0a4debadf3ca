import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 5008:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   XU: () => (/* binding */ DbUnavailableError)
/* harmony export */ });
/* unused harmony exports DEFAULT_PGLITE_DIR, lostDuring, lostConnection */
const DEFAULT_PGLITE_DIR = '.datawarp/pglite';
/** The database server could not be reached (or refused us). The CLI maps this to exit code 2. */
class DbUnavailableError extends Error {
    target;
    reason;
    constructor(target, reason, options) {
        super(`PostgreSQL at ${target} is unavailable: ${reason}`, options);
        this.name = 'DbUnavailableError';
        this.target = target;
        this.reason = reason;
    }
}
/** The run stops: the database (`target`, host:port/database) went away while `item` was in progress. */
function lostDuring(target, item, err) {
    let inner = err;
    while (inner && !(inner instanceof DbUnavailableError))
        inner = inner.cause;
    const why = inner instanceof DbUnavailableError ? inner.reason : (err?.message ?? String(err));
    return new DbUnavailableError(target ?? 'DATABASE_URL', `lost the connection while processing ${item} (it stays pending; run again once the database is back): ` +
        why.replace(/postgres(ql)?:\/\/[^@\s]*@/gi, 'postgres://***@'), { cause: err });
}
/** SQLSTATEs and socket errors that mean the connection to the server is gone (not a fault of the data). */
const LOST = new Set([
    '57P01',
    '57P02',
    '57P03',
    '08000',
    '08003',
    '08006',
    'ECONNRESET',
    'EPIPE',
    'ECONNREFUSED',
]);
/** The database went away under a running load: the run stops (exit 2); the item stays pending. */
function lostConnection(err) {
    for (let e = err; e; e = e.cause) {
        if (e instanceof DbUnavailableError)
            return true;
        // a network error of an HTTP request (a release page, a download) is the item's, not the database's
        if (e.name === 'HttpError')
            return false;
        if (e.code && LOST.has(e.code))
            return true;
        if (/Connection terminated|terminating connection|server closed the connection|write EPIPE/i.test(e.message ?? ''))
            return true;
    }
    return false;
}


/***/ }),

/***/ 8470:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   v4: () => (/* binding */ quoteIdent)
/* harmony export */ });
/* unused harmony exports assertIdent, assertDataColumn, qualified */
// Identifier validation and quoting. Everything that becomes a table or column name goes through here.


function assertIdent(name, what) {
    if (!isValidIdent(name)) {
        throw new Error(`invalid ${what} ${JSON.stringify(name)}: must match ${IDENT.source}`);
    }
    return name;
}
/** Data columns must also stay clear of the loader's provenance columns. */
function assertDataColumn(name) {
    assertIdent(name, 'column name');
    if (name.startsWith('_dw_'))
        throw new Error(`invalid column name ${JSON.stringify(name)}: _dw_ is reserved`);
    return name;
}
/** Always quote, even validated names. */
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
function qualified(schema, table) {
    return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 8253:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util/types");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
var external_node_fs_default = /*#__PURE__*/__nccwpck_require__.n(external_node_fs_);
// EXTERNAL MODULE: ./src/load/db.ts
var db = __nccwpck_require__(5008);
;// CONCATENATED MODULE: ./src/load/open.ts
// Opening the database: a PostgreSQL server when a URL is given, else the embedded PGlite in a data folder.
// Apart from db.ts (the types and errors both adapters use) so that the adapters do not import their opener.

async function openDb(opts = {}) {
    if (opts.databaseUrl) {
        const { openPg } = await Promise.all(/* import() */[__nccwpck_require__.e(717), __nccwpck_require__.e(823)]).then(__nccwpck_require__.bind(__nccwpck_require__, 4823));
        return openPg(opts.databaseUrl);
    }
    const { openPglite } = await __nccwpck_require__.e(/* import() */ 187).then(__nccwpck_require__.bind(__nccwpck_require__, 5187));
    return openPglite(opts.dataDir ?? DEFAULT_PGLITE_DIR);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
// EXTERNAL MODULE: ./src/load/ident.ts
var ident = __nccwpck_require__(8470);
;// CONCATENATED MODULE: ./src/load/values.ts
/** SQL type used for each ColumnType. */
const values_SQL_TYPE = {
    integer: 'bigint',
    numeric: 'numeric',
    date: 'date',
    text: 'text',
};
/** The ColumnType an existing table column (information_schema data_type) stands for. */
function values_kindOfSqlType(dataType) {
    switch (dataType.toLowerCase()) {
        case 'bigint':
        case 'integer':
        case 'smallint':
            return 'integer';
        case 'numeric':
        case 'double precision':
        case 'real':
            return 'numeric';
        case 'date':
            return 'date';
        default:
            return 'text';
    }
}
/** Least type both a and b fit in: integer -> numeric -> text, date -> text. */
function values_joinTypes(a, b) {
    if (a === b)
        return a;
    if ((a === 'integer' && b === 'numeric') || (a === 'numeric' && b === 'integer'))
        return 'numeric';
    return 'text';
}
const INT_STR = /^-?\d+$/;
const DEC_STR = /^-?(?:\d+\.\d*|\.\d+)$/;
const DATE_STR = /^(\d{4})-(\d{2})-(\d{2})$/;
const BIGINT_MAX = 9223372036854775807n;
const BIGINT_MIN = (/* unused pure expression or super */ null && (-9223372036854775808n));
const TWO_63 = (/* unused pure expression or super */ null && (2 ** 63));
function isBlank(s) {
    return s.trim() === '';
}
function isIsoDate(s) {
    const m = DATE_STR.exec(s);
    if (!m)
        return false;
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (y < 1 || mo < 1 || mo > 12 || d < 1)
        return false;
    const dim = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month (leap-year agnostic)
    if (d > dim)
        return false;
    if (mo === 2 && d === 29)
        return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return true;
}
function intStrFits(s) {
    const v = BigInt(s);
    return v >= BIGINT_MIN && v <= BIGINT_MAX;
}
/** The narrowest type >= `t` that can hold `v`. */
function widenFor(t, v) {
    if (v === null || v === undefined || t === 'text')
        return t;
    if (typeof v === 'number') {
        if (t === 'date')
            return 'text';
        if (t === 'integer')
            return Number.isInteger(v) && v > -TWO_63 && v < TWO_63 ? 'integer' : 'numeric';
        return 'numeric'; // finite numbers print as plain decimals; NaN/±Infinity are valid numeric input
    }
    const s = String(v);
    if (isBlank(s))
        return t; // loads as NULL in a typed column
    if (t === 'date')
        return isIsoDate(s) ? 'date' : 'text';
    if (INT_STR.test(s))
        return t === 'integer' && !intStrFits(s) ? 'numeric' : t;
    if (DEC_STR.test(s))
        return 'numeric';
    return 'text';
}
/** Type of a column after seeing all of its incoming values (declared type widened as needed). */
function values_columnTypeFor(declared, values) {
    let t = declared;
    for (const v of values) {
        if (t === 'text')
            break;
        t = widenFor(t, v);
    }
    return t;
}
/** A finite JS number as a plain decimal string: never exponent notation (1e21 -> "1000000000000000000000"). */
function values_plainNumber(n) {
    if (Number.isNaN(n))
        return 'NaN';
    if (n === Infinity)
        return 'Infinity';
    if (n === -Infinity)
        return '-Infinity';
    const s = String(n); // "-0" prints as "0"
    const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
    if (!m)
        return s;
    const sign = m[1];
    const digits = m[2] + (m[3] ?? '');
    const exp = Number(m[4]);
    if (exp >= 0) {
        const pos = 1 + exp;
        return (sign +
            (digits.length <= pos
                ? digits + '0'.repeat(pos - digits.length)
                : `${digits.slice(0, pos)}.${digits.slice(pos)}`));
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
/** Always-quoted CSV text field; NUL cannot be stored in PostgreSQL text so it is dropped. */
function values_csvText(s) {
    const clean = s.includes('\u0000') ? s.split('\u0000').join('') : s;
    return `"${clean.replace(/"/g, '""')}"`;
}
/** CSV field for value `v` in a column of final type `t` (NULL = unquoted empty). */
function values_csvField(v, t) {
    if (v === null || v === undefined)
        return '';
    if (typeof v === 'number') {
        if (t === 'text')
            return values_csvText(values_plainNumber(v));
        return values_plainNumber(v);
    }
    const s = String(v);
    if (t !== 'text' && isBlank(s))
        return '';
    return values_csvText(s);
}
/** The `_dw_flags` column: each row's kept cell texts, `{"<column>": "<text>"}`. */
const values_FLAGS_COLUMN = '_dw_flags';
/** A row's flags as the JSON text PostgreSQL prints for the jsonb (keys by length, then name; `": "`), so the
 * Parquet written while loading equals the one read back; undefined when the row has none. */
function values_flagsJson(flags, columns) {
    if (!flags)
        return undefined;
    const keys = Object.keys(flags)
        .map(Number)
        .filter((j) => columns[j] !== undefined)
        .sort((a, b) => columns[a].length - columns[b].length || (columns[a] < columns[b] ? -1 : 1));
    if (!keys.length)
        return undefined;
    return `{${keys.map((j) => `${JSON.stringify(columns[j])}: ${JSON.stringify(flags[j])}`).join(', ')}}`;
}

;// CONCATENATED MODULE: ./src/load/schema.ts
// DDL: the datawarp/staging schemas, the ledger, staging tables and their (widen-only) evolution, and the
// locks that keep all of it safe when several runs share one database.



const schema_META_SCHEMA = 'datawarp';
const schema_STAGING_SCHEMA = 'staging';
/** DataWarp's own objects in META_SCHEMA that readers may query (the MCP server's role among them) */
const schema_META_OBJECTS = {
    /** the load ledger: one row per (file, sheet, table, bytes) loaded */
    ledger: 'tbl_manifest_files',
    /** one row per version of an item (pub, period): when, which files, the diff against the version before */
    versions: 'tbl_item_versions',
    /** rows, periods and sources per publication */
    totals: 'v_publication_totals',
};
const schema_LEDGER = `${(0,ident/* quoteIdent */.v4)(schema_META_SCHEMA)}.${(0,ident/* quoteIdent */.v4)(schema_META_OBJECTS.ledger)}`;
const schema_TOTALS_VIEW = `${(0,ident/* quoteIdent */.v4)(schema_META_SCHEMA)}.${(0,ident/* quoteIdent */.v4)(schema_META_OBJECTS.totals)}`;
const schema_HISTORY_SCHEMA = 'history';
const schema_VERSIONS = `${(0,ident/* quoteIdent */.v4)(schema_META_SCHEMA)}.${(0,ident/* quoteIdent */.v4)(schema_META_OBJECTS.versions)}`;
const SCHEMA_DDL = [
    `CREATE SCHEMA IF NOT EXISTS ${(0,ident/* quoteIdent */.v4)(schema_META_SCHEMA)}`,
    `CREATE SCHEMA IF NOT EXISTS ${(0,ident/* quoteIdent */.v4)(schema_STAGING_SCHEMA)}`,
    `CREATE TABLE IF NOT EXISTS ${schema_LEDGER} (
     pub text NOT NULL,
     source_code text NOT NULL,
     period text NOT NULL,
     file_url text NOT NULL,
     sheet text NOT NULL,
     table_name text NOT NULL,
     sha256 text NOT NULL,
     rows_loaded bigint NOT NULL DEFAULT 0,
     status text NOT NULL,
     loaded_at timestamptz NOT NULL DEFAULT now(),
     error text,
     version integer,
     superseded_in integer,
     superseded_at timestamptz,
     CONSTRAINT tbl_manifest_files_key UNIQUE (pub, period, file_url, sheet, table_name, sha256)
   )`,
    `CREATE SCHEMA IF NOT EXISTS ${(0,ident/* quoteIdent */.v4)(schema_HISTORY_SCHEMA)}`,
    `CREATE TABLE IF NOT EXISTS ${schema_VERSIONS} (
     pub text NOT NULL,
     period text NOT NULL,
     version integer NOT NULL,
     loaded_at timestamptz NOT NULL DEFAULT now(),
     reason text,
     files text NOT NULL DEFAULT '[]',
     rows_added bigint NOT NULL DEFAULT 0,
     rows_removed bigint NOT NULL DEFAULT 0,
     rows_changed bigint NOT NULL DEFAULT 0,
     cells_changed bigint NOT NULL DEFAULT 0,
     diff text NOT NULL DEFAULT '[]',
     PRIMARY KEY (pub, period, version)
   )`,
    // the extractor version that produced the loaded values (NULL: before versions were recorded)
    `ALTER TABLE ${schema_LEDGER} ADD COLUMN IF NOT EXISTS extractor text`,
    `CREATE TABLE IF NOT EXISTS ${(0,ident/* quoteIdent */.v4)(schema_META_SCHEMA)}.tbl_llm_calls (
     pub text NOT NULL,
     period text NOT NULL,
     table_id text NOT NULL,
     model text NOT NULL,
     prompt_tokens integer NOT NULL DEFAULT 0,
     completion_tokens integer NOT NULL DEFAULT 0,
     cost_usd numeric NOT NULL DEFAULT 0,
     ok boolean NOT NULL,
     called_at timestamptz NOT NULL DEFAULT now()
   )`,
    `CREATE OR REPLACE VIEW ${schema_TOTALS_VIEW} AS
     SELECT pub,
            count(DISTINCT period)::bigint AS periods_loaded,
            count(DISTINCT source_code)::bigint AS sources,
            coalesce(sum(rows_loaded), 0)::bigint AS total_rows
       FROM ${schema_LEDGER}
      WHERE status = 'loaded'
      GROUP BY pub`,
];
// ---- Schema-change locks: the one place that decides how concurrent runs change the schema ------------------
// `CREATE ... IF NOT EXISTS` checks the catalog and then inserts, so two runs creating the same table at once
// both insert and one fails on a catalog unique index (pg_type_typname_nsp_index); an ADD COLUMN or widening
// decided from an information_schema read that another run is about to change fails the same way. So every
// schema change runs in a transaction that FIRST takes transaction-scoped advisory locks on what it changes:
//   datawarp:ensureSchema       the datawarp/staging schemas, the ledger, tbl_llm_calls, the totals view
//   datawarp:staging.<table>    one staging table: create, add column, widen type, set/drop defaults, and
//                               the reads those decisions rest on (loader, rehydrate, restore); also its
//                               history.<table> (rows of superseded versions, src/load/history.ts)
// A transaction takes all its locks in one call, in sorted order, so transactions wanting overlapping sets
// of tables cannot wait on each other in a cycle (no deadlock, however many runs). PostgreSQL releases them
// at COMMIT or ROLLBACK. A hashtext collision only adds serialisation. The key strings must not change: runs
// of older and newer versions against one database have to agree on them.
const SCHEMA_LOCK = 'datawarp:ensureSchema';
const tableLock = (table) => `datawarp:staging.${table}`;
/** lock keys each open transaction holds, in the order taken (always ascending) */
const held = new WeakMap();
/**
 * Take advisory locks on `keys` in sorted order, held until the transaction ends. Refuses a key that sorts
 * before one the transaction already holds: all locks of a transaction must be asked for at once.
 */
async function lockKeys(tx, keys) {
    const taken = held.get(tx) ?? [];
    const fresh = [...new Set(keys)].filter((k) => !taken.includes(k)).sort();
    const last = taken.at(-1);
    if (last !== undefined && fresh.length > 0 && fresh[0] < last)
        throw new Error(`lock ${fresh[0]} asked for after ${last}: take every lock of a transaction at once`);
    held.set(tx, taken);
    for (const k of fresh) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [k]);
        taken.push(k);
    }
}
/** Lock the staging tables a transaction will create or change (all of them, in one call, up front). */
async function schema_lockTables(tx, tables) {
    await lockKeys(tx, tables.map(tableLock));
}
function schema_assertLocked(tx, table) {
    if (!held.get(tx)?.includes(tableLock(table)))
        throw new Error(`schema change of staging.${table} without its lock: call lockTables first`);
}
/** Create schemas, ledger and view. Idempotent. */
async function ensureSchema(db) {
    await db.transaction(async (tx) => {
        await lockKeys(tx, [SCHEMA_LOCK]);
        for (const sql of SCHEMA_DDL)
            await tx.query(sql);
        await migrateLedger(tx);
    });
}
/**
 * A ledger made before versions: add the version columns, and give the key the sha256 (so a file's replaced
 * bytes and its new ones are both recorded). Looked up first, so an up-to-date ledger is never ALTERed (an
 * ALTER waits for every open load of another run). At most one row per source is `loaded`.
 */
async function migrateLedger(tx) {
    const have = new Set((await schema_columnsOf(tx, schema_META_SCHEMA, 'tbl_manifest_files')).map((c) => c.name));
    const add = ['version integer', 'superseded_in integer', 'superseded_at timestamptz'].filter((c) => !have.has(c.split(' ')[0]));
    if (add.length)
        await tx.query(`ALTER TABLE ${schema_LEDGER} ${add.map((c) => `ADD COLUMN ${c}`).join(', ')}`);
    const [key] = await tx.query(`SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      WHERE c.conname = 'tbl_manifest_files_key' AND c.conrelid = '${schema_META_SCHEMA}.tbl_manifest_files'::regclass`);
    if (!key || !/sha256/.test(key.def))
        await tx.query(`ALTER TABLE ${schema_LEDGER} ${key ? 'DROP CONSTRAINT tbl_manifest_files_key, ' : ''}
         ADD CONSTRAINT tbl_manifest_files_key UNIQUE (${schema_LEDGER_KEY.join(', ')})`);
    const [idx] = await tx.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'tbl_manifest_files_current'`, [schema_META_SCHEMA]);
    if (!idx)
        await tx.query(`CREATE UNIQUE INDEX tbl_manifest_files_current ON ${schema_LEDGER} (pub, period, file_url, sheet, table_name)
        WHERE status = 'loaded'`);
}
/** The ledger's unique key (ON CONFLICT targets name these columns). */
const schema_LEDGER_KEY = (/* unused pure expression or super */ null && (['pub', 'period', 'file_url', 'sheet', 'table_name', 'sha256']));
async function schema_columnsOf(q, schema, table) {
    return q.query(`SELECT column_name AS name, data_type
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2
      ORDER BY ordinal_position`, [schema, table]);
}
function provenanceIndexName(table) {
    return `dw_prov_${createHash('sha1').update(table).digest('hex').slice(0, 16)}`;
}
/**
 * CREATE staging.<table> if it is missing (provenance columns + an index to find one file's rows).
 * The transaction must hold the table's lock (lockTables).
 */
async function schema_createStagingTable(tx, table) {
    assertIdent(table, 'table name');
    schema_assertLocked(tx, table);
    const t = qualified(schema_STAGING_SCHEMA, table);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${t} (
     "_dw_period" text NOT NULL,
     "_dw_file_url" text NOT NULL,
     "_dw_sha256" text NOT NULL,
     "_dw_sheet" text NOT NULL,
     "_dw_row" integer,
     "_dw_loaded_at" timestamptz NOT NULL DEFAULT now(),
     "_dw_row_kind" text
   )`);
    // detail / total / subtotal (src/load/row-kind.ts); rows of a table made before it hold NULL
    const [kind] = await tx.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`, [schema_STAGING_SCHEMA, table, '_dw_row_kind']);
    if (!kind)
        await tx.query(`ALTER TABLE ${t} ADD COLUMN "_dw_row_kind" text`);
    await tx.query(`CREATE INDEX IF NOT EXISTS ${quoteIdent(provenanceIndexName(table))} ON ${t} ("_dw_file_url", "_dw_period", "_dw_sheet")`);
}
function schema_usingExpr(col, fromDataType, to) {
    const c = quoteIdent(col);
    if (to === 'text' && fromDataType === 'date')
        return `to_char(${c}, 'YYYY-MM-DD')`;
    return `${c}::${SQL_TYPE[to]}`;
}
/**
 * Make staging.<table> able to take `wanted` columns: add the missing ones, widen those whose current
 * type is narrower. Never narrows. Returns the final ColumnType of every wanted column plus the changes.
 * The transaction must hold the table's lock (lockTables), taken before the columns are read.
 */
async function schema_evolveColumns(tx, table, wanted) {
    schema_assertLocked(tx, table);
    const t = qualified(schema_STAGING_SCHEMA, table);
    const existing = new Map((await schema_columnsOf(tx, schema_STAGING_SCHEMA, table)).map((c) => [c.name, c.data_type]));
    const types = new Map();
    const changes = [];
    for (const { name, type } of wanted) {
        const current = existing.get(name);
        if (current === undefined) {
            await tx.query(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(name)} ${SQL_TYPE[type]}`);
            changes.push({ column: name, action: 'add', to: SQL_TYPE[type] });
            types.set(name, type);
            continue;
        }
        const final = joinTypes(kindOfSqlType(current), type);
        if (SQL_TYPE[final] !== current) {
            await tx.query(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(name)} TYPE ${SQL_TYPE[final]} USING ${schema_usingExpr(name, current, final)}`);
            changes.push({ column: name, action: 'widen', from: current, to: SQL_TYPE[final] });
        }
        types.set(name, final);
    }
    return { types, changes };
}

;// CONCATENATED MODULE: ./src/load/history.ts



/**
 * The current (`loaded`) ledger rows of an item that belong to `files`, plus those of `sameUrl` with other bytes
 * (a file whose bytes changed at its URL: every table it loaded before, including ones it no longer has).
 */
async function history_sourcesToSupersede(q, item, files, sameUrl) {
    if (!files.length && !sameUrl)
        return [];
    return q.query(`SELECT file_url, sha256, sheet, table_name FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded'
        AND ((file_url, sha256) IN (SELECT * FROM unnest($3::text[], $4::text[]))
             OR (file_url = $5 AND sha256 <> $6))
      ORDER BY table_name, file_url, sheet`, [
        item.pub,
        item.period,
        files.map((f) => f.fileUrl),
        files.map((f) => f.sha256),
        sameUrl?.fileUrl ?? null,
        sameUrl?.sha256 ?? null,
    ]);
}
/**
 * Make history.<table> able to take staging.<table>'s rows: created like it (plus `_dw_superseded_at`) when
 * missing, missing columns added, narrower types widened to staging's. A history column wider than staging's
 * (text rows of versions an older extractor loaded, kept while staging's column narrowed to a number: see
 * src/load/narrow.ts) stays as it is: numbers go into text by assignment. The transaction holds the lock.
 */
async function ensureHistoryTable(tx, table) {
    assertLocked(tx, table);
    const staging = await columnsOf(tx, STAGING_SCHEMA, table);
    const h = qualified(HISTORY_SCHEMA, table);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(HISTORY_SCHEMA)}`);
    let have = await columnsOf(tx, HISTORY_SCHEMA, table);
    if (!have.length) {
        await tx.query(`CREATE TABLE ${h} AS SELECT * FROM ${qualified(STAGING_SCHEMA, table)} WITH NO DATA`);
        await tx.query(`ALTER TABLE ${h} ADD COLUMN "_dw_superseded_at" timestamptz NOT NULL DEFAULT now()`);
        await tx.query(`CREATE INDEX ON ${h} ("_dw_file_url", "_dw_period", "_dw_sheet")`);
        have = await columnsOf(tx, HISTORY_SCHEMA, table);
    }
    const types = new Map(have.map((c) => [c.name, c.data_type]));
    for (const c of staging) {
        const cur = types.get(c.name);
        if (cur === undefined) {
            await tx.query(`ALTER TABLE ${h} ADD COLUMN ${quoteIdent(c.name)} ${c.data_type}`);
            continue;
        }
        if (cur === c.data_type)
            continue;
        const to = joinTypes(kindOfSqlType(cur), kindOfSqlType(c.data_type));
        if (to === kindOfSqlType(c.data_type) && to !== kindOfSqlType(cur))
            await tx.query(`ALTER TABLE ${h} ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.data_type}
           USING ${usingExpr(c.name, cur, to)}`);
    }
    return staging.map((c) => c.name);
}
/**
 * Move the rows of `sources` from staging to history and mark their ledger rows `superseded` by `version`.
 * The transaction holds the locks of every table named (lockTables). Returns the rows moved.
 */
async function history_supersede(tx, item, sources, version) {
    let moved = 0;
    const columns = new Map();
    for (const s of sources) {
        if (!columns.has(s.table_name)) {
            const exists = (await columnsOf(tx, STAGING_SCHEMA, s.table_name)).length > 0;
            columns.set(s.table_name, exists ? await ensureHistoryTable(tx, s.table_name) : undefined);
        }
        const cols = columns.get(s.table_name);
        if (cols) {
            const list = cols.map(quoteIdent).join(', ');
            const where = `"_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`;
            const args = [s.file_url, item.period, s.sheet];
            const r = await tx.query(`WITH moved AS (DELETE FROM ${qualified(STAGING_SCHEMA, s.table_name)} WHERE ${where} RETURNING ${list}),
              ins AS (INSERT INTO ${qualified(HISTORY_SCHEMA, s.table_name)} (${list}, "_dw_superseded_at")
                      SELECT ${list}, now() FROM moved RETURNING 1)
         SELECT count(*)::text AS n FROM ins`, args);
            moved += Number(r[0]?.n ?? 0);
        }
        await tx.query(`UPDATE ${LEDGER} SET status = 'superseded', superseded_in = $7, superseded_at = now()
        WHERE pub = $1 AND period = $2 AND file_url = $3 AND sheet = $4 AND table_name = $5 AND sha256 = $6
          AND status = 'loaded'`, [item.pub, item.period, s.file_url, s.sheet, s.table_name, s.sha256, version]);
    }
    return moved;
}
/** A file gone from an item's new version: its rows go to history in one transaction of their own. */
async function supersedeFile(db, item, file, version) {
    return db.transaction(async (tx) => {
        const sources = await history_sourcesToSupersede(tx, item, [file]);
        await lockTables(tx, [...new Set(sources.map((s) => s.table_name))]);
        // read again under the locks: another run may have superseded them meanwhile
        const now = await history_sourcesToSupersede(tx, item, [file]);
        return { sources: now, rows: await history_supersede(tx, item, now, version) };
    });
}

;// CONCATENATED MODULE: ./src/manifest/extract/row-kind-rule.ts
// A table's row-kind rule as plain data (it travels in the manifest's table spec and to the Parquet worker) and
// its JavaScript reading. The patterns are whole-cell, case-insensitive, and written in the regular-expression
// subset JavaScript and PostgreSQL (`~*`) read alike, so src/load/row-kind.ts applies the same rule in SQL.
const row_kind_rule_PATTERNS = {
    /** `Total`, `Grand total`, `TOTAL:` */
    total: '^\\s*(grand\\s+)?totals?:?\\s*$',
    /** the national row */
    national: '^\\s*(england|e92000001)\\s*$',
    /** an NHS England region (ODS Y56..Y63) or an ONS region code */
    region: '^\\s*(y5[6-9]|y6[0-3]|e40[0-9]{6}|e12[0-9]{6})\\s*$',
    /** an ICB (ONS E54...) */
    icb: '^\\s*e54[0-9]{6}\\s*$',
    all: '^\\s*all\\s*$',
};
const cache = new Map();
function re(src) {
    let r = cache.get(src);
    if (!r) {
        r = new RegExp(src, 'i');
        if (cache.size < 1000)
            cache.set(src, r);
    }
    return r;
}
/** Longer cells are never aggregates' labels: the SQL checks the length before the pattern, cheaply. */
const row_kind_rule_MAX_LABEL = 40;
const test = (src, v) => v !== null && v.length <= row_kind_rule_MAX_LABEL && re(src).test(v);
/** The kind of one row; `cell(j)` gives the text of column j (null when empty). */
function row_kind_rule_classifyRow(rule, cell) {
    if (!rule)
        return 'detail';
    for (const j of rule.labels)
        if (test(row_kind_rule_PATTERNS.total, cell(j)))
            return 'total';
    if (rule.id !== undefined && rule.national && test(row_kind_rule_PATTERNS.national, cell(rule.id)))
        return 'total';
    if (rule.all?.length && rule.all.every((j) => test(row_kind_rule_PATTERNS.all, cell(j))))
        return 'total';
    if (rule.id !== undefined && rule.subtotal && test(rule.subtotal, cell(rule.id)))
        return 'subtotal';
    return 'detail';
}

;// CONCATENATED MODULE: ./src/load/row-kind.ts



const row_kind_ROW_KIND_COLUMN = '_dw_row_kind';
/** A value's text as the row-kind patterns read it (null when empty). */
function kindText(v) {
    if (v === null || v === undefined)
        return null;
    return typeof v === 'number' ? plainNumber(v) : String(v);
}
/** The kind of a row of values under the table's rule (the rule names values by their place in the row). */
function row_kind_rowKindOf(rule, row) {
    return rule ? classifyRow(rule, (j) => kindText(row[j])) : 'detail';
}
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
/** SQL conditions (total, subtotal) of the rule over `columns` (the names of the row's values), or undefined. */
function rowKindConditions(rule, columns) {
    if (!rule)
        return {};
    const col = (j) => (columns[j] === undefined ? undefined : `${quoteIdent(columns[j])}::text`);
    const match = (j, re) => {
        const c = col(j);
        return c === undefined ? undefined : `(length(${c}) <= ${MAX_LABEL} AND ${c} ~* ${lit(re)})`;
    };
    const total = [];
    for (const j of rule.labels)
        total.push(match(j, PATTERNS.total) ?? 'false');
    if (rule.id !== undefined && rule.national)
        total.push(match(rule.id, PATTERNS.national) ?? 'false');
    if (rule.all?.length)
        total.push(`(${rule.all.map((j) => match(j, PATTERNS.all) ?? 'false').join(' AND ')})`);
    const subtotal = rule.id !== undefined && rule.subtotal ? (match(rule.id, rule.subtotal) ?? undefined) : undefined;
    return {
        ...(total.length ? { total: `(${total.join(' OR ')})` } : {}),
        ...(subtotal ? { subtotal: `(${subtotal})` } : {}),
    };
}
/** Mark the total and subtotal rows of one (file, period, sheet) part the fast path loaded; its other rows stay
 * `detail`. */
async function row_kind_markRowKinds(tx, target, rule, columns, part) {
    const { total, subtotal } = rowKindConditions(rule, columns);
    if (!total && !subtotal)
        return;
    const kind = `CASE${total ? ` WHEN ${total} THEN 'total'` : ''}${subtotal ? ` WHEN ${subtotal} THEN 'subtotal'` : ''} ELSE 'detail' END`;
    const any = [total, subtotal].filter(Boolean).join(' OR ');
    await tx.query(`UPDATE ${target} SET ${quoteIdent(row_kind_ROW_KIND_COLUMN)} = ${kind}
      WHERE "_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3 AND (${any})`, [part.fileUrl, part.period, part.sheet]);
}

;// CONCATENATED MODULE: ./src/faults.ts
// A TEST HOOK, the only fault mechanism: the reliability and end-to-end tests make a run stop (kill -9), fail
// (throw) or pause at a named point of its work, so a test can kill it, or stop the database under it, at an
// exact place. Off (one environment lookup per point) unless DATAWARP_FAULT_AT is set; not a user setting:
//
//   DATAWARP_FAULT_AT=<point>[:<n>]   the n-th time (default 1) this process reaches <point>
//   DATAWARP_FAULT_ACTION=kill        (default) SIGKILL this process there
//   DATAWARP_FAULT_ACTION=throw       throw an Error ("injected fault at <point>:<n>") there, as a failing
//                                      read, write or query would
//   DATAWARP_FAULT_ACTION=pause:<file> write <file> (holding the point's name) and wait until it is removed
//   DATAWARP_FAULT_ACTION=exit-thread  end the worker thread that reaches it (the Parquet worker); ignored on the
//                                      main thread
//
// Points: download (each body chunk written), unzip (each inflated chunk of a member), parse (each batch of rows
// read from a file; on the fast path each chunk of its bytes), workbook (a workbook parsed), copy (each COPY
// chunk; on the fast path each MB), ledger (a file's ledger row written, before COMMIT), commit (after a file's
// COMMIT), export (a table's export starting), parquet (a Parquet row group written), parquet-rename (a Parquet
// file about to replace the old one), catalog (catalog.json about to be renamed), state (state.json's temp file
// written, before the rename), manifest (a manifest about to be written).


let counts;
function spec() {
    const at = process.env.DATAWARP_FAULT_AT;
    if (!at)
        return undefined;
    const i = at.lastIndexOf(':');
    const n = i > 0 ? Number(at.slice(i + 1)) : NaN;
    return Number.isInteger(n) && n > 0
        ? { point: at.slice(0, i), n, action: process.env.DATAWARP_FAULT_ACTION || 'kill' }
        : { point: at, n: 1, action: process.env.DATAWARP_FAULT_ACTION || 'kill' };
}
/** Reached a fault point: kills or pauses the process when DATAWARP_FAULT_AT names it (this time). The pause is
 * a promise (await it where the code is asynchronous); a kill happens at once. */
function faults_faultPoint(point) {
    const s = spec();
    if (!s || s.point !== point)
        return;
    counts ??= new Map();
    const seen = (counts.get(point) ?? 0) + 1;
    counts.set(point, seen);
    if (seen !== s.n)
        return;
    if (s.action === 'throw')
        throw new Error(`injected fault at ${point}:${seen} (DATAWARP_FAULT_AT)`);
    if (s.action === 'exit-thread') {
        if (!isMainThread)
            process.exit(1);
        return;
    }
    if (s.action.startsWith('pause:')) {
        const file = s.action.slice('pause:'.length);
        writeFileSync(file, `${point}:${seen}\n`);
        return new Promise((resolve) => {
            const poll = setInterval(() => {
                if (existsSync(file))
                    return;
                clearInterval(poll);
                resolve();
            }, 20);
        });
    }
    process.kill(process.pid, 'SIGKILL');
}

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: ./src/gc.ts
// Garbage collections the code asks for, where V8 on its own would wait too long: V8 collects when its heap
// fills, not by the bytes its objects hold outside it (a Buffer's memory is malloc's). `gc` is exposed from inside
// the process (as jest-leak-detector does), so no flag is needed; if the runtime refuses, these do nothing.


let gc;
function exposed() {
    if (gc === undefined) {
        try {
            setFlagsFromString('--expose-gc');
            gc = runInNewContext('gc');
        }
        catch {
            gc = null;
        }
    }
    return gc;
}
/** A full collection now (see src/manifest/extract/collect.ts for when a workbook asks). */
function collectGarbage() {
    exposed()?.();
}
/** A young-generation collection now: cheap (~1 ms), it frees the buffers of young objects already dead. */
function collectYoung() {
    exposed()?.({ type: 'minor' });
}
/** Bytes moved between two young collections by code that makes little other garbage (a download). */
const YOUNG_EVERY_BYTES = (/* unused pure expression or super */ null && (4 * 2 ** 20));
/** For a stream that moves bytes in new buffers and makes little other garbage (a download, the fast path's file):
 * told each chunk's size, it makes a young collection each time YOUNG_EVERY_BYTES more have gone by, so the dead
 * buffers are freed before they pile up in malloc's heap. */
function gc_youngCollections() {
    let due = YOUNG_EVERY_BYTES;
    return (bytes) => {
        due -= bytes;
        if (due > 0)
            return;
        due = YOUNG_EVERY_BYTES;
        collectYoung();
    };
}

;// CONCATENATED MODULE: ./src/load/copy.ts
// COPY of one table's rows into staging, inside the file's transaction. Two ways in:
// - rows: batches typed by the extractor become CSV text; a batch whose types are wider than the table's widens
//   the table first (between two COPY statements), so a late `12.5` or `abc` never fails the load; the first
//   batch carrying flags (cell texts kept beside their values) adds the `_dw_flags` jsonb column the same way;
//   each row's `_dw_row_kind` is read off its values here (row-kind.ts), so no UPDATE passes over the rows after;
// - raw (the fast path): the file's own bytes go straight to COPY, PostgreSQL parses
//   them, provenance and row numbers come from column defaults. When PostgreSQL rejects a value, everything of
//   the fast attempt is rolled back to a savepoint and the caller replays the rows.







/** A batch's column types widened by its own values (for rows that did not come from the typing extractor). */
function checkedTypes(batch) {
    return batch.types.map((t, j) => columnTypeFor(t, (function* () {
        for (const row of batch.rows)
            yield (row[j] ?? null);
    })()));
}
/** Distinct strings whose fields `Fields` keeps, over all columns, and the longest it keeps: at most ~8 MB held
 * however many rows or long texts go by. */
const FIELDS_KEPT = (/* unused pure expression or super */ null && (2 ** 15));
const FIELD_KEPT_LENGTH = 64;
/**
 * Each column's string fields by value, for one COPY (its column types fixed): a workbook's strings are its shared
 * strings, the same few thousand codes, names and categories row after row, so each is quoted once instead of once
 * per row (a new string per field and per row, and the quoting's search). Longer strings, and any past FIELDS_KEPT
 * values, are quoted as they come.
 */
class Fields {
    types;
    kept;
    size = 0;
    constructor(types) {
        this.types = types;
        this.kept = types.map(() => new Map());
    }
    /** strings kept, over all columns */
    get count() {
        return this.size;
    }
    of(v, j) {
        if (typeof v !== 'string' || v.length > FIELD_KEPT_LENGTH)
            return csvField(v, this.types[j]);
        let f = this.kept[j].get(v);
        if (f !== undefined)
            return f;
        f = csvField(v, this.types[j]);
        if (this.size < FIELDS_KEPT) {
            this.kept[j].set(v, f);
            this.size++;
        }
        return f;
    }
}
/** The batch as COPY text, one string. Made in pieces of a few thousand fields instead (young garbage), the
 * 200,000-row workbook's peak fell (338 -> 310 MB) but the 2,000,000-row one rose (363 -> 449 MB): the pieces' garbage
 * brought collections while each batch's rows were alive, so the rows were promoted instead (docs/benchmarks.md). */
function encode(batch, t, fields) {
    const width = t.types.length;
    const rule = t.rowKinds;
    const line = width + 1 + (t.flags ? 1 : 0) + (rule ? 1 : 0);
    const parts = new Array(batch.rows.length * line);
    let k = 0;
    for (let i = 0; i < batch.rows.length; i++) {
        const row = batch.rows[i];
        const srcRow = batch.sourceRows[i];
        parts[k++] = Number.isInteger(srcRow) && Math.abs(srcRow) < 2 ** 31 ? String(srcRow) : '';
        for (let j = 0; j < width; j++)
            parts[k++] = fields.of(row[j], j);
        if (t.flags) {
            const json = flagsJson(batch.flags?.[i], t.columns);
            parts[k++] = json === undefined ? '' : csvText(json);
        }
        if (rule) {
            const kind = rowKindOf(rule, row);
            if (kind === 'total')
                t.totalRows = (t.totalRows ?? 0) + 1;
            parts[k++] = kind;
        }
    }
    // fields joined by ',' and lines by '\n', in one join per line
    const lines = new Array(batch.rows.length);
    for (let i = 0, s = 0; i < lines.length; i++, s += line)
        lines[i] = parts.slice(s, s + line).join(',');
    return lines.join('\n') + '\n';
}
async function widen(tx, t, wanted, sink) {
    const changed = t.columns
        .map((name, j) => ({ name, type: joinTypes(t.types[j], wanted[j]), j }))
        .filter((c) => c.type !== t.types[c.j]);
    if (!changed.length)
        return;
    sink?.fail(); // the rows seen so far were typed for the narrower column
    await evolveColumns(tx, t.table, changed);
    for (const c of changed)
        t.types[c.j] = c.type;
}
/** Add `_dw_flags` (jsonb) to the table, once. */
async function copy_addFlagsColumn(tx, t, sink) {
    if (t.flags)
        return;
    sink?.fail(); // the sink's table had no such column
    await tx.query(`ALTER TABLE ${qualified(STAGING_SCHEMA, t.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(FLAGS_COLUMN)} jsonb`);
    t.flags = true;
}
const hasFlags = (b) => !!b.flags?.some((f) => f);
function needsWidening(t, batch, wanted) {
    return (!t.flags && hasFlags(batch)) || wanted.some((w, j) => joinTypes(t.types[j], w) !== t.types[j]);
}
/** COPY every batch; returns the rows copied. `check` re-derives each batch's types from its values. */
async function copy_copyRows(tx, t, batches, opts) {
    const target = qualified(STAGING_SCHEMA, t.table);
    const it = batches[Symbol.asyncIterator]();
    let pending;
    let done = false;
    let copied = 0;
    let chunk = 0;
    const next = async () => {
        const r = await it.next();
        if (r.done)
            return undefined;
        await faultPoint('parse');
        return { batch: r.value, types: opts.check ? checkedTypes(r.value) : r.value.types };
    };
    while (!done) {
        if (!pending)
            pending = await next();
        if (!pending)
            break;
        await widen(tx, t, pending.types, opts.sink);
        if (hasFlags(pending.batch))
            await copy_addFlagsColumn(tx, t, opts.sink);
        // One COPY until a batch needs a wider column: then the COPY ends, the column widens, another starts.
        const fields = new Fields([...t.types]);
        const chunks = async function* () {
            while (pending) {
                const b = pending;
                pending = undefined;
                yield encode(b.batch, t, fields);
                await opts.sink?.rows(b.batch);
                copied += b.batch.rows.length;
                opts.onRows?.((opts.rowsBefore ?? 0) + copied);
                await opts.onChunk?.(++chunk);
                await faultPoint('copy');
                pending = await next();
                if (!pending)
                    done = true;
                else if (needsWidening(t, pending.batch, pending.types))
                    return;
            }
        };
        const extra = [...(t.flags ? [FLAGS_COLUMN] : []), ...(t.rowKinds ? [ROW_KIND_COLUMN] : [])];
        await tx.copyCsv(target, ['_dw_row', ...t.columns, ...extra], chunks());
    }
    return copied;
}
/** SQLSTATEs of values PostgreSQL would not take (data exceptions, bad CSV): the fast path gives way. */
function isDataRejection(err) {
    const code = err?.code ?? '';
    return code.startsWith('22') || code === '0A000';
}
/** The fast path: COPY the file's bytes. Returns the rows copied, or undefined when PostgreSQL refused a value
 * (nothing of the attempt is left). */
async function copy_copyRawCsv(tx, t, raw, opts) {
    const target = qualified(STAGING_SCHEMA, t.table);
    const seq = qualified(META_SCHEMA, `dw_rows_${randomBytes(6).toString('hex')}`);
    await tx.query('SAVEPOINT dw_fast');
    try {
        await tx.query(`CREATE SEQUENCE ${seq} START ${raw.firstRow} MINVALUE 0`);
        await tx.query(`ALTER TABLE ${target} ALTER COLUMN "_dw_row" SET DEFAULT nextval('${seq}')`);
        const copied = await tx.copyFile(target, t.columns, raw, counted(raw, opts));
        await tx.query(`ALTER TABLE ${target} ALTER COLUMN "_dw_row" DROP DEFAULT`);
        await tx.query(`DROP SEQUENCE ${seq}`);
        await tx.query('RELEASE SAVEPOINT dw_fast');
        return copied;
    }
    catch (err) {
        opts.sink?.fail();
        if (!isDataRejection(err))
            throw err;
        await tx.query('ROLLBACK TO SAVEPOINT dw_fast');
        return undefined;
    }
}
/** Pass bytes on, reporting approximate rows (line breaks) and a chunk every MB for the hooks. The bytes are read
 * into a new buffer each, freed only when collected, and this path makes little other garbage: young collections
 * keep them from piling up in malloc's heap (`youngCollections`, src/gc.ts). */
async function* counted(raw, opts) {
    let lines = 0;
    let bytes = 0;
    let chunk = 0;
    const collect = youngCollections();
    for await (const b of raw.open()) {
        collect(b.length);
        await faultPoint('parse');
        yield b;
        await opts.sink?.raw(raw, b);
        const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
        for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1))
            lines++;
        bytes += b.length;
        if (bytes >= 1 << 20) {
            bytes = 0;
            opts.onRows?.((opts.rowsBefore ?? 0) + lines);
            await opts.onChunk?.(++chunk);
            await faultPoint('copy');
        }
    }
}

;// CONCATENATED MODULE: ./src/load/narrow.ts



/** A number as the loader writes one into a text column (plainNumber): no leading zeros, no exponent, no sign
 * but `-`. A code such as `0123` is not one, so a column of codes never narrows. */
const NUMBER_TEXT = (/* unused pure expression or super */ null && (String.raw `^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`));
const INTEGER_TEXT = (/* unused pure expression or super */ null && (String.raw `^-?[0-9]{1,18}$`));
/** One scan of the table for every candidate column: per period, the values that are not numbers (with an
 * example) and whether the values are all integers. */
async function scan(tx, table, columns) {
    const parts = columns.map((name, k) => {
        const c = quoteIdent(name);
        const filled = `${c} IS NOT NULL AND btrim(${c}) <> ''`;
        const bad = `${filled} AND btrim(${c}) !~ '${NUMBER_TEXT}'`;
        return (`count(*) FILTER (WHERE ${bad})::int AS b${k}, min(${c}) FILTER (WHERE ${bad}) AS e${k}, ` +
            `bool_and(btrim(${c}) ~ '${INTEGER_TEXT}') FILTER (WHERE ${filled}) AS i${k}`);
    });
    return tx.query(`SELECT "_dw_period" AS period, ${parts.join(', ')} FROM ${qualified(STAGING_SCHEMA, table)}
      GROUP BY 1 ORDER BY 1`);
}
/** Of `periods`, those whose rows of the table an older extractor loaded (their ledger says another version). */
async function olderPeriods(tx, table, periods, extractor) {
    const rows = await tx.query(`SELECT DISTINCT period FROM ${LEDGER}
      WHERE source_code = $1 AND status = 'loaded' AND period = ANY($2::text[])
        AND extractor IS DISTINCT FROM $3`, [table, periods, extractor]);
    return new Set(rows.map((r) => r.period));
}
function blockedMessage(table, column, pub, old) {
    const list = old
        .slice(0, 5)
        .map((b) => `${b.period} (${b.n} value${b.n === 1 ? '' : 's'} such as ${JSON.stringify(b.example)})`)
        .join(', ');
    const more = old.length > 5 ? ` and ${old.length - 5} more` : '';
    const first = old[0].period;
    return (`staging.${table}.${column} stays text: periods ${list}${more} hold values that are not numbers, loaded by ` +
        `an older extractor; reload them with \`datawarp backfill --force --pub ${pub} --period ${first}\` ` +
        `(each period in turn) and the column becomes numeric`);
}
/**
 * Narrow the `text` columns of staging.<table> that `wanted` types as numbers, where every stored value allows
 * it. `current` is each wanted column's type in the table now; it is updated for the columns narrowed.
 */
async function narrow_narrowColumns(tx, table, wanted, current, ctx) {
    assertLocked(tx, table);
    const out = { narrowed: [], warnings: [] };
    const t = qualified(STAGING_SCHEMA, table);
    const candidates = [...wanted.entries()].filter(([j, w]) => current[j] === 'text' && (w.type === 'integer' || w.type === 'numeric'));
    if (!candidates.length)
        return out;
    const periods = await scan(tx, table, candidates.map(([, w]) => w.name));
    for (const [k, [j, { name, type }]] of candidates.entries()) {
        const blocked = periods
            .filter((p) => Number(p[`b${k}`]) > 0)
            .map((p) => ({ period: p.period, n: Number(p[`b${k}`]), example: String(p[`e${k}`]) }));
        if (blocked.length) {
            const older = await olderPeriods(tx, table, blocked.map((b) => b.period), ctx.extractor);
            const old = blocked.filter((b) => older.has(b.period));
            // text loaded by the current extractor is text it decided on: nothing a reload would change
            if (old.length)
                out.warnings.push(blockedMessage(table, name, ctx.pub, old));
            continue;
        }
        const ints = periods.every((p) => p[`i${k}`] !== false);
        const to = type === 'integer' && ints ? 'integer' : 'numeric';
        const c = quoteIdent(name);
        await tx.query('SAVEPOINT dw_narrow');
        try {
            await tx.query(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${SQL_TYPE[to]} USING NULLIF(btrim(${c}), '')::${SQL_TYPE[to]}`);
            await tx.query('RELEASE SAVEPOINT dw_narrow');
        }
        catch (err) {
            if (!(err?.code ?? '').startsWith('22'))
                throw err;
            await tx.query('ROLLBACK TO SAVEPOINT dw_narrow');
            out.warnings.push(`staging.${table}.${name} stays text: its values are numbers but PostgreSQL would not make them ` +
                `${SQL_TYPE[to]} (${err.message})`);
            continue;
        }
        current[j] = to;
        out.narrowed.push({ column: name, to });
    }
    return out;
}

;// CONCATENATED MODULE: ./src/load/reconcile.ts


/** Means, medians, rates, ratios, shares, percentages: a total of these is no sum of its rows. */
const NOT_ADDITIVE = /(^|_)(mean|means|average|averages|avg|median|medians|rate|rates|ratio|ratios|share|shares|percent|percentage|percentages|pct|proportion|proportions|per|perc)(_|$)/;
const PERCENT_NOTE = /Unit: percent/;
function isNotAdditive(column) {
    return (NOT_ADDITIVE.test(column.name) ||
        /%|\b(mean|median|average|rate|ratio|share|percent(age)?|proportion)\b/i.test(column.header ?? '') ||
        PERCENT_NOTE.test(column.description ?? ''));
}
const isNumeric = (t) => t === 'integer' || t === 'numeric';
/** Reconcile one part; undefined unless it has exactly one `total` row and a numeric column. `totalRows`: the
 * part's total rows when counted as they were copied (the typed path); then the rows are read only for one. */
async function reconcile_reconcilePart(tx, target, columns, part, totalRows) {
    const numeric = columns.filter((c) => isNumeric(c.type));
    if (!numeric.length || (totalRows !== undefined && totalRows !== 1))
        return undefined;
    const where = `"_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`;
    const params = [part.fileUrl, part.period, part.sheet];
    const kind = quoteIdent(ROW_KIND_COLUMN);
    const totals = await tx.query(`SELECT "_dw_row" AS r FROM ${target} WHERE ${where} AND ${kind} = 'total' LIMIT 2`, params);
    if (totals.length !== 1)
        return undefined;
    const additive = numeric.filter((c) => !isNotAdditive(c));
    const out = numeric
        .filter((c) => !additive.includes(c))
        .map((c) => ({ column: c.name, status: 'not additive' }));
    if (additive.length) {
        const exprs = additive.map((c, k) => {
            const q = quoteIdent(c.name);
            const tot = `(SELECT ${q}::numeric FROM ${target} WHERE ${where} AND ${kind} = 'total')`;
            return `${tot}::text AS t${k}, (sum(${q}) FILTER (WHERE ${kind} = 'detail'))::numeric::text AS s${k},
              (count(${q}) FILTER (WHERE ${kind} = 'detail'))::int AS n${k},
              CASE WHEN ${tot} IS NULL OR sum(${q}) FILTER (WHERE ${kind} = 'detail') IS NULL THEN 'no values'
                   WHEN ${tot} = sum(${q}) FILTER (WHERE ${kind} = 'detail') THEN 'exact'
                   WHEN abs(${tot} - sum(${q}) FILTER (WHERE ${kind} = 'detail'))
                        <= greatest(0.5 * count(${q}) FILTER (WHERE ${kind} = 'detail'), 0.001 * abs(${tot}))
                     THEN 'within rounding'
                   ELSE 'differs' END AS st${k},
              (${tot} - sum(${q}) FILTER (WHERE ${kind} = 'detail'))::text AS d${k}`;
        });
        const [row] = await tx.query(`SELECT ${exprs.join(', ')} FROM ${target} WHERE ${where}`, params);
        additive.forEach((c, k) => {
            const status = row[`st${k}`];
            const total = row[`t${k}`];
            const sum = row[`s${k}`];
            out.push({
                column: c.name,
                status,
                ...(total !== null ? { total: String(total) } : {}),
                ...(sum !== null ? { sum: String(sum) } : {}),
                ...(status === 'differs' || status === 'within rounding' ? { difference: String(row[`d${k}`]) } : {}),
                rows: Number(row[`n${k}`]),
            });
        });
    }
    const order = new Map(numeric.map((c, j) => [c.name, j]));
    out.sort((a, b) => order.get(a.column) - order.get(b.column));
    return { totalRow: totals[0].r === null ? null : Number(totals[0].r), columns: out };
}
/** One line per column that does not reconcile (for warnings and the run summary). */
function reconcile_reconciliationWarnings(table, r) {
    if (!r)
        return [];
    return r.columns
        .filter((c) => c.status === 'differs')
        .map((c) => `staging.${table}: the total row (row ${r.totalRow ?? '?'}) of ${c.column} is ${c.total}, its detail rows sum to ${c.sum} (difference ${c.difference})`);
}

;// CONCATENATED MODULE: ./src/load/load-parts.ts

/** The columns as reconciliation reads them: the table's types, the source's headers and descriptions. */
function load_parts_reconcileColumns(t, specColumns, planColumns) {
    return t.columns.map((name, j) => {
        const spec = specColumns[j];
        const plan = planColumns[j];
        return {
            name,
            type: t.types[j],
            header: plan?.header ?? spec?.header,
            description: [spec?.description, plan?.description].filter(Boolean).join(' '),
        };
    });
}
async function load_parts_openSink(tx, tap, input, sheet, t, rowKinds) {
    const [now] = await tx.query(`SELECT (extract(epoch from now()) * 1000)::bigint::text AS ms`);
    return tap.begin({
        table: t.table,
        period: input.period,
        fileUrl: input.fileUrl,
        sha256: input.sha256,
        sheet,
        tableColumns: (await columnsOf(tx, STAGING_SCHEMA, t.table)).map((c) => ({
            column_name: c.name,
            data_type: c.data_type,
        })),
        columns: t.columns,
        loadedAtMs: Number(now.ms),
        ...(rowKinds ? { rowKinds } : {}),
    });
}

;// CONCATENATED MODULE: ./src/load/loader.ts











const DEFAULT_CHUNK_ROWS = 50_000;
/** A load failure; everything of the file was rolled back. */
class LoadError extends Error {
    fileUrl;
    table;
    sheet;
    constructor(fileUrl, where, cause) {
        const msg = cause instanceof Error ? cause.message : String(cause);
        const at = where.table
            ? ` at table staging.${where.table}${where.sheet !== undefined ? ` (sheet ${JSON.stringify(where.sheet)})` : ''}`
            : '';
        super(`loading ${fileUrl} failed${at}: ${msg}`, { cause });
        this.name = 'LoadError';
        this.fileUrl = fileUrl;
        this.table = where.table;
        this.sheet = where.sheet;
    }
}
/** In-memory rows as a source; their declared types are checked against the values batch by batch. */
function tableSource(table) {
    if (table.sourceRows && table.sourceRows.length !== table.rows.length) {
        throw new Error(`rows (${table.rows.length}) and sourceRows (${table.sourceRows.length}) differ in length`);
    }
    return {
        spec: table.spec,
        sample: [],
        async *batches(n) {
            const types = table.spec.columns.map((c) => c.type ?? 'text');
            for (let i = 0; i < table.rows.length; i += n) {
                yield {
                    rows: table.rows.slice(i, i + n),
                    sourceRows: table.sourceRows?.slice(i, i + n) ?? [],
                    types,
                    ...(table.flags ? { flags: table.flags.slice(i, i + n) } : {}),
                };
            }
        },
    };
}
function prepare(entry) {
    const { source } = entry;
    if (!source || !(entry.table || entry.rows))
        throw new Error('each table needs a source plan and its rows (table or rows)');
    const name = assertIdent(source.sourceCode, 'table name (sourceCode)');
    const columns = source.columns.map((c) => assertDataColumn(c.name));
    const seen = new Set();
    for (const c of columns) {
        if (seen.has(c))
            throw new Error(`duplicate column name ${JSON.stringify(c)}`);
        seen.add(c);
    }
    const rows = entry.rows ?? tableSource(entry.table);
    if (rows.spec?.columns && rows.spec.columns.length !== columns.length) {
        throw new Error(`source plan has ${columns.length} columns but the extracted table has ${rows.spec.columns.length}`);
    }
    if (entry.table && !entry.rows) {
        // declared types, then each batch checked against its values
        rows.spec = { ...rows.spec, columns: source.columns.map((c) => ({ ...c, type: c.type ?? 'text' })) };
    }
    return { entry, table: name, columns, rows, check: !entry.rows };
}
/** A SQL string literal (standard_conforming_strings: only quotes need doubling; NUL cannot be stored). */
function sqlLiteral(s) {
    return `'${s.split('\u0000').join('').replace(/'/g, "''")}'`;
}
/** COPY the table's rows into `t` (the raw CSV fast path when it can, else batch by batch), feeding the tap. */
async function copyTable(tx, input, p, t, opts, progress) {
    const { entry, table } = p;
    let fast = false;
    const hooks = {
        rowsBefore: progress.rows,
        onRows: opts.onProgress,
        onChunk: opts.onChunk ? (chunk) => opts.onChunk({ table, chunk }) : undefined,
        sink: opts.tap ? await openSink(tx, opts.tap, input, entry.sheet, t, p.rows.spec.rowKinds) : undefined,
    };
    let copied;
    try {
        copied = p.rows.raw && opts.fastPath !== false ? await copyRawCsv(tx, t, p.rows.raw, hooks) : undefined;
        if (copied === undefined) {
            const chunkRows = Math.max(1, Math.floor(opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
            copied = await copyRows(tx, t, p.rows.batches(chunkRows), { ...hooks, check: p.check });
        }
        else
            fast = true;
        await hooks.sink?.end(copied);
    }
    catch (e) {
        hooks.sink?.fail();
        throw e;
    }
    return { copied, fast };
}
/** The ledger row of a loaded file/sheet/table (inserted, or the earlier one replaced). */
async function recordLoaded(tx, key, entry, input, copied, extractor) {
    await tx.query(`INSERT INTO ${LEDGER} (pub, period, file_url, sheet, table_name, source_code, sha256, rows_loaded, status, loaded_at, error, version, extractor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded', now(), NULL, $9, $10)
     ON CONFLICT (${LEDGER_KEY.join(', ')}) DO UPDATE
        SET source_code = EXCLUDED.source_code, rows_loaded = EXCLUDED.rows_loaded, status = 'loaded',
            loaded_at = now(), error = NULL, version = EXCLUDED.version, superseded_in = NULL, superseded_at = NULL,
            extractor = EXCLUDED.extractor`, [...key, entry.source.sourceCode, input.sha256, copied, input.version ?? null, extractor]);
}
async function loadTable(tx, input, p, opts, progress) {
    const { entry, table } = p;
    const key = [input.pub, input.period, input.fileUrl, entry.sheet, entry.source.tableName];
    const base = { file_url: input.fileUrl, sheet: entry.sheet, table_name: entry.source.tableName };
    const extractor = input.extractor ?? EXTRACTOR_VERSION;
    const prior = await tx.query(`SELECT sha256, status, extractor FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND file_url = $3 AND sheet = $4 AND table_name = $5 AND status = 'loaded'
      FOR UPDATE`, key);
    const p0 = prior[0];
    if (p0 && p0.status === 'loaded' && p0.sha256 === input.sha256 && p0.extractor === extractor) {
        return { ...base, rows_loaded: 0, status: 'skipped' };
    }
    await createStagingTable(tx, table);
    const wanted = p.columns.map((name, j) => ({ name, type: p.rows.spec.columns[j]?.type ?? 'text' }));
    const { types } = await evolveColumns(tx, table, wanted);
    const { rowKinds } = p.rows.spec;
    const t = { table, columns: p.columns, types: p.columns.map((c) => types.get(c)), rowKinds };
    t.flags = (await columnsOf(tx, STAGING_SCHEMA, table)).some((c) => c.name === FLAGS_COLUMN);
    // flags the extractor already counted: the column goes in before the Parquet sink reads the table's shape
    if (p.rows.spec.columns.some((c) => c.flagged) || entry.table?.flags?.some(Boolean))
        await addFlagsColumn(tx, t);
    const target = qualified(STAGING_SCHEMA, table);
    // Replace semantics: whatever this file/sheet put in the table before goes (no-op on a first load).
    await tx.query(`DELETE FROM ${target} WHERE "_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`, [input.fileUrl, input.period, entry.sheet]);
    // a column an older extractor loaded as text narrows to the number this file's spec says, once the table
    // holds nothing else (src/load/narrow.ts)
    const narrow = await narrowColumns(tx, table, wanted, t.types, { pub: input.pub, extractor });
    // The file's constant provenance (period, URL, sha256, sheet) goes in as column defaults for the length of
    // the COPY rather than on every line. ALTER ... SET DEFAULT is catalog-only and, like the rows, undone on
    // rollback.
    const constants = [
        ['_dw_period', input.period],
        ['_dw_file_url', input.fileUrl],
        ['_dw_sha256', input.sha256],
        ['_dw_sheet', entry.sheet],
        [ROW_KIND_COLUMN, 'detail'],
    ];
    await tx.query(`ALTER TABLE ${target} ${constants.map(([c, v]) => `ALTER COLUMN ${quoteIdent(c)} SET DEFAULT ${sqlLiteral(v)}`).join(', ')}`);
    const { copied, fast } = await copyTable(tx, input, p, t, opts, progress);
    progress.rows += copied;
    // the fast path's totals and subtotals marked in the file's transaction (typed rows carried theirs)
    const part = { fileUrl: input.fileUrl, period: input.period, sheet: entry.sheet };
    if (fast)
        await markRowKinds(tx, target, rowKinds, p.columns, part);
    const reconciliation = await reconcilePart(tx, target, reconcileColumns(t, p.rows.spec.columns, p.entry.source.columns), part, fast ? undefined : (t.totalRows ?? 0));
    const warnings = [...narrow.warnings, ...reconciliationWarnings(table, reconciliation)];
    await tx.query(`ALTER TABLE ${target} ${constants.map(([c]) => `ALTER COLUMN ${quoteIdent(c)} DROP DEFAULT`).join(', ')}`);
    if (p.check && entry.table && copied !== entry.table.rows.length)
        throw new Error(`COPY reported ${copied} rows, expected ${entry.table.rows.length}`);
    await recordLoaded(tx, key, entry, input, copied, extractor);
    return {
        ...base,
        rows_loaded: copied,
        status: 'loaded',
        fast,
        types: Object.fromEntries(t.columns.map((c, j) => [c, t.types[j]])),
        ...(narrow.narrowed.length ? { narrowed: narrow.narrowed.map((n) => n.column) } : {}),
        ...(warnings.length ? { warnings } : {}),
        ...(reconciliation ? { reconciliation } : {}),
    };
}
/** Tables of one file per transaction (see loadFile). */
const TABLES_PER_TRANSACTION = 500;
/**
 * Load every table of one file in ONE transaction (a file of more than TABLES_PER_TRANSACTION tables: one per
 * group of that many): unchanged (same sha256) tables are skipped, changed
 * ones replace what the file loaded before, new columns are added and types widen as needed.
 * On any error nothing of the file stays (tables and ledger) and a LoadError naming file and table is thrown.
 */
async function loadFile(db, input, opts = {}) {
    const where = {};
    try {
        for (const k of ['pub', 'period', 'fileUrl', 'sha256']) {
            if (typeof input[k] !== 'string' || input[k] === '')
                throw new Error(`input.${k} must be a non-empty string`);
        }
        const prepared = [];
        const keys = new Set();
        for (const entry of input.tables) {
            where.table = entry.source?.sourceCode;
            where.sheet = entry.sheet;
            if (typeof entry.sheet !== 'string')
                throw new Error('sheet must be a string');
            const k = JSON.stringify([entry.sheet, entry.source?.tableName]);
            if (keys.has(k))
                throw new Error(`sheet ${JSON.stringify(entry.sheet)} / table ${entry.source.tableName} appears twice`);
            keys.add(k);
            prepared.push(prepare(entry));
        }
        where.table = undefined;
        where.sheet = undefined;
        const progress = { rows: 0 };
        let superseded = [];
        const files = [];
        // PostgreSQL's lock table holds max_locks_per_transaction x max_connections locks (6,400 by default) and a
        // new table takes several: a file of thousands of tables (a zip of 3,000 CSVs) loads in groups of tables, a
        // transaction each ("out of shared memory" otherwise). A group's ledger rows make it count on a re-run.
        // What the file replaces moves to history in the first group's transaction, before any new row loads.
        for (let g = 0; g === 0 || g < prepared.length; g += TABLES_PER_TRANSACTION) {
            const group = prepared.slice(g, g + TABLES_PER_TRANSACTION);
            const out = await db.transaction(async (tx) => {
                const self = { fileUrl: input.fileUrl, sha256: input.sha256 };
                const old = g === 0 ? await sourcesToSupersede(tx, input, input.supersede ?? [], self) : [];
                await lockTables(tx, [...group.map((p) => p.table), ...old.map((o) => o.table_name)]);
                if (g === 0) {
                    // read again under the locks
                    superseded = await sourcesToSupersede(tx, input, input.supersede ?? [], self);
                    await supersede(tx, input, superseded, input.version ?? null);
                }
                const done = [];
                for (const p of group) {
                    where.table = p.table;
                    where.sheet = p.entry.sheet;
                    done.push(await loadTable(tx, input, p, opts, progress));
                }
                where.table = undefined;
                where.sheet = undefined;
                await faultPoint('ledger');
                return done;
            });
            files.push(...out);
            await faultPoint('commit');
        }
        return { rowsLoaded: files.reduce((s, f) => s + f.rows_loaded, 0), files, superseded };
    }
    catch (err) {
        if (err instanceof LoadError)
            throw err;
        throw new LoadError(input.fileUrl, where, err);
    }
}

;// CONCATENATED MODULE: ./src/load/ledger.ts

function iso(v) {
    return v instanceof Date ? v.toISOString() : String(v);
}
async function ledgerRows(db, filter = {}) {
    const rows = await db.query(`SELECT pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status, loaded_at, error,
            extractor
       FROM ${LEDGER}
      WHERE ($1::text IS NULL OR pub = $1) AND ($2::text IS NULL OR period = $2)
      ORDER BY pub, period, file_url, sheet, table_name`, [filter.pub ?? null, filter.period ?? null]);
    return rows.map((r) => ({
        pub: String(r.pub),
        source_code: String(r.source_code),
        period: String(r.period),
        file_url: String(r.file_url),
        sheet: String(r.sheet),
        table_name: String(r.table_name),
        sha256: String(r.sha256),
        rows_loaded: Number(r.rows_loaded),
        status: String(r.status),
        loaded_at: iso(r.loaded_at),
        error: r.error == null ? null : String(r.error),
        extractor: r.extractor == null ? null : String(r.extractor),
    }));
}
async function ledgerTotals(db) {
    const rows = await db.query(`SELECT pub, periods_loaded, sources, total_rows FROM ${TOTALS_VIEW} ORDER BY pub`);
    return rows.map((r) => ({
        pub: String(r.pub),
        periods: Number(r.periods_loaded),
        sources: Number(r.sources),
        rows: Number(r.total_rows),
    }));
}
/** Columns of a table in schema `staging` (or `schema.table`), in table order. */
async function tableColumns(db, table) {
    const dot = table.indexOf('.');
    const schema = dot >= 0 ? table.slice(0, dot) : STAGING_SCHEMA;
    const name = dot >= 0 ? table.slice(dot + 1) : table;
    return columnsOf(db, schema.replace(/"/g, ''), name.replace(/"/g, ''));
}

;// CONCATENATED MODULE: ./src/load/ledger-queries.ts

/** Whether an item (pub, period) has any file loaded now. */
async function hasLoadedFiles(db, item) {
    const rows = await db.query(`SELECT 1 FROM ${LEDGER} WHERE pub = $1 AND period = $2 AND status = 'loaded' LIMIT 1`, [item.pub, item.period]);
    return rows.length > 0;
}
/** The periods a table has loaded files of, `except` one, in order. */
async function loadedPeriodsOf(db, table, except) {
    const rows = await db.query(`SELECT DISTINCT period FROM ${LEDGER}
      WHERE table_name = $1 AND status = 'loaded' AND period <> $2 ORDER BY 1`, [table, except]);
    return rows.map((r) => r.period);
}
/** The (table, file, bytes) an item has loaded now, each once. */
async function loadedSourcesOf(db, item) {
    return db.query(`SELECT DISTINCT table_name, file_url, sha256 FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded'`, [item.pub, item.period]);
}
/** Every table with at least one loaded file. */
async function loadedTableNames(db) {
    const rows = await db.query(`SELECT DISTINCT table_name FROM ${LEDGER} WHERE status = 'loaded'`);
    return rows.map((r) => r.table_name);
}
/** The loaded files of the named tables, by table, period, file and sheet. */
async function loadedFilesOf(db, tables) {
    if (!tables.length)
        return [];
    const rows = await db.query(`SELECT pub, table_name, period, file_url, sheet, sha256, rows_loaded, version, extractor FROM ${LEDGER}
      WHERE status = 'loaded' AND table_name = ANY(string_to_array($1, ','))
      ORDER BY table_name, period, file_url, sheet`, [tables.join(',')]);
    return rows.map((r) => ({ ...r, rows_loaded: Number(r.rows_loaded) }));
}
/** The loaded (file, sheet, bytes) parts of a table's period, by file and sheet. */
async function loadedPartsOf(db, table, period) {
    return db.query(`SELECT file_url, sheet, sha256 FROM ${LEDGER}
      WHERE table_name = $1 AND period = $2 AND status = 'loaded' ORDER BY 1, 2`, [table, period]);
}
/** Rows the ledger records loaded for a table's period. */
async function loadedRowCount(db, table, period) {
    const r = await db.query(`SELECT sum(rows_loaded)::text AS n FROM ${LEDGER} WHERE table_name = $1 AND period = $2 AND status = 'loaded'`, [table, period]);
    return Number(r[0]?.n ?? 0);
}
/** Every ledger row in short, whatever its status. */
async function ledgerEntries(db) {
    const rows = await db.query(`SELECT pub, table_name, period, rows_loaded, status FROM ${LEDGER}`);
    return rows.map((r) => ({
        pub: String(r.pub),
        table_name: String(r.table_name),
        period: String(r.period),
        rows_loaded: Number(r.rows_loaded),
        status: String(r.status),
    }));
}

;// CONCATENATED MODULE: ./src/load/ledger-restore.ts

/** Record a catalog's loaded file in the ledger unless it is there. Returns whether a row was added. */
async function insertCatalogFile(tx, f) {
    const r = await tx.query(`INSERT INTO ${LEDGER}
       (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status, version, extractor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded', $9, $10)
     ON CONFLICT DO NOTHING RETURNING 1`, [f.pub, f.table, f.period, f.url, f.sheet, f.table, f.sha256, f.rows, f.version, f.extractor]);
    return r.length > 0;
}
/** Record that version `version` of an item is complete (files and diff unknown), unless it is recorded. */
async function markVersionComplete(tx, item, version) {
    await tx.query(`INSERT INTO ${VERSIONS} (pub, period, version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [item.pub, item.period, version]);
}
/**
 * The ledger says what a restored Parquet file holds: other bytes of the same source recorded as loaded give way
 * (superseded), and the source is recorded loaded with the rows the file held.
 */
async function recordRestoredSource(tx, s) {
    await tx.query(`UPDATE ${LEDGER} SET status = 'superseded', superseded_at = now()
      WHERE pub = $1 AND period = $3 AND file_url = $4 AND sheet = $5 AND table_name = $2 AND sha256 <> $6
        AND status = 'loaded'`, [s.pub, s.table, s.period, s.url, s.sheet, s.sha256]);
    await tx.query(`INSERT INTO ${LEDGER} (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
     VALUES ($1, $2, $3, $4, $5, $2, $6, $7, 'loaded')
     ON CONFLICT (pub, period, file_url, sheet, table_name, sha256) DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded, status = 'loaded'`, [s.pub, s.table, s.period, s.url, s.sheet, s.sha256, s.rows]);
}

;// CONCATENATED MODULE: ./src/load/diff.ts


const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);
const KEY = new Set([
    'text',
    'date',
    'character varying',
    'timestamp with time zone',
    'timestamp without time zone',
]);
/** Parts (file, sheet) of a table on one side of the version, as SQL conditions on the provenance columns. */
function partsWhere(parts, period, history) {
    const lit = (v) => `'${v.replace(/'/g, "''")}'`;
    if (!parts.length)
        return 'false';
    return `"_dw_period" = ${lit(period)} AND (${parts
        .map((p) => `("_dw_file_url" = ${lit(p.file_url)} AND "_dw_sheet" = ${lit(p.sheet)}` +
        (history
            ? ` AND "_dw_sha256" = ${lit(p.sha256)} AND "_dw_superseded_at" = ${lit(p.at)}::timestamptz)`
            : ')'))
        .join(' OR ')})`;
}
async function tableDiff(db, table, period, oldParts, newParts) {
    const staging = await columnsOf(db, STAGING_SCHEMA, table);
    const history = oldParts.length ? await columnsOf(db, HISTORY_SCHEMA, table) : [];
    const hist = new Map(history.map((c) => [c.name, c.data_type]));
    const data = staging.filter((c) => !c.name.startsWith('_dw_') && hist.has(c.name));
    const keys = data.filter((c) => KEY.has(c.data_type)).map((c) => quoteIdent(c.name));
    const nums = data
        .filter((c) => NUMERIC.has(c.data_type) && NUMERIC.has(hist.get(c.name)))
        .map((c) => quoteIdent(c.name));
    const key = keys.length ? `ROW(${keys.map((k) => `${k}::text`).join(', ')})::text` : `''`;
    const side = (from, where) => `SELECT ${key} AS k, row_number() OVER (PARTITION BY ${key} ORDER BY "_dw_file_url", "_dw_sheet", "_dw_row") AS rn
            ${nums.map((n, i) => `, ${n}::numeric AS n${i}`).join('')}
       FROM ${from} WHERE ${where}`;
    const oldSql = history.length
        ? side(qualified(HISTORY_SCHEMA, table), partsWhere(oldParts, period, true))
        : `SELECT ''::text AS k, 0::bigint AS rn ${nums.map((_, i) => `, NULL::numeric AS n${i}`).join('')} WHERE false`;
    const newSql = staging.length
        ? side(qualified(STAGING_SCHEMA, table), partsWhere(newParts, period, false))
        : `SELECT ''::text AS k, 0::bigint AS rn ${nums.map((_, i) => `, NULL::numeric AS n${i}`).join('')} WHERE false`;
    const differs = nums.map((_, i) => `(o.n${i} IS DISTINCT FROM n.n${i})::int`);
    const both = 'o.k IS NOT NULL AND n.k IS NOT NULL';
    const [r] = await db.query(`WITH o AS (${oldSql}), n AS (${newSql})
     SELECT count(*) FILTER (WHERE o.k IS NULL)::text AS added,
            count(*) FILTER (WHERE n.k IS NULL)::text AS removed,
            count(*) FILTER (WHERE ${both} AND ${differs.length ? differs.join(' + ') : '0'} > 0)::text AS rows,
            coalesce(sum(${differs.length ? differs.join(' + ') : '0'}) FILTER (WHERE ${both}), 0)::text AS cells
       FROM o FULL JOIN n ON o.k = n.k AND o.rn = n.rn`);
    return {
        table,
        rows_added: Number(r.added),
        rows_removed: Number(r.removed),
        rows_changed: Number(r.rows),
        cells_changed: Number(r.cells),
    };
}
/** The diff of version `version` of (pub, period), per table it touched. */
async function diff_versionDiff(db, item, version) {
    const rows = await db.query(`SELECT table_name, file_url, sheet, sha256, superseded_at::text AS at,
            CASE WHEN superseded_in = $3 THEN 'old' ELSE 'new' END AS side
       FROM ${LEDGER}
      WHERE pub = $1 AND period = $2
        AND (superseded_in = $3 OR (version = $3 AND status = 'loaded'))
      ORDER BY table_name, file_url, sheet`, [item.pub, item.period, version]);
    const tables = [...new Set(rows.map((r) => r.table_name))];
    const out = [];
    for (const t of tables) {
        const of = (side) => rows.filter((r) => r.table_name === t && r.side === side);
        out.push(await tableDiff(db, t, item.period, of('old'), of('new')));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/load/versions.ts


/** Where an item stands: its last complete version, the next one, its current files. */
async function versionState(db, item) {
    const [v] = await db.query(`SELECT max(version) AS n FROM ${VERSIONS} WHERE pub = $1 AND period = $2`, [item.pub, item.period]);
    const [l] = await db.query(`SELECT max(version) AS v, max(superseded_in) AS s, bool_or(version IS NULL AND status = 'loaded') AS legacy
       FROM ${LEDGER} WHERE pub = $1 AND period = $2`, [item.pub, item.period]);
    // a ledger written before versions were recorded holds version 1
    const current = Math.max(Number(v?.n ?? 0), l?.legacy ? 1 : 0);
    const begun = Math.max(Number(l?.v ?? 0), Number(l?.s ?? 0));
    const files = await db.query(`SELECT DISTINCT file_url AS url, sha256 FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded' ORDER BY 1, 2`, [item.pub, item.period]);
    return { current, next: begun > current ? begun : current + 1, files };
}
async function versionFiles(db, item, version) {
    const rows = await db.query(`SELECT file_url AS url, sha256, sum(rows_loaded)::text AS rows,
            CASE WHEN superseded_in = $3 THEN 'superseded' WHEN version = $3 THEN 'loaded' ELSE 'kept' END AS change
       FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (status = 'loaded' OR superseded_in = $3)
      GROUP BY 1, 2, 4 ORDER BY 4, 1`, [item.pub, item.period, version]);
    return rows.map((r) => ({ ...r, rows: Number(r.rows) }));
}
/**
 * Record version `version` of an item once its files are loaded, if the ledger shows it changed anything (rows
 * loaded or superseded under that number); the diff is computed in SQL. Idempotent. Returns the version, or
 * undefined when nothing changed.
 */
async function recordVersion(db, item, version, reason) {
    const [touched] = await db.query(`SELECT count(*)::text AS n FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (superseded_in = $3 OR (version = $3 AND status = 'loaded'))`, [item.pub, item.period, version]);
    if (Number(touched.n) === 0)
        return undefined;
    if (version === 2)
        await recordLegacyFirst(db, item);
    const files = await versionFiles(db, item, version);
    const diff = version > 1 ? await versionDiff(db, item, version) : [];
    const sum = (k) => diff.reduce((s, d) => s + d[k], 0);
    const added = version > 1 ? sum('rows_added') : files.reduce((s, f) => s + f.rows, 0);
    await db.query(`INSERT INTO ${VERSIONS} (pub, period, version, reason, files, rows_added, rows_removed, rows_changed, cells_changed, diff)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`, [
        item.pub,
        item.period,
        version,
        reason ?? null,
        JSON.stringify(files),
        added,
        sum('rows_removed'),
        sum('rows_changed'),
        sum('cells_changed'),
        JSON.stringify(diff),
    ]);
    return (await listVersions(db, { ...item, version }))[0];
}
/** A ledger from before versions: its first load becomes version 1, dated by its rows. */
async function recordLegacyFirst(db, item) {
    const files = await db.query(`SELECT file_url AS url, sha256, sum(rows_loaded)::text AS rows, min(loaded_at)::text AS at FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (version IS NULL OR version = 1) GROUP BY 1, 2 ORDER BY 1`, [item.pub, item.period]);
    if (!files.length)
        return;
    const list = files.map((f) => ({ url: f.url, sha256: f.sha256, rows: Number(f.rows), change: 'loaded' }));
    await db.query(`INSERT INTO ${VERSIONS} (pub, period, version, loaded_at, files, rows_added)
     VALUES ($1, $2, 1, $3::timestamptz, $4, $5) ON CONFLICT DO NOTHING`, [
        item.pub,
        item.period,
        files.map((f) => f.at).sort()[0],
        JSON.stringify(list),
        list.reduce((s, f) => s + f.rows, 0),
    ]);
}
/** Recorded versions, oldest first. */
async function listVersions(db, filter = {}) {
    const rows = await db.query(`SELECT pub, period, version, loaded_at, reason, files, rows_added, rows_removed, rows_changed, cells_changed, diff
       FROM ${VERSIONS}
      WHERE ($1::text IS NULL OR pub = $1) AND ($2::text IS NULL OR period = $2) AND ($3::int IS NULL OR version = $3)
      ORDER BY pub, period, version`, [filter.pub ?? null, filter.period ?? null, filter.version ?? null]);
    return rows.map((r) => ({
        pub: String(r.pub),
        period: String(r.period),
        version: Number(r.version),
        loaded_at: isoTime(r.loaded_at),
        reason: r.reason == null ? null : String(r.reason),
        files: JSON.parse(String(r.files)),
        rows_added: Number(r.rows_added),
        rows_removed: Number(r.rows_removed),
        rows_changed: Number(r.rows_changed),
        cells_changed: Number(r.cells_changed),
        diff: JSON.parse(String(r.diff)),
    }));
}
/**
 * Rows per table of the version before `version`: the rows `version` superseded and those loaded before it that
 * it kept.
 */
async function rowsBeforeVersion(db, item, version) {
    const rows = await db.query(`SELECT table_name, sum(rows_loaded)::text AS rows FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (superseded_in = $3 OR (status = 'loaded' AND version < $3)
        OR (status = 'loaded' AND version IS NULL))
      GROUP BY 1 ORDER BY 1`, [item.pub, item.period, version]);
    return new Map(rows.map((r) => [r.table_name, Number(r.rows)]));
}
/** The versions after the first of the publications given, by publication, period and version. */
async function laterVersionDiffs(db, pubs) {
    if (!pubs.length)
        return [];
    const rows = await db.query(`SELECT pub, period, version, loaded_at, diff FROM ${VERSIONS}
      WHERE version > 1 AND pub = ANY(string_to_array($1, E'\\n'))
      ORDER BY pub, period, version`, [pubs.join('\n')]);
    return rows.map((r) => ({
        pub: r.pub,
        period: r.period,
        version: Number(r.version),
        loaded_at: isoTime(r.loaded_at),
        diff: JSON.parse(String(r.diff)),
    }));
}
function isoTime(v) {
    return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

;// CONCATENATED MODULE: ./src/load/index.ts
// Public entry of the loader: database access (server or PGlite), schema, loadFile and ledger queries.














;// CONCATENATED MODULE: ./src/mcp/engine.ts
// The read-only query engine behind `datawarp mcp`: one interface over PostgreSQL (a SELECT-only login role)
// and PGlite (a worker thread on a snapshot of the data folder), and the statement runner both share.

/** A query that failed: SQLSTATE (or a DataWarp code) and the database's message. */
class QueryError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
        this.name = 'QueryError';
    }
}
const LOCK_TIMEOUT_MS = 2_000;
const DEFAULT_TIMEOUT_MS = 15_000;
/** The role queries run as, and the objects it may read (schemas whole, three DataWarp objects by name). */
const READER_ROLE = 'datawarp_mcp_reader';
const READABLE_SCHEMAS = [schema_STAGING_SCHEMA, schema_HISTORY_SCHEMA];
const READABLE_OBJECTS = [schema_META_OBJECTS.ledger, schema_META_OBJECTS.versions, schema_META_OBJECTS.totals].map((o) => `"${schema_META_SCHEMA}"."${o}"`);
/** A readable DataWarp object as users write it (`datawarp.<object>`), for tool texts. */
function metaName(o) {
    return `${META_SCHEMA}.${META_OBJECTS[o]}`;
}
/** GRANTs that give `role` SELECT on the readable objects and nothing else (run by the owner of the tables). */
function grantSql(role) {
    const r = `"${role}"`;
    const schemas = [...READABLE_SCHEMAS, schema_META_SCHEMA].map((s) => `"${s}"`).join(', ');
    const data = READABLE_SCHEMAS.map((s) => `"${s}"`).join(', ');
    return [
        `GRANT USAGE ON SCHEMA ${schemas} TO ${r}`,
        `GRANT SELECT ON ALL TABLES IN SCHEMA ${data} TO ${r}`,
        `GRANT SELECT ON ${READABLE_OBJECTS.join(', ')} TO ${r}`,
        // tables a later backfill creates are readable too
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${data} GRANT SELECT ON TABLES TO ${r}`,
    ];
}
const CURSOR = 'datawarp_mcp_cursor';
const BATCH = 200;
/** A value as JSON can carry it: dates as ISO text, big integers as numbers when exact, bytes as hex. */
function jsonValue(v) {
    if (v === null || v === undefined)
        return null;
    if (v instanceof Date)
        return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
    if (typeof v === 'bigint')
        return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (v instanceof Uint8Array)
        return `\\x${Buffer.from(v).toString('hex')}`;
    if (Array.isArray(v))
        return v.map(jsonValue);
    if (typeof v === 'number' && !Number.isFinite(v))
        return String(v);
    return v;
}
/**
 * Run the caller's statement in an open READ ONLY transaction: a query is declared as a cursor and fetched in
 * batches until `maxRows` or `maxBytes` (nothing more is read from the database); any other statement is run
 * as it is, so the database itself refuses what a read-only transaction or the role may not do. The caller
 * rolls the transaction back.
 */
async function runStatement(s, sql, limits) {
    await s.exec(`SAVEPOINT datawarp_mcp`);
    let declared = true;
    const prefix = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;
    try {
        // extended protocol: one statement only (a second one is refused by the server's parser)
        await s.exec(`${prefix}${sql}\n`);
    }
    catch (e) {
        const err = e;
        if (err.code !== '42601') {
            // positions count from the caller's SQL, not from DECLARE
            if (Number(err.position) > prefix.length)
                err.position = String(Number(err.position) - prefix.length);
            throw e;
        }
        declared = false; // not a query (or a syntax error): run it as written, below
        await s.exec(`ROLLBACK TO SAVEPOINT datawarp_mcp`);
    }
    if (!declared) {
        const r = await s.exec(sql);
        const acc = new Rows(r.fields, limits);
        for (const row of r.rows)
            if (!acc.add(row))
                break;
        return acc.output();
    }
    let acc;
    for (;;) {
        const want = Math.min(BATCH, limits.maxRows + 1 - (acc?.rows.length ?? 0));
        const r = await s.exec(`FETCH FORWARD ${want} FROM ${CURSOR}`);
        acc ??= new Rows(r.fields, limits);
        for (const row of r.rows)
            if (!acc.add(row))
                return acc.output();
        if (r.rows.length < want)
            return acc.output();
    }
}
/** Rows kept until `maxRows` or `maxBytes` (as JSON) would be passed; then `cut` says which. */
class Rows {
    columns;
    limits;
    rows = [];
    bytes = 0;
    cut = null;
    constructor(columns, limits) {
        this.columns = columns;
        this.limits = limits;
    }
    add(row) {
        if (this.rows.length >= this.limits.maxRows)
            this.cut = 'max_rows';
        else {
            const v = row.map(jsonValue);
            this.bytes += JSON.stringify(v).length;
            if (this.bytes > this.limits.maxBytes)
                this.cut = 'max_bytes';
            else
                this.rows.push(v);
        }
        return this.cut === null;
    }
    output() {
        return { columns: this.columns, rows: this.rows, cut: this.cut };
    }
}
/** Statement-level settings of the transaction: `timeoutMs` for the statement, locks wait at most 2 s. */
function transactionSettings(timeoutMs) {
    return [
        `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`,
        `SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`,
        `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.floor(timeoutMs)) + 5_000}`,
    ];
}

;// CONCATENATED MODULE: ./src/mcp/pglite-worker.ts
// The worker thread that runs `datawarp mcp` queries on PGlite. It opens its own copy of the data folder (made
// by engine-pglite.ts from a snapshot), gives the reader role SELECT on the readable objects, reopens as that
// role and answers one query at a time, each in a READ ONLY transaction that is always rolled back. The main
// thread terminates it when a query outlives its timeout (PGlite's statement_timeout does not stop pg_sleep).



/** PGlite beside the bundle (dist/pglite/), else the package (as src/load/pglite.ts finds it). */
async function importPglite() {
    for (const rel of ['./pglite/index.js', '../pglite/index.js']) {
        const url = new URL(rel, import.meta.url);
        if (external_node_fs_default().existsSync(url))
            return import(/* webpackIgnore: true */ url.href);
    }
    return import(/* webpackIgnore: true */ '@electric-sql/pglite');
}
async function setUp(dataDir) {
    const { PGlite } = await importPglite();
    const admin = await PGlite.create({ dataDir });
    await admin.exec(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN CREATE ROLE ${READER_ROLE} LOGIN; END IF;
  END $$`);
    // a folder that never saw a backfill has none of the schemas: nothing to grant, every query says so
    const have = await admin.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('staging', 'history', 'datawarp')`);
    if (have.rows[0].n === 3)
        for (const sql of grantSql(READER_ROLE))
            await admin.exec(sql);
    await admin.close();
    return PGlite.create({ dataDir, username: READER_ROLE });
}
async function main() {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    const db = await setUp(external_node_worker_threads_namespaceObject.workerData.dataDir);
    const session = {
        async exec(sql, params) {
            const r = await db.query(sql, params ?? [], { rowMode: 'array' });
            return { fields: r.fields.map((f) => f.name), rows: r.rows };
        },
    };
    port.on('message', async (m) => {
        let reply;
        try {
            await db.exec('BEGIN READ ONLY');
            for (const s of transactionSettings(m.limits.timeoutMs))
                await db.exec(s);
            if (m.params.length) {
                const r = await session.exec(m.sql, m.params);
                const rows = r.rows.map((row) => row.map(jsonValue));
                reply = { id: m.id, ok: true, columns: r.fields, rows, cut: null };
            }
            else {
                const out = await runStatement(session, m.sql, m.limits);
                reply = { id: m.id, ok: true, ...out };
            }
        }
        catch (e) {
            const err = e;
            reply = { id: m.id, ok: false, code: err.code ?? 'XX000', message: err.message ?? String(e) };
        }
        finally {
            await db.exec('ROLLBACK').catch(() => { });
        }
        port.postMessage(reply);
    });
    port.postMessage({ id: 0, ready: true });
}
void main().catch((e) => {
    external_node_worker_threads_namespaceObject.parentPort.postMessage({ id: -1, ok: false, code: 'XX000', message: e.message });
});

