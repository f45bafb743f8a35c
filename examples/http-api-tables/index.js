// A tiny notes API: one Lambda function behind an HTTP API (payload 2.0),
// keeping its notes in a DynamoDB table through the AWS SDK for JavaScript v3.
//
//   POST   /notes       {"text": "..."} -> 201 the note {id, text, createdAt}
//   GET    /notes       -> 200 {"notes": [...]} oldest first
//   GET    /notes/{id}  -> 200 the note, 404 {"message": "Note not found"}
//   DELETE /notes/{id}  -> 204, 404 when there is no such note
//
// It works behind explicit routes ("GET /notes/{id}", ...: event.routeKey
// names the route) and behind a quick-created API's $default route (the
// function matches the method and event.rawPath itself).
//
// Nothing is bundled and no endpoint is written here: the SDK comes from the
// runtime (NODE_PATH, as on Lambda) and the client finds Kumo through the
// AWS_ENDPOINT_URL variable Kumo sets for every function. CommonJS on
// purpose: ES modules do not resolve packages through NODE_PATH (see README).
"use strict";

const { randomUUID } = require("node:crypto");
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const {
  DynamoDBDocumentClient,
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
} = require("@aws-sdk/lib-dynamodb");

const TABLE = process.env.NOTES_TABLE;
const MAX_TEXT = 10000;
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function reply(statusCode, body) {
  if (body === undefined) return { statusCode };
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

// The route a request is for, and its {id}: from the route key when API
// Gateway matched an explicit route, else from the method and path.
function routeOf(event) {
  const method = event.requestContext.http.method;
  if (event.routeKey && event.routeKey !== "$default") {
    return { route: event.routeKey, id: event.pathParameters && event.pathParameters.id };
  }
  // rawPath carries the stage when the API is reached as /{stage}/notes.
  const stage = event.requestContext.stage;
  let path = event.rawPath;
  if (stage && stage !== "$default" && path.startsWith(`/${stage}/`)) path = path.slice(stage.length + 1);
  if (path === "/notes" || path === "/notes/") return { route: `${method} /notes` };
  const m = /^\/notes\/([^/]+)$/.exec(path);
  if (m) return { route: `${method} /notes/{id}`, id: decodeURIComponent(m[1]) };
  return { route: `${method} ${path}` };
}

function parseBody(event) {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString() : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function createNote(event) {
  const input = parseBody(event);
  if (!input || typeof input.text !== "string" || input.text.length === 0) {
    return reply(400, { message: 'Send a JSON object with a non-empty "text"' });
  }
  if (input.text.length > MAX_TEXT) return reply(400, { message: `"text" is longer than ${MAX_TEXT}` });
  const note = { id: randomUUID(), text: input.text, createdAt: new Date().toISOString() };
  await db.send(new PutCommand({
    TableName: TABLE,
    Item: note,
    ConditionExpression: "attribute_not_exists(id)",
  }));
  return reply(201, note);
}

async function getNote(id) {
  const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: { id } }));
  return Item ? reply(200, Item) : reply(404, { message: "Note not found" });
}

async function listNotes() {
  const notes = [];
  let ExclusiveStartKey;
  do {
    const page = await db.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
    notes.push(...page.Items);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  notes.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return reply(200, { notes });
}

async function deleteNote(id) {
  const { Attributes } = await db.send(new DeleteCommand({
    TableName: TABLE,
    Key: { id },
    ReturnValues: "ALL_OLD",
  }));
  return Attributes ? reply(204) : reply(404, { message: "Note not found" });
}

exports.handler = async (event) => {
  const { route, id } = routeOf(event);
  switch (route) {
    case "POST /notes":
      return createNote(event);
    case "GET /notes":
      return listNotes();
    case "GET /notes/{id}":
      return getNote(id);
    case "DELETE /notes/{id}":
      return deleteNote(id);
    default:
      return reply(404, { message: "Not Found" });
  }
};
