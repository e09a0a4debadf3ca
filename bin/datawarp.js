#!/usr/bin/env node
// Runs the bundled CLI (dist/cli/index.js, built by `npm run build`).
import '../dist/cli/index.js';
