"""Creates the benchmark tables on a DynamoDB endpoint and loads their data.

  python3 bench/tables/load.py http://127.0.0.1:PORT

bench:   pk (S) + sk (N); item-0..item-9999 (sk 0) for GetItem, and
         q-0..q-9 with 100 items each (sk 0..99) for Query.
scan10k: pk (S); 10,000 small items, attribute cat 0..9, for a filtered Scan
         that reads the whole table in one page.
Plain HTTP with the same unchecked SigV4 header as dynamodb.lua, so it works
against Kumo (--auth off) and dynalite alike.
"""
import concurrent.futures
import http.client
import json
import sys
import time
import urllib.parse

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20240101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64,
}


class Client:
    def __init__(self, endpoint):
        url = urllib.parse.urlparse(endpoint)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def call(self, operation, body):
        headers = dict(HEADERS, **{"X-Amz-Target": "DynamoDB_20120810." + operation})
        self.conn.request("POST", "/", json.dumps(body), headers)
        response = self.conn.getresponse()
        data = json.loads(response.read() or b"{}")
        if response.status != 200:
            raise RuntimeError(f"{operation}: {response.status} {data}")
        return data


def create_tables(client):
    client.call("CreateTable", {
        "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}]})
    client.call("CreateTable", {
        "TableName": "scan10k", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    deadline = time.monotonic() + 30
    for name in ("bench", "scan10k"):
        while client.call("DescribeTable", {"TableName": name})["Table"]["TableStatus"] != "ACTIVE":
            if time.monotonic() > deadline:
                raise RuntimeError(f"table {name} never became ACTIVE")
            time.sleep(0.05)


def items():
    for i in range(10000):
        yield "bench", {"pk": {"S": f"item-{i}"}, "sk": {"N": "0"}, "name": {"S": f"user {i}"},
                        "score": {"N": str(i % 1000)}, "bio": {"S": "x" * 120}}
    for p in range(10):
        for s in range(100):
            yield "bench", {"pk": {"S": f"q-{p}"}, "sk": {"N": str(s)}, "v": {"S": "y" * 40}}
    for i in range(10000):
        yield "scan10k", {"pk": {"S": f"s-{i:05d}"}, "cat": {"N": str(i % 10)},
                          "v": {"S": "z" * 16}}


def write_batches(endpoint, batches):
    client = Client(endpoint)
    for batch in batches:
        request = {}
        for table, item in batch:
            request.setdefault(table, []).append({"PutRequest": {"Item": item}})
        while request:
            request = client.call("BatchWriteItem", {"RequestItems": request}).get(
                "UnprocessedItems") or {}


def main(endpoint):
    create_tables(Client(endpoint))
    all_items = list(items())
    batches = [all_items[i:i + 25] for i in range(0, len(all_items), 25)]
    workers = 4
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(write_batches, endpoint, batches[w::workers])
                       for w in range(workers)]:
            future.result()
    scanned = Client(endpoint).call("Scan", {"TableName": "scan10k", "Select": "COUNT"})
    if scanned.get("ScannedCount") != 10000 or "LastEvaluatedKey" in scanned:
        raise RuntimeError(f"scan10k should be one page of 10000 items: {scanned}")


if __name__ == "__main__":
    main(sys.argv[1])
