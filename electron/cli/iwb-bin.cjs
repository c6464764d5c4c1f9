#!/usr/bin/env node
// The `iwb` command installed by npm. It runs the built CLI (out/main/iwb.js), which
// `npm install` produces through the prepare script; `npm run build` rebuilds it.
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const built = join(__dirname, '..', '..', 'out', 'main', 'iwb.js')
if (!existsSync(built)) {
  console.error('iwb: the CLI is not built yet. Run `npm run build` in ' + join(__dirname, '..', '..'))
  process.exit(2)
}
require(built)
