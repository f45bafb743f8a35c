// Number: DynamoDB's N type, a decimal with up to 38 significant digits and
// a magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125
// (or zero). Values are held exactly (no binary floating point): compare,
// add and subtract are exact, and results that do not fit are errors, as in
// DynamoDB.
//
// A Number is always normalised: no leading or trailing zeros in its
// coefficient, a single zero. ToString() is the form DynamoDB returns: plain
// decimal notation, no exponent, no '+', no trailing fractional zeros
// ("1.50" -> "1.5", "1E+2" -> "100", "-0.0" -> "0").
//
// Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::tables {

class Number {
 public:
  static constexpr int kMaxDigits = 38;
  static constexpr int kMaxExponent = 125;   // of the leading digit
  static constexpr int kMinExponent = -130;  // of the leading digit

  Number() = default;  // zero

  // Parses DynamoDB's number syntax: [+-] digits [. digits] [(e|E) [+-] digits],
  // either side of the point may be empty but not both. No spaces, NaN or
  // Infinity. Fails with AWS's ValidationException messages on bad syntax,
  // overflow, underflow, or more than 38 significant digits.
  static Result<Number> Parse(std::string_view text);
  static Number FromInt(int64_t value);
  // Builds a number from its parts: `digits` are the significant decimal
  // digits ('0'..'9', first one non-zero, at most 38), the value is
  // 0.d1d2d3... * 10^(scientific_exponent + 1). Returns an error if the
  // parts are malformed (used when decoding stored keys).
  static Result<Number> FromParts(bool negative, std::string_view digits, int scientific_exponent);

  // Exact arithmetic. Fails (ValidationException) when the exact result
  // needs more than 38 significant digits or leaves the exponent range.
  static Result<Number> Add(const Number& a, const Number& b);
  static Result<Number> Subtract(const Number& a, const Number& b);

  std::string ToString() const;

  bool is_zero() const { return digit_count_ == 0; }
  bool is_negative() const { return negative_; }
  // Number of significant digits (0 for zero).
  int digit_count() const { return digit_count_; }
  // Power of ten of the leading digit: 123.4 -> 2, 0.05 -> -2. 0 for zero.
  int scientific_exponent() const { return exponent_ + digit_count_ - 1; }
  // The significant digits as text ("" for zero).
  std::string Digits() const;

  // -1, 0 or 1 as *this is less than, equal to or greater than `other`.
  int Compare(const Number& other) const;
  friend bool operator==(const Number& a, const Number& b) {
    return a.negative_ == b.negative_ && a.exponent_ == b.exponent_ &&
           a.coefficient_ == b.coefficient_;
  }
  friend bool operator<(const Number& a, const Number& b) { return a.Compare(b) < 0; }

 private:
  using Coefficient = unsigned __int128;  // 10^38 < 2^127
  // value = digits * 10^exponent; digits may carry leading/trailing zeros.
  static Result<Number> FromDecimalDigits(bool negative, std::string digits, int64_t exponent,
                                          bool inexact_is_overflow = false);

  Coefficient coefficient_ = 0;  // no trailing zeros; 0 only for zero
  int32_t exponent_ = 0;         // value = coefficient * 10^exponent_
  int8_t digit_count_ = 0;       // decimal digits in coefficient_
  bool negative_ = false;        // never true for zero
};

}  // namespace kumo::tables
