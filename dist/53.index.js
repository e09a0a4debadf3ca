export const id = 53;
export const ids = [53];
export const modules = {

/***/ 69053:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openPg: () => (/* binding */ openPg)
/* harmony export */ });
/* unused harmony export describeTarget */
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29977);
/* harmony import */ var pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(61957);
/* harmony import */ var _db_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(64414);
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(74576);
// PostgreSQL server adapter: a pg Pool; COPY streamed through pg-copy-streams.






/** host:port/database of a connection string, never the credentials. */
function describeTarget(databaseUrl) {
    try {
        const u = new URL(databaseUrl);
        const socketHost = u.searchParams.get('host');
        const host = u.hostname || socketHost || 'localhost';
        const port = u.port || u.searchParams.get('port') || '5432';
        const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
        return `${host}:${port}${db ? `/${db}` : ''}`;
    }
    catch {
        return 'the configured DATABASE_URL';
    }
}
const CONNECTION_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'ENOENT', // unix socket missing
    '57P03', // cannot_connect_now
    '53300', // too_many_connections
    '28P01', // invalid_password
    '28000', // invalid_authorization_specification
    '3D000', // invalid_catalog_name (database does not exist)
]);
function isConnectionError(err) {
    const e = err;
    if (!e)
        return false;
    if (e.code && CONNECTION_CODES.has(e.code))
        return true;
    return /timeout expired|Connection terminated|connect ECONN|getaddrinfo/i.test(e.message ?? '');
}
function reasonOf(err, databaseUrl) {
    const e = err;
    let msg = e?.message ||
        (Array.isArray(e?.errors) ? e.errors.map((x) => x.message).join('; ') : '') ||
        String(err);
    // Belt and braces: never echo a password that may appear inside a driver message.
    try {
        const pw = new URL(databaseUrl).password;
        if (pw)
            msg = msg.split(decodeURIComponent(pw)).join('***').split(pw).join('***');
    }
    catch {
        /* not a URL */
    }
    return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
async function connect(pool, databaseUrl, target) {
    try {
        const client = await pool.connect();
        // a connection lost mid-query surfaces as that query's error; the client's own 'error' event must not
        // crash the process (Unhandled 'error' event ... EPIPE)
        if (!client.listenerCount('error'))
            client.on('error', () => { });
        return client;
    }
    catch (err) {
        if (isConnectionError(err))
            throw new _db_js__WEBPACK_IMPORTED_MODULE_4__/* .DbUnavailableError */ .XU(target, reasonOf(err, databaseUrl), { cause: err });
        throw err;
    }
}
class PgTx {
    client;
    constructor(client) {
        this.client = client;
    }
    async query(sql, params) {
        const res = await this.client.query(sql, params);
        return (res.rows ?? []);
    }
    async copyCsv(table, columns, chunks) {
        const cols = columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteIdent */ .v4).join(', ');
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.from(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`));
        // pipeline() honours the socket's backpressure and, if the chunk source throws, destroys the COPY
        // stream, which sends CopyFail so the server aborts the COPY (the caller then rolls back).
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(chunks, { objectMode: false }), stream);
        return stream.rowCount;
    }
    async copyStream(sql, data) {
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.from(sql));
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(data, { objectMode: false }), stream);
        return stream.rowCount;
    }
    async *copyOut(sql) {
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.to(sql));
        try {
            for await (const chunk of stream)
                yield chunk;
        }
        finally {
            stream.destroy();
        }
    }
}
async function openPg(databaseUrl) {
    const target = describeTarget(databaseUrl);
    const pool = new pg__WEBPACK_IMPORTED_MODULE_2__/* ["default"].Pool */ .Ay.Pool({
        connectionString: databaseUrl,
        max: 4,
        connectionTimeoutMillis: 15_000,
        idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => { });
    // Fail fast (and clearly) when the server is not there.
    const probe = await connect(pool, databaseUrl, target);
    probe.release();
    let closed = false;
    return {
        kind: 'pg',
        target,
        async query(sql, params) {
            const client = await connect(pool, databaseUrl, target);
            let broken;
            try {
                const res = await client.query(sql, params);
                return (res.rows ?? []);
            }
            catch (err) {
                if (isConnectionError(err))
                    broken = err;
                throw err;
            }
            finally {
                client.release(broken);
            }
        },
        async transaction(fn) {
            const client = await connect(pool, databaseUrl, target);
            let broken;
            try {
                await client.query('BEGIN');
                let result;
                try {
                    result = await fn(new PgTx(client));
                }
                catch (err) {
                    try {
                        await client.query('ROLLBACK');
                    }
                    catch (rbErr) {
                        broken = rbErr; // connection unusable: drop it rather than return it to the pool
                    }
                    throw err;
                }
                await client.query('COMMIT');
                return result;
            }
            catch (err) {
                if (!broken && isConnectionError(err))
                    broken = err;
                throw err;
            }
            finally {
                client.release(broken);
            }
        },
        async close() {
            if (closed)
                return;
            closed = true;
            await pool.end();
        },
    };
}


/***/ })

};
