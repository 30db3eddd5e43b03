'use strict';
// The package's classes, for programmatic use; n8n itself loads the files listed in package.json "n8n".
module.exports = require('./dist/sage-erp.js');
