'use strict';
// Kumo's Lambda runtime interface client for Node.js 20.
//
// Run as `node index.js` inside an execution environment. It reads the Lambda
// environment (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...), loads
// the handler the way AWS's nodejs runtime does, and serves invocations over
// the Lambda Runtime API (2018-06-01) until the process is stopped.
//
// Plain CommonJS on purpose: an ESM entry point costs a few milliseconds of
// cold start, and ES-module handlers are still loaded with dynamic import().
// The Runtime API is spoken by http1.js on libuv's TCP handle (or `net`), not
// by `http` (see there).

const fs = require('fs');
const path = require('path');
const util = require('util');
const { Client } = require('./http1');

const API = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';
const RESPONSE_MODE_HEADER = 'Lambda-Runtime-Function-Response-Mode';

// ---------------------------------------------------------------- errors

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const cls of [ImportModuleError, HandlerNotFound, MalformedHandlerName,
  UserCodeSyntaxError, MalformedStreamingHandler, InvalidStreamingOperation,
  UnhandledPromiseRejection]) {
  cls.prototype.name = `Runtime.${cls.name}`;
}

function isErrorLike(obj) {
  return Boolean(obj && obj.name && obj.message && obj.stack &&
    typeof obj.name === 'string' && typeof obj.message === 'string' &&
    typeof obj.stack === 'string');
}

// The body AWS posts for an error: {errorType, errorMessage, trace}. A thrown
// non-Error value becomes {errorType: typeof value, errorMessage: String}.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: error.stack.split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a ' +
        'problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const ret = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value);
  if (typeof value.stack === 'string') ret.stack = value.stack.split('\n');
  return ret;
}

// The text that follows "Invoke Error" / "Uncaught Exception" in the log.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ---------------------------------------------------------------- logging

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
let currentRequestId; // undefined during init, printed as "undefined" as AWS does

