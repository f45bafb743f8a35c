'use strict';
// A minimal HTTP/1.1 client for the Lambda Runtime API.
//
// Cold start is what this runtime is measured on, and the first request of a
// process is on its path. Node's `http` costs ~5 ms more CPU than `net`, and
// `net` itself (which loads the whole public `stream` module) plus driving
// its first socket costs ~8 ms more than the libuv TCP handle net.Socket is
// built on. So the connection is that handle (RawSocket, through
// process.binding('tcp_wrap'), deprecated in documentation only, DEP0111)
// when this Node exposes it in the shape Node 12-24 have, and a net.Socket
// (NetSocket) otherwise: under the permission model or --pending-deprecation,
// for a host name, or with KUMO_NODE_RUNTIME_TRANSPORT=net (tests). Both
// speak the same small interface to Connection.
//
// The Runtime API needs little: one request at a time on a kept-alive
// connection, Content-Length or chunked responses, Content-Length request
// bodies, and one chunked request body with trailers (response streaming).
//
// Connection is not safe for concurrent requests: Client hands out its kept
// connection when idle and a one-off connection otherwise.

const util = require('util');

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

// ---------------------------------------------------------------- sockets
//
// A socket connects at construction and reports to its owner with
// owner.onData(socket, buffer) and, once, owner.onClose(socket, error or
// null), always from a later tick. write(data, callback) takes a string
// (sent as UTF-8) or a Buffer; writes made while connecting are queued.

// Shaped like net's: "connect ECONNREFUSED 127.0.0.1:9001", code, errno.
function systemError(code, syscall, address) {
  const name = util.getSystemErrorName(code);
  const err = new Error(`${syscall} ${name}${address ? ` ${address}` : ''}`);
  return Object.assign(err, { errno: code, code: name, syscall });
}

const UV_EOF = -4095; // libuv's, on every platform

let rawBindings; // undefined: not looked up yet; null: not usable

// The pieces of Node's internal TCP binding RawSocket uses, or null.
function rawTcp() {
  if (rawBindings !== undefined) return rawBindings;
  rawBindings = null;
  // Wrapped by --pending-deprecation (it would print DEP0111); throws under
  // the permission model.
  if (process.env.KUMO_NODE_RUNTIME_TRANSPORT === 'net' || typeof process.binding !== 'function' ||
      process.binding.name !== 'binding') {
    return rawBindings;
  }
  try {
    const tcp = process.binding('tcp_wrap');
    const stream = process.binding('stream_wrap');
    const proto = tcp.TCP && tcp.TCP.prototype;
    const methods = ['connect', 'connect6', 'setNoDelay', 'readStart', 'writeBuffer',
      'writeUtf8String', 'close', 'ref', 'unref'];
    if (proto && methods.every((m) => typeof proto[m] === 'function') &&
        typeof tcp.TCPConnectWrap === 'function' && typeof stream.WriteWrap === 'function' &&
        stream.streamBaseState instanceof Int32Array && tcp.constants.SOCKET === 0 &&
        [stream.kReadBytesOrError, stream.kArrayBufferOffset,
          stream.kLastWriteWasAsync].every(Number.isInteger)) {
      rawBindings = { tcp, stream, state: stream.streamBaseState };
    }
  } catch (_) {
    // Not available in this Node: NetSocket.
  }
  return rawBindings;
}

// A libuv TCP handle driven directly, as net.Socket drives it.
class RawSocket {
  constructor(raw, host, port, owner) {
    this.raw = raw;
    this.owner = owner;
    this.address = `${host}:${port}`;
    this.destroyed = false;
    this.queued = []; // [data, callback] written while connecting
    const handle = new raw.tcp.TCP(raw.tcp.constants.SOCKET);
    handle.onread = (arrayBuffer) => this.onRead(arrayBuffer);
    handle.setNoDelay(true);
    this.handle = handle;
    const req = new raw.tcp.TCPConnectWrap();
    req.oncomplete = (status) => this.onConnect(status);
    req.address = host;
    req.port = port;
    const err = host.includes(':') ? handle.connect6(req, host, port)
      : handle.connect(req, host, port);
    if (err) process.nextTick(() => this.close(systemError(err, 'connect', this.address)));
  }

  onConnect(status) {
    if (this.destroyed) return;
    const err = status < 0 ? status : this.handle.readStart();
    if (err < 0) {
      this.close(status < 0 ? systemError(err, 'connect', this.address) : systemError(err, 'read'));
      return;
    }
    const queued = this.queued;
    this.queued = null;
    for (const [data, callback] of queued) this.write(data, callback);
  }

