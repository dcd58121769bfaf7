// The smallest Node HTTP server that answers the benchmark's readiness probe: how long Node itself takes to start
// and listen on this machine, the floor under any start-up figure of a server written for Node.
'use strict';
require('node:http')
  .createServer((_request, response) => response.end('ok'))
  .listen(Number(process.argv[2]), '127.0.0.1');