function textLine(level, args) {
  const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t` +
    util.format(...args);
  return line.replace(/\n/g, '\r') + '\n';
}

function jsonErrorReplacer(_k, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign({
    errorType: value?.constructor?.name ?? 'UnknownError',
    errorMessage: value.message,
    stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
  }, value);
}

function jsonLine(level, args) {
  const record = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
  if (args.length === 1) {
    record.message = args[0];
    try {
      return JSON.stringify(record, jsonErrorReplacer) + '\n';
    } catch (_) {
      record.message = util.format(record.message);
      return JSON.stringify(record) + '\n';
    }
  }
  record.message = util.format(...args);
  for (const arg of args) {
    if (arg instanceof Error) {
      record.errorType = arg?.constructor?.name ?? 'UnknownError';
      record.errorMessage = arg.message;
      record.stackTrace = typeof arg.stack === 'string' ? arg.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(record) + '\n';
}

const jsonLogs = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

// Console lines go to fd 1 with fs.writeSync until something asks for
// process.stdout. Node writes pipes and files synchronously on Linux too, but
// creating process.stdout for a pipe loads `net` and `stream`: ~5 ms of CPU in
// the first invocation that logs. Once the stream exists (the function used
// it, or console.table and the like did), every line goes through it, so
// output stays in order.
let directStdout = false;

function deferStdoutStream() {
  const stream = Object.getOwnPropertyDescriptor(process, 'stdout');
  if (!stream || !stream.get || !stream.configurable) return;
  directStdout = true;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: stream.enumerable,
    get() {
      directStdout = false;
      Object.defineProperty(process, 'stdout', stream);
      return process.stdout;
    },
  });
}

function writeStdout(text) {
  if (directStdout) {
    const bytes = Buffer.from(text);
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(1, bytes, written);
      return;
    } catch (_) {
      text = bytes.subarray(written); // EAGAIN, EPIPE...: the stream's behaviour
    }
  }
  process.stdout.write(text);
}

// Replaces the console methods with Lambda's line format. In JSON format,
// AWS_LAMBDA_LOG_LEVEL drops the methods below the configured level.
function patchConsole() {
  const format = jsonLogs ? jsonLine : textLine;
  const minLevel = jsonLogs
    ? LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || 0 : 0;
  const method = (level) => (LEVELS[level] < minLevel ? () => {}
    : (...args) => { writeStdout(format(level, args)); });
  console.log = method('INFO');
  console.info = method('INFO');
  console.debug = method('DEBUG');
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.trace = method('TRACE');
  console.fatal = method('FATAL');
}

// "Invoke Error" / "Uncaught Exception" lines.
function logError(label, error) {
  if (jsonLogs) console.error(label, intoError(error));
  else console.error(label, toFormatted(error));
}

// ---------------------------------------------------------------- Runtime API

function fatal(err) {
  process.stderr.write(`Kumo runtime: Runtime API request failed: ${err && err.stack || err}\n`);
  process.exit(1);
}

class RuntimeApiClient {
  constructor(hostPort) {
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    this.http = new Client(host, Number(hostPort.slice(colon + 1)));
  }

  post(urlPath, bodyString, headers, callback) {
    const allHeaders = Object.assign({ 'Content-Type': 'application/json' }, headers);
    this.http.request('POST', urlPath, allHeaders, bodyString).then(() => callback(), fatal);
  }

  async nextInvocation() {
    const res = await this.http.request('GET', `${API}/invocation/next`);
    if (res.status !== 200) {
      throw new Error(`GET /invocation/next answered HTTP ${res.status}: ${res.body}`);
    }
    return { bodyJson: res.body.toString('utf8'), headers: res.headers };
  }

  postInvocationResponse(response, id, callback) {
    this.post(`${API}/invocation/${id}/response`, serializeResponse(response), {}, callback);
  }

  postInvocationError(error, id, callback) {
    const body = toRapidResponse(error);
    this.post(`${API}/invocation/${id}/error`, serializeResponse(body),
      { [ERROR_TYPE_HEADER]: body.errorType }, callback);
  }

  postInitError(error, callback) {
    const body = toRapidResponse(error);
    this.post(`${API}/init/error`, serializeResponse(body),
      { [ERROR_TYPE_HEADER]: body.errorType }, callback);
  }

  // A chunked POST for a streaming handler; errors travel in trailers.
  // Returns {stream (a Writable), response (settles with the server's answer)}.
  createResponseStream(id) {
    return this.http.chunkedRequest('POST', `${API}/invocation/${id}/response`, {
      [RESPONSE_MODE_HEADER]: 'streaming',
      Trailer: `${ERROR_TYPE_HEADER}, ${ERROR_BODY_TRAILER}`,
      'Content-Type': 'application/octet-stream',
    });
  }
}

function serializeResponse(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

// ---------------------------------------------------------------- handler loading

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

class HttpResponseStream {
  // Writes the HTTP prelude (status, headers, cookies) and 8 NUL bytes before
  // the first body chunk, as function URLs expect.
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

function installGlobalAwsLambda() {
  const flag = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (flag === '1' || flag === 'true') return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') {
        handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark, 10);
      }
      return handler;
    },
    HttpResponseStream,
  };
}

function requireFile(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importFile(file) {
  if (!fs.existsSync(file)) return undefined;
  const { pathToFileURL } = require('url');
  return import(pathToFileURL(file).href);
}

// True if the nearest package.json above `folder` says "type": "module".
function folderIsModuleType(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderIsModuleType(path.resolve(folder, '..'));
}

// Tries, in AWS's order: the extensionless file, .js as CommonJS (unless the
// package is "type": "module"), .js as ESM, .mjs, .cjs, then node resolution.
async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = requireFile(base);
  if (extensionless) return extensionless;
  const jsIsModule = fs.existsSync(base + '.js') &&
    folderIsModuleType(path.dirname(base + '.js'));
  if (!jsIsModule) {
    const cjs = requireFile(base + '.js');
    if (cjs) return cjs;
  }
  const loaded = (jsIsModule && await importFile(base + '.js')) ||
    await importFile(base + '.mjs') || requireFile(base + '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function loadUserApp(appRoot, moduleRoot, moduleName) {
  installGlobalAwsLambda();
  try {
    return await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(e);
    }
    throw e;
  }
}

// `_HANDLER` is [dir/]module.export[.nested...]: the module is the text up to
// the first dot of the last path segment, the rest is a property path.
async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. ` +
      'Use absolute paths when specifying root directories in handler names.');
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const userApp = await loadUserApp(appRoot, moduleRoot, match[1]);
  const handler = match[2].split('.').reduce((obj, key) => obj && obj[key], userApp);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

function streamingMode(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return false;
  if (mode === STREAM_RESPONSE) return STREAM_RESPONSE;
  throw new MalformedStreamingHandler('Only response streaming is supported.');
}

// ---------------------------------------------------------------- invocation

// beforeExit fires when the event loop is empty: AWS uses it to post results
// of callback handlers that wait for an empty loop, and `null` for handlers
// that never answered.
let beforeExitListener = () => {};

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

