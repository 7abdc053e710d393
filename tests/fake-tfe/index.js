'use strict';
module.exports = { ...require('./server'), ...require('./organization') };
