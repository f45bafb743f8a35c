// Tables (DynamoDB API) through the AWS SDK for JavaScript v3: the low-level
// client and @aws-sdk/lib-dynamodb's DocumentClient (marshalling, paginators,
// conditions, transactions), asserting what DynamoDB answers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, ConditionalCheckFailedException,
  TransactionCanceledException, ResourceNotFoundException, waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, DeleteCommand, QueryCommand,
  BatchWriteCommand, BatchGetCommand, TransactWriteCommand, paginateQuery, paginateScan,
} from "@aws-sdk/lib-dynamodb";
import { startKumo } from "./harness.mjs";

let kumo;
let client;
let doc;

before(async () => {
  kumo = await startKumo();
  client = new DynamoDBClient(kumo.clientConfig);
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const created = await client.send(new CreateTableCommand({
    TableName: "books",
    AttributeDefinitions: [
      { AttributeName: "author", AttributeType: "S" },
      { AttributeName: "year", AttributeType: "N" },
      { AttributeName: "genre", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "author", KeyType: "HASH" }, { AttributeName: "year", KeyType: "RANGE" }],
    BillingMode: "PAY_PER_REQUEST",
    GlobalSecondaryIndexes: [{
      IndexName: "by-genre",
      KeySchema: [{ AttributeName: "genre", KeyType: "HASH" }, { AttributeName: "year", KeyType: "RANGE" }],
      Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
    }],
  }));
  assert.equal(created.TableDescription.TableName, "books");
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: "books" });
});

after(async () => { await kumo.stop(); });

test("DocumentClient put/get/update/delete with native JS values", async () => {
  await doc.send(new PutCommand({
    TableName: "books",
    Item: { author: "Le Guin", year: 1969, title: "The Left Hand of Darkness", tags: new Set(["sf", "classic"]),
            meta: { pages: 304, awards: ["Hugo", "Nebula"], reprint: null } },
  }));
  const got = await doc.send(new GetCommand({ TableName: "books", Key: { author: "Le Guin", year: 1969 } }));
  assert.equal(got.Item.title, "The Left Hand of Darkness");
  assert.deepEqual(got.Item.tags, new Set(["sf", "classic"]));
  assert.deepEqual(got.Item.meta, { pages: 304, awards: ["Hugo", "Nebula"], reprint: null });

  const updated = await doc.send(new UpdateCommand({
    TableName: "books", Key: { author: "Le Guin", year: 1969 },
    UpdateExpression: "SET meta.pages = meta.pages + :n, #r = list_append(if_not_exists(#r, :empty), :r)",
    ExpressionAttributeNames: { "#r": "reviews" },
    ExpressionAttributeValues: { ":n": 1, ":empty": [], ":r": ["great"] },
    ReturnValues: "ALL_NEW",
  }));
  assert.equal(updated.Attributes.meta.pages, 305);
  assert.deepEqual(updated.Attributes.reviews, ["great"]);

  await assert.rejects(
    doc.send(new PutCommand({ TableName: "books", Item: { author: "Le Guin", year: 1969 },
                              ConditionExpression: "attribute_not_exists(author)" })),
    (err) => err instanceof ConditionalCheckFailedException && err.$metadata.httpStatusCode === 400);
  const deleted = await doc.send(new DeleteCommand({ TableName: "books", Key: { author: "Le Guin", year: 1969 },
                                                     ReturnValues: "ALL_OLD" }));
  assert.equal(deleted.Attributes.title, "The Left Hand of Darkness");
});

test("batch writes, paginated queries and the sparse index", async () => {
  const items = [];
  for (let i = 0; i < 40; i++) {
    items.push({ author: i < 30 ? "Asimov" : "Herbert", year: 1950 + i, title: `Book ${i}`,
                 genre: i % 4 === 0 ? "sf" : undefined });
  }
  for (let i = 0; i < items.length; i += 25) {
    const out = await doc.send(new BatchWriteCommand({
      RequestItems: { books: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
    }));
    assert.deepEqual(out.UnprocessedItems, {});
  }
  const years = [];
  let pages = 0;
  for await (const page of paginateQuery({ client: doc, pageSize: 8 }, {
    TableName: "books", KeyConditionExpression: "author = :a AND #y >= :y",
    ExpressionAttributeNames: { "#y": "year" }, ExpressionAttributeValues: { ":a": "Asimov", ":y": 1960 },
  })) {
    pages++;
    for (const item of page.Items) years.push(item.year);
  }
  assert.equal(pages, 3);
  assert.deepEqual(years, Array.from({ length: 20 }, (_, i) => 1960 + i));

  const sf = await doc.send(new QueryCommand({
    TableName: "books", IndexName: "by-genre", KeyConditionExpression: "genre = :g",
    ExpressionAttributeValues: { ":g": "sf" }, ScanIndexForward: false,
  }));
  assert.equal(sf.Count, 10);
  assert.equal(sf.Items[0].year, 1986);
  assert.deepEqual(Object.keys(sf.Items[0]).sort(), ["author", "genre", "title", "year"]);

  let scanned = 0;
  for await (const page of paginateScan({ client: doc, pageSize: 15 }, { TableName: "books" })) scanned += page.Count;
  assert.equal(scanned, 40);

  const batch = await doc.send(new BatchGetCommand({
    RequestItems: { books: { Keys: [{ author: "Herbert", year: 1980 }, { author: "Herbert", year: 1700 }] } },
  }));
  assert.deepEqual(batch.Responses.books.map((b) => b.title), ["Book 30"]);
});

test("transactions cancel with reasons; missing tables are typed errors", async () => {
  await doc.send(new PutCommand({ TableName: "books", Item: { author: "Tx", year: 1, stock: 1 } }));
  const buy = new TransactWriteCommand({
    TransactItems: [
      { Update: { TableName: "books", Key: { author: "Tx", year: 1 }, UpdateExpression: "SET stock = stock - :one",
                  ConditionExpression: "stock >= :one", ExpressionAttributeValues: { ":one": 1 } } },
      { Put: { TableName: "books", Item: { author: "Tx", year: 2, note: "receipt" } } },
    ],
  });
  await doc.send(buy);
  await assert.rejects(doc.send(buy), (err) => {
    assert.ok(err instanceof TransactionCanceledException);
    assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ["ConditionalCheckFailed", "None"]);
    return true;
  });
  const stock = await doc.send(new GetCommand({ TableName: "books", Key: { author: "Tx", year: 1 } }));
  assert.equal(stock.Item.stock, 0);
  await assert.rejects(client.send(new DescribeTableCommand({ TableName: "absent" })),
    (err) => err instanceof ResourceNotFoundException);
});
