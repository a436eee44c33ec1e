// A bare node:http server that responds to every request with a fixed `call` response of the
// same shape and headers as the emulator's, without parsing or checking anything. It shows
// what this machine can serve at all, as a yardstick for the emulator's `call` throughput.
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const answer = JSON.stringify({
  call: 'PR3MaG1orzx9GBXNeoGtEKamYWG17FW6bZ4kNXK5',
  mask: '79256880636',
  codelen: 4,
  repeat_timeout: 0,
});

let requests = 0;

const server = createServer((req, res) => {
  requests += 1;
  req.resume();
  req.once('end', () => {
    res.writeHead(200, {
      'Content-Type': 'application/json;charset=UTF-8',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      Expires: '0',
      'X-Request-Id': String(requests),
      'Content-Length': Buffer.byteLength(answer),
    });
    res.end(answer);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