// _X_AMZN_TRACE_ID changes with every invocation. Stored in the real
// process.env, each value goes through glibc's setenv(), which keeps every
// string it was ever given (old environ pointers must stay valid) in a tree
// it searches on the next set: ~140 bytes that are never freed and a slower
// set per invocation, until a warm environment reaches its memory limit and
// ends. So process.env becomes a Proxy of itself that holds this one variable
// in JavaScript. Whatever reads process.env (the AWS SDK, X-Ray,
// child_process for a child's environment) sees it, and assignments and
// deletes by the function go through the same Proxy; native getenv() does
// not see it.
const TRACE_VARIABLE = '_X_AMZN_TRACE_ID';

function keepTraceIdInJavaScript() {
  const env = process.env;
  let trace = env[TRACE_VARIABLE];
  delete env[TRACE_VARIABLE];
  const own = () => ({ value: trace, writable: true, enumerable: true, configurable: true });
  process.env = new Proxy(env, {
    get: (target, key) => (key === TRACE_VARIABLE ? trace : target[key]),
    set(target, key, value) {
      if (key === TRACE_VARIABLE) trace = `${value}`;
      else target[key] = value;
      return true;
    },
    has: (target, key) => (key === TRACE_VARIABLE ? trace !== undefined : key in target),
    deleteProperty(target, key) {
      if (key === TRACE_VARIABLE) trace = undefined;
      else delete target[key];
      return true;
    },
    ownKeys: (target) => (trace === undefined ? Reflect.ownKeys(target)
      : [...Reflect.ownKeys(target), TRACE_VARIABLE]),
    getOwnPropertyDescriptor: (target, key) => (key !== TRACE_VARIABLE
      ? Reflect.getOwnPropertyDescriptor(target, key) : trace === undefined ? undefined : own()),
    defineProperty(target, key, descriptor) {
      if (key !== TRACE_VARIABLE) return Reflect.defineProperty(target, key, descriptor);
      if (!('value' in descriptor)) return false;
      trace = `${descriptor.value}`;
      return true;
    },
  });
}

function attachContext(target, headers) {
  if (headers['lambda-runtime-trace-id']) {
    process.env[TRACE_VARIABLE] = headers['lambda-runtime-trace-id'];
  } else {
    delete process.env[TRACE_VARIABLE];
  }
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const env = process.env;
  return Object.assign(target, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    getRemainingTimeInMillis() {
      return deadline - Date.now();
    },
  });
}

// The (callback, context methods) pair of one invocation, with AWS's rules:
// only the first call counts; callback(null, r) waits for an empty event loop
// unless context.callbackWaitsForEmptyEventLoop is false; errors go at once.
function buildCallbackContext(client, id, scheduleNext) {
  let completed = false;
  let finished = false;
  let waitForEmptyEventLoop = true;
  const postError = (err) => {
    logError('Invoke Error', err);
    client.postInvocationError(err, id, scheduleNext);
  };
  const complete = (result) => {
    if (completed) {
      console.error('Invocation has already been reported as done. ' +
        'Cannot call complete more than once per invocation.');
      return;
    }
    completed = true;
    client.postInvocationResponse(result, id, scheduleNext);
  };
  const done = (err, result) => {
    beforeExitListener = () => {};
    if (err !== undefined && err !== null) postError(err);
    else complete(result);
  };
  const once = (fn) => function onlyFirstCall(...args) {
    if (!finished) {
      fn(...args);
      finished = true;
    }
  };
  const callback = (err, result) => {
    beforeExitListener = () => {};
    if (err !== undefined && err !== null) {
      postError(err);
    } else if (!waitForEmptyEventLoop) {
      complete(result);
    } else {
      beforeExitListener = () => setImmediate(() => complete(result));
    }
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
    succeed: once((result) => done(null, result)),
    fail: once((err) => (err === undefined || err === null ? done('handled') : done(err, null))),
    done: once(done),
  };
  return { callback: once(callback), context, markCompleted: () => { completed = true; } };
}

