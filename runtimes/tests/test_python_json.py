"""lambda_runtime's json-free JSON helpers must match the json module exactly."""

import decimal
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import lambda_runtime  # noqa: E402

sys.path.pop(0)

DOCUMENTS = [
    '{"a": [1, 2.5, -3e10, true, false, null], "b": {"c": "d"}}',
    '  \n\t{"nested": {"deeper": [[[]], {}]}}\r\n ',
    '"just a string"',
    "12345678901234567890123",
    "[NaN, Infinity, -Infinity, 1e400]",
    '{"unicode": "h\\u00e9 \\ud83d\\ude00 \u20ac", "dup": 1, "dup": 2}',
    '"\\ud800 lone surrogate"',
]

BAD_DOCUMENTS = ["", "   ", "{", '{"a": 1} trailing', "[1,]", "nul", '{"a" 1}', "\ufeff{}"]


class JsonHelpersTest(unittest.TestCase):
    def test_loads_matches_json(self):
        for doc in DOCUMENTS:
            for data in (doc, doc.encode("utf-8", "surrogatepass"), bytearray(doc.encode())):
                with self.subTest(data=data):
                    self.assertEqual(repr(lambda_runtime.json_loads(data)), repr(json.loads(data)))

    def test_loads_other_encodings_like_json(self):
        for data in ('{"x": "é"}'.encode("utf-16"), '{"x": 1}'.encode("utf-16-le"),
                     '{"x": 1}'.encode("utf-32-be"), b'\xef\xbb\xbf{"bom": true}'):
            with self.subTest(data=data):
                self.assertEqual(lambda_runtime.json_loads(data), json.loads(data))

    def assert_same_error(self, ours, reference, value):
        with self.subTest(value=value):
            with self.assertRaises(Exception) as expected:
                reference(value)
            with self.assertRaises(type(expected.exception)) as got:
                ours(value)
            self.assertEqual(str(got.exception), str(expected.exception))

    def test_loads_errors_are_json_errors(self):
        for doc in BAD_DOCUMENTS + [b"\xff\xfe\xfd\xfc\xfb"]:
            self.assert_same_error(lambda_runtime.json_loads, json.loads, doc)

    def test_dumps_matches_json(self):
        class Text(str):
            pass

        values = [
            {"a": [1, 2.5, True, None], "é": "\u20ac \ud83d\ude00", 3: "int key", 1.5: "x"},
            "top-level string \u00e9",
            [float("nan"), float("inf"), -0.0, 10**30],
            {Text("sub"): Text("class")},
            (1, 2),
            [],
        ]
        for value in values:
            for ascii_only in (True, False):
                with self.subTest(value=value, ascii_only=ascii_only):
                    self.assertEqual(lambda_runtime.json_dumps(value, ensure_ascii=ascii_only),
                                     json.dumps(value, ensure_ascii=ascii_only))

    def test_dumps_errors_are_json_errors(self):
        circular = []
        circular.append(circular)
        for value in ({1, 2}, {"k": object()}, circular, {(1, 2): "tuple key"}):
            self.assert_same_error(lambda_runtime.json_dumps, json.dumps, value)

    def test_to_json_writes_decimals_as_numbers(self):
        value = {
            "big": decimal.Decimal("12345678901234567890.000000001"),
            "list": [decimal.Decimal("-1.5E+3"), decimal.Decimal("NaN")],
            "text": "\x00 not a marker",
        }
        self.assertEqual(
            lambda_runtime.to_json(value),
            '{"big": 12345678901234567890.000000001, "list": [-1.5E+3, NaN], '
            '"text": "\\u0000 not a marker"}',
        )
        with self.assertRaises(TypeError) as err:
            lambda_runtime.to_json({"s": {1}})
        self.assertEqual(str(err.exception), "Object of type set is not JSON serializable")


if __name__ == "__main__":
    unittest.main()