  onRead(arrayBuffer) {
    const { state, stream } = this.raw;
    const nread = state[stream.kReadBytesOrError];
    if (nread > 0) {
      this.owner.onData(this, Buffer.from(arrayBuffer, state[stream.kArrayBufferOffset], nread));
    } else if (nread < 0) {
      this.close(nread === UV_EOF ? null : systemError(nread, 'read'));
    }
  }

  write(data, callback) {
    if (this.destroyed) {
      if (callback) process.nextTick(callback, new Error('write after the socket closed'));
      return;
    }
    if (this.queued) {
      this.queued.push([data, callback]);
      return;
    }
    const req = new this.raw.stream.WriteWrap();
    req.handle = this.handle;
    req.data = data; // alive until written
    req.oncomplete = (status) => {
      const err = status < 0 ? systemError(status, 'write') : null;
      if (err) this.close(err);
      if (callback) callback(err);
    };
    const err = typeof data === 'string' ? this.handle.writeUtf8String(req, data)
      : this.handle.writeBuffer(req, data);
    if (err) {
      const error = systemError(err, 'write');
      process.nextTick(() => this.close(error));
      if (callback) process.nextTick(callback, error);
    } else if (!this.raw.state[this.raw.stream.kLastWriteWasAsync] && callback) {
      process.nextTick(callback, null);
    }
  }

  ref() {
    if (!this.destroyed) this.handle.ref();
  }

  unref() {
    if (!this.destroyed) this.handle.unref();
  }

  destroy() {
    this.close(null);
  }

  close(error) {
    if (this.destroyed) return;
    this.destroyed = true;
    this.handle.close(() => this.owner.onClose(this, error));
  }
}

// The same on a net.Socket.
class NetSocket {
  constructor(host, port, owner) {
    const socket = require('net').connect({ host, port });
    let lastError = null;
    socket.setNoDelay(true);
    socket.on('data', (data) => owner.onData(this, data));
    socket.on('error', (err) => { lastError = err; });
    socket.on('close', () => owner.onClose(this, lastError));
    this.socket = socket;
  }

  get destroyed() {
    return this.socket.destroyed;
  }

  write(data, callback) {
    this.socket.write(data, callback);
  }

  ref() {
    this.socket.ref();
  }

  unref() {
    this.socket.unref();
  }

  destroy() {
    this.socket.destroy();
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function connect(host, port, owner) {
  const raw = (IPV4.test(host) || host.includes(':')) && rawTcp();
  return raw ? new RawSocket(raw, host, port, owner) : new NetSocket(host, port, owner);
}

// ---------------------------------------------------------------- requests

// One TCP connection carrying one request at a time. The socket is unref'd
// while idle, so an idle connection never keeps the event loop alive.
class Connection {
  constructor(host, port, keep) {
    this.host = host;
    this.port = port;
    this.keep = keep;
    this.socket = null;
    this.pending = null;
  }

  get busy() {
    return this.pending !== null;
  }

  // Starts a request; `send(socket)` writes it. Resolves {status, headers,
  // body} once the response is complete. Unless `noRetry`, a request that
  // finds its kept-alive connection closed by the server is sent once more.
  start(send, noRetry = false) {
    const reused = this.socket !== null && !this.socket.destroyed;
    if (!reused) this.socket = connect(this.host, this.port, this);
    this.socket.ref();
    return new Promise((resolve, reject) => {
      this.pending = { parser: new ResponseParser(), resolve, reject, send, reused, noRetry,
        received: false };
      send(this.socket);
    });
  }

  onData(socket, data) {
    const pending = this.pending;
    if (socket !== this.socket || !pending) return;
    pending.received = true;
    try {
      pending.parser.feed(data);
    } catch (err) {
      this.pending = null;
      socket.destroy();
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

  onClose(socket, error) {
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
      pending.reject(error || new Error('socket hang up'));
    }
  }
}

let ChunkedRequest; // defined on first use: `stream` costs ~3 ms to load

// A request body sent with chunked transfer coding; trailers go after the
// last chunk. Headers are written with the first chunk, so setHeader works
// until then.
function chunkedRequestClass() {
  if (ChunkedRequest) return ChunkedRequest;
  const { Writable } = require('stream');
  ChunkedRequest = class extends Writable {
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
      for (const [name, value] of Object.entries(this.trailers || {})) {
        tail += `${name}: ${value}\r\n`;
      }
      this.socket.write(tail + '\r\n', callback);
    }
  };
  return ChunkedRequest;
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
    const Request = chunkedRequestClass();
    let stream;
    const response = this.connection().start((socket) => {
      stream = new Request(socket, method, path, this.hostHeader, headers);
    }, true);
    return { stream, response };
  }
}

module.exports = { Client, ResponseParser };