function isPromise(value) {
  return Boolean(value && value.then && typeof value.then === 'function');
}

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.errorCallbacks = errorCallbacks;
    this.streaming = streamingMode(handler) === STREAM_RESPONSE;
  }

  scheduleIteration() {
    setImmediate(() => {
      const once = this.streaming ? this.handleOnceStreaming() : this.handleOnce();
      once.then(() => {}, (err) => {
        console.log(`Unexpected Top Level Error: ${err.toString()}`);
        this.errorCallbacks.uncaughtException(err);
      });
    });
  }

  // From here on, a crash is reported as this invocation's error.
  setErrorCallbacks(id) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, id, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, id, () => process.exit(128));
    };
  }

  async nextContext() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const id = headers['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing or invalid');
    currentRequestId = id;
    return { bodyJson, headers, id };
  }

  async handleOnce() {
    const { bodyJson, headers, id } = await this.nextContext();
    const next = () => this.scheduleIteration();
    const { callback, context, markCompleted } = buildCallbackContext(this.client, id, next);
    try {
      this.setErrorCallbacks(id);
      beforeExitListener = () => {
        markCompleted();
        this.client.postInvocationResponse(null, id, next);
      };
      const result = this.handler(JSON.parse(bodyJson), attachContext(context, headers), callback);
      if (isPromise(result)) {
        result.then(context.succeed, context.fail).catch(context.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  async handleOnceStreaming() {
    const { bodyJson, headers, id } = await this.nextContext();
    let waitForEmptyEventLoop = true;
    const scheduleNext = () => {
      beforeExitListener = () => {};
      if (!waitForEmptyEventLoop) this.scheduleIteration();
      else beforeExitListener = () => setImmediate(() => this.scheduleIteration());
    };
    const stream = new ResponseStream(this.client, id);
    const fail = (err) => {
      logError('Invoke Error', err);
      stream.fail(err, scheduleNext);
    };
    try {
      this.setErrorCallbacks(id);
      beforeExitListener = () => this.scheduleIteration();
      const context = attachContext({
        get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
        set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
      }, headers);
      const result = this.handler(JSON.parse(bodyJson), stream.publicStream, context);
      if (!isPromise(result)) {
        fail('Streaming does not support non-async handlers.');
        return;
      }
      if (await result !== undefined) console.warn('Streaming handlers ignore return values.');
      await stream.responseDone;
      if (!stream.req.writableFinished) {
        fail('Response stream is not finished.');
        return;
      }
      scheduleNext();
    } catch (err) {
      fail(err);
    }
  }
}

// The writable handed to a streamifyResponse handler: a chunked POST body.
// Non-binary chunks are written as JSON; HttpResponseStream.from() hooks the
// first write to put the HTTP prelude in front.
class ResponseStream {
  constructor(client, id) {
    const { stream, response } = client.createResponseStream(id);
    this.req = stream;
    this.responseDone = response;
    this.started = false;
    const self = this;
    const origWrite = stream.write.bind(stream);
    const origEnd = stream.end.bind(stream);
    const beforeFirstWrite = () => {
      if (!self.started && typeof stream._onBeforeFirstWrite === 'function') {
        stream._onBeforeFirstWrite((c) => origWrite(c));
      }
      self.started = true;
    };
    stream.setContentType = (contentType) => {
      if (self.started) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
      stream.setHeader('Content-Type', contentType);
    };
    stream.write = (chunk, encoding, cb) => {
      if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) {
        chunk = JSON.stringify(chunk);
      }
      beforeFirstWrite();
      return origWrite(chunk, encoding, cb);
    };
    stream.end = (chunk, encoding, cb) => {
      if (typeof chunk === 'function') [chunk, cb] = [undefined, chunk];
      if (typeof encoding === 'function') [encoding, cb] = [undefined, encoding];
      if (chunk !== undefined && chunk !== null) stream.write(chunk, encoding);
      else beforeFirstWrite();
      return origEnd(cb);
    };
    this.publicStream = stream;
  }

  fail(err, callback) {
    const body = toRapidResponse(err);
    if (!this.req.writableEnded) {
      this.req.addTrailers({
        [ERROR_TYPE_HEADER]: body.errorType,
        [ERROR_BODY_TRAILER]: Buffer.from(JSON.stringify(body)).toString('base64'),
      });
      this.req.end();
    }
    this.responseDone.then(callback, fatal);
  }
}

// ---------------------------------------------------------------- start

function configureEnvironment(taskRoot) {
  if (!process.env.NODE_PATH) {
    process.env.NODE_PATH = ['/opt/nodejs/node20/node_modules', '/opt/nodejs/node_modules',
      taskRoot].join(':');
    module.constructor._initPaths(); // Module; require('module') would load the ESM loader
  }
  try {
    if (process.cwd() !== taskRoot) process.chdir(taskRoot);
  } catch (_) {
    // A missing task root shows up as the handler's ImportModuleError.
  }
}

async function start() {
  const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!runtimeApi) {
    process.stderr.write('Kumo runtime: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handlerName = process.env._HANDLER || process.argv[2] || '';
  keepTraceIdInJavaScript();
  deferStdoutStream();
  patchConsole();
  configureEnvironment(taskRoot);
  const client = new RuntimeApiClient(runtimeApi);
  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  const onUncaught = (error) => {
    logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason?.toString(), promise);
    logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  process.on('beforeExit', () => beforeExitListener());
  try {
    const handler = await loadHandler(taskRoot, handlerName);
    new Runtime(client, handler, errorCallbacks).scheduleIteration();
  } catch (err) {
    onUncaught(err);
  }
}

start();
