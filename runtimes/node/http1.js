'use strict';
// A minimal HTTP/1.1 client for the Lambda Runtime API, on `net`.
//
// Node's `http` client costs about 5 ms more CPU than `net` on the first
// request of a process, which is the cold-start path this runtime measures.
// The Runtime API needs little: one request at a time on a kept-alive
// connection, Content-Length or chunked responses, Content-Length request
// bodies, and one chunked request body with trailers (response streaming).
//
// Connection is not safe for concurrent requests: Client hands out its kept
// connection when idle and a one-off connection otherwise.

const net = require('net');
const { Writable } = require('stream');

const LF = 10;

// Parses one response from the bytes fed to it; `done` once complete.
class ResponseParser {
  constructor() {
    this.state = 'status';
    this.status = 0;
    this.headers = {};
    this.lineParts = [];
    this.parts = [];
    this.remaining = 0;
    this.done = false;
    this.body = null;
  }

  // Consumes bytes until the response is complete; returns what is left.
  feed(data) {
    let i = 0;
    while (i < data.length && !this.done) {
      if (this.state === 'data' || this.state === 'chunk') {
        const n = Math.min(this.remaining, data.length - i);
        this.parts.push(data.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.state === 'data') this.finish();
          else this.state = 'chunkEnd';
        }
        continue;
      }
      if (this.state === 'close') {
        this.parts.push(data.subarray(i));
        return data.subarray(data.length);
      }
      const nl = data.indexOf(LF, i);
      if (nl < 0) {
        this.lineParts.push(data.subarray(i));
        return data.subarray(data.length);
      }
      this.lineParts.push(data.subarray(i, nl));
      i = nl + 1;
      let line = (this.lineParts.length === 1 ? this.lineParts[0]
        : Buffer.concat(this.lineParts)).toString('latin1');
      this.lineParts = [];
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.onLine(line);
    }
    return data.subarray(i);
  }

  onLine(line) {
    switch (this.state) {
      case 'status':
        this.status = parseInt(line.split(' ')[1], 10);
        this.state = 'header';
        break;
      case 'header':
        if (line) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
        } else {
          this.startBody();
        }
        break;
      case 'chunkSize': {
        const size = parseInt(line, 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size line ${JSON.stringify(line)}`);
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size;
          this.state = 'chunk';
        }
        break;
      }
      case 'chunkEnd':
        this.state = 'chunkSize';
        break;
      case 'trailers':
        if (!line) this.finish();
        break;
      default:
        throw new Error(`unexpected response line in state ${this.state}`);
    }
  }

  startBody() {
    if (this.status >= 100 && this.status < 200) { // interim response: read the next one
      this.state = 'status';
      this.headers = {};
      return;
    }
    const length = this.headers['content-length'];
    if (/chunked/i.test(this.headers['transfer-encoding'] || '')) {
      this.state = 'chunkSize';
    } else if (length !== undefined) {
      this.remaining = Number(length);
      if (this.remaining === 0) this.finish();
      else this.state = 'data';
    } else if (this.status === 204 || this.status === 304) {
      this.finish();
    } else {
      this.state = 'close';
    }
  }

  finish() {
    this.done = true;
    this.body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
  }
}

function requestHead(method, path, host, headers) {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const name of Object.keys(headers)) head += `${name}: ${headers[name]}\r\n`;
  return head + '\r\n';
}

// One TCP connection carrying one request at a time. The socket is unref'd
// while idle, so an idle connection never keeps the event loop alive.
class Connection {
  constructor(host, port, keep) {
    this.host = host;
    this.port = port;
    this.keep = keep;
    this.socket = null;
    this.pending = null;
    this.lastError = null;
  }

  get busy() {
    return this.pending !== null;
  }

  open() {
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', (err) => { this.lastError = err; });
    socket.on('close', () => this.onClose(socket));
    this.socket = socket;
    this.lastError = null;
  }

  // Starts a request; `send(socket)` writes it. Resolves {status, headers,
  // body} once the response is complete. Unless `noRetry`, a request that
  // finds its kept-alive connection closed by the server is sent once more.
  start(send, noRetry = false) {
    const reused = this.socket !== null && !this.socket.destroyed;
    if (!reused) this.open();
    this.socket.ref();
    return new Promise((resolve, reject) => {
      this.pending = { parser: new ResponseParser(), resolve, reject, send, reused, noRetry,
        received: false };
      send(this.socket);
    });
  }

  onData(data) {
    const pending = this.pending;
    if (!pending) return;
    pending.received = true;
    try {
      pending.parser.feed(data);
    } catch (err) {
      this.pending = null;
      this.socket.destroy();
      pending.reject(err);
      return;
    }
    if (pending.parser.done) this.complete(pending);
  }

  complete(pending) {
    this.pending = null;
    const { status, headers, body } = pending.parser;
    if (!this.keep || /close/i.test(headers.connection || '')) this.socket.destroy();
    else this.socket.unref();
    pending.resolve({ status, headers, body });
  }

  onClose(socket) {
    if (socket !== this.socket) return;
    this.socket = null;
    const pending = this.pending;
    if (!pending) return;
    if (pending.parser.state === 'close') {
      pending.parser.finish();
      this.complete(pending);
    } else if (pending.reused && !pending.received && !pending.noRetry) {
      // The server closed the kept-alive connection before this request.
      this.pending = null;
      this.start(pending.send, true).then(pending.resolve, pending.reject);
    } else {
      this.pending = null;
      pending.reject(this.lastError || new Error('socket hang up'));
    }
  }
}

// A request body sent with chunked transfer coding; trailers go after the
// last chunk. Headers are written with the first chunk, so setHeader works
// until then.
class ChunkedRequest extends Writable {
  constructor(socket, method, path, host, headers) {
    super({ decodeStrings: false });
    this.socket = socket;
    this.method = method;
    this.path = path;
    this.host = host;
    this.requestHeaders = Object.assign({}, headers, { 'Transfer-Encoding': 'chunked' });
    this.headersSent = false;
    this.trailers = null;
  }

  setHeader(name, value) {
    if (this.headersSent) throw new Error('Cannot set headers after they are sent');
    this.requestHeaders[name] = value;
  }

  addTrailers(trailers) {
    this.trailers = trailers;
  }

  sendHeaders() {
    if (this.headersSent) return;
    this.headersSent = true;
    this.socket.write(requestHead(this.method, this.path, this.host, this.requestHeaders));
  }

  _write(chunk, encoding, callback) {
    this.sendHeaders();
    const data = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    if (data.length === 0) { // an empty chunk would end the body
      callback();
      return;
    }
    this.socket.write(`${data.length.toString(16)}\r\n`);
    this.socket.write(data);
    this.socket.write('\r\n', callback);
  }

  _final(callback) {
    this.sendHeaders();
    let tail = '0\r\n';
    for (const [name, value] of Object.entries(this.trailers || {})) tail += `${name}: ${value}\r\n`;
    this.socket.write(tail + '\r\n', callback);
  }
}

// Requests to one host:port, reusing one kept-alive connection.
class Client {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.hostHeader = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.kept = new Connection(host, port, true);
  }

  connection() {
    return this.kept.busy ? new Connection(this.host, this.port, false) : this.kept;
  }

  // Resolves {status, headers, body: Buffer}.
  request(method, path, headers = {}, body = undefined) {
    const allHeaders = body === undefined ? headers
      : Object.assign({ 'Content-Length': Buffer.byteLength(body) }, headers);
    const head = requestHead(method, path, this.hostHeader, allHeaders);
    return this.connection().start((socket) => {
      if (body === undefined) socket.write(head);
      else if (typeof body === 'string' && body.length < 65536) socket.write(head + body);
      else {
        socket.write(head);
        socket.write(body);
      }
    });
  }

  // Returns {stream: ChunkedRequest, response: Promise} for a chunked POST.
  chunkedRequest(method, path, headers) {
    let stream;
    const response = this.connection().start((socket) => {
      stream = new ChunkedRequest(socket, method, path, this.hostHeader, headers);
    }, true);
    return { stream, response };
  }
}

module.exports = { Client, ResponseParser };
