#include "tables/number.h"

#include <algorithm>
#include <array>
#include <vector>

namespace kumo::tables {
namespace {

using Coefficient = unsigned __int128;

constexpr std::array<Coefficient, Number::kMaxDigits + 1> MakePowersOfTen() {
  std::array<Coefficient, Number::kMaxDigits + 1> powers{};
  Coefficient p = 1;
  for (auto& v : powers) {
    v = p;
    p *= 10;
  }
  return powers;
}
constexpr auto kPow10 = MakePowersOfTen();

Error NotNumeric(std::string_view text) {
  if (text.empty()) return InvalidArgument("The parameter cannot be converted to a numeric value");
  return InvalidArgument("The parameter cannot be converted to a numeric value: " +
                         std::string(text));
}

Error Overflow() {
  return InvalidArgument(
      "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

Error Underflow() {
  return InvalidArgument(
      "Number underflow. Attempting to store a number with magnitude smaller than supported "
      "range");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Compares |a| and |b| given as coefficient, digit count and scientific exponent.
int CompareMagnitude(Coefficient ca, int da, int sa, Coefficient cb, int db, int sb) {
  if (da == 0 || db == 0) return (da != 0) - (db != 0);
  if (sa != sb) return sa < sb ? -1 : 1;
  // Same leading power: align the coefficients to the same digit count.
  if (da < db) ca *= kPow10[db - da];
  if (db < da) cb *= kPow10[da - db];
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

// Little-endian decimal digits of |n| * 10^(n.exponent - base_exponent).
std::vector<uint8_t> AlignedDigits(const std::string& digits, int shift, size_t length) {
  std::vector<uint8_t> out(length, 0);
  for (size_t i = 0; i < digits.size(); ++i) {
    out[shift + digits.size() - 1 - i] = static_cast<uint8_t>(digits[i] - '0');
  }
  return out;
}

}  // namespace

Result<Number> Number::FromDecimalDigits(bool negative, std::string digits, int64_t exponent,
                                         bool inexact_is_overflow) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Number();
  size_t last = digits.find_last_not_of('0');
  exponent += static_cast<int64_t>(digits.size() - 1 - last);
  digits = digits.substr(first, last - first + 1);
  int64_t scientific = exponent + static_cast<int64_t>(digits.size()) - 1;
  if (scientific > kMaxExponent) return Overflow();
  if (scientific < kMinExponent) return Underflow();
  if (digits.size() > static_cast<size_t>(kMaxDigits)) {
    // DynamoDB reports an arithmetic result that would need rounding as an
    // overflow, and a literal with too many digits as such.
    if (inexact_is_overflow) return Overflow();
    return InvalidArgument("Attempting to store more than 38 significant digits in a Number");
  }
  Number n;
  for (char c : digits) n.coefficient_ = n.coefficient_ * 10 + static_cast<unsigned>(c - '0');
  n.exponent_ = static_cast<int32_t>(exponent);
  n.digit_count_ = static_cast<int8_t>(digits.size());
  n.negative_ = negative;
  return n;
}

Result<Number> Number::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  size_t int_digits = 0;
  while (i < text.size() && IsDigit(text[i])) {
    digits.push_back(text[i++]);
    ++int_digits;
  }
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      digits.push_back(text[i++]);
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return NotNumeric(text);
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return NotNumeric(text);
    while (i < text.size() && IsDigit(text[i])) {
      // Saturate: anything this large overflows or underflows anyway.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return NotNumeric(text);
  Result<Number> n =
      FromDecimalDigits(negative, std::move(digits), exponent - static_cast<int64_t>(frac_digits));
  if (n.ok() && n->is_zero()) return Number();  // "-0" is 0
  return n;
}

Number Number::FromInt(int64_t value) {
  bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  // An int64 has at most 19 digits: always representable.
  return FromDecimalDigits(negative, std::to_string(magnitude), 0).value();
}

Result<Number> Number::FromParts(bool negative, std::string_view digits, int scientific_exponent) {
  if (digits.empty() || digits.size() > static_cast<size_t>(kMaxDigits) || digits[0] == '0' ||
      digits.back() == '0' || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return Internal("malformed number digits");
  }
  int64_t exponent = static_cast<int64_t>(scientific_exponent) - static_cast<int64_t>(digits.size()) + 1;
  return FromDecimalDigits(negative, std::string(digits), exponent);
}

std::string Number::Digits() const {
  std::string out(static_cast<size_t>(digit_count_), '0');
  Coefficient c = coefficient_;
  for (int i = digit_count_ - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + static_cast<int>(c % 10));
    c /= 10;
  }
  return out;
}

std::string Number::ToString() const {
  if (is_zero()) return "0";
  std::string digits = Digits();
  std::string out = negative_ ? "-" : "";
  if (exponent_ >= 0) {
    out += digits;
    out.append(static_cast<size_t>(exponent_), '0');
  } else if (-exponent_ < digit_count_) {
    size_t point = static_cast<size_t>(digit_count_ + exponent_);
    out += digits.substr(0, point);
    out += '.';
    out += digits.substr(point);
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-exponent_ - digit_count_), '0');
    out += digits;
  }
  return out;
}

int Number::Compare(const Number& other) const {
  if (negative_ != other.negative_) return negative_ ? -1 : 1;
  int magnitude = CompareMagnitude(coefficient_, digit_count_, scientific_exponent(),
                                   other.coefficient_, other.digit_count_,
                                   other.scientific_exponent());
  return negative_ ? -magnitude : magnitude;
}

Result<Number> Number::Add(const Number& a, const Number& b) {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  int base = std::min(a.exponent_, b.exponent_);
  int top = std::max(a.exponent_ + a.digit_count_, b.exponent_ + b.digit_count_);
  size_t length = static_cast<size_t>(top - base + 1);  // one extra for a carry
  std::vector<uint8_t> x = AlignedDigits(a.Digits(), a.exponent_ - base, length);
  std::vector<uint8_t> y = AlignedDigits(b.Digits(), b.exponent_ - base, length);
  bool negative = a.negative_;
  if (a.negative_ == b.negative_) {
    int carry = 0;
    for (size_t i = 0; i < length; ++i) {
      int d = x[i] + y[i] + carry;
      x[i] = static_cast<uint8_t>(d % 10);
      carry = d / 10;
    }
  } else {
    int magnitude = CompareMagnitude(a.coefficient_, a.digit_count_, a.scientific_exponent(),
                                     b.coefficient_, b.digit_count_, b.scientific_exponent());
    if (magnitude == 0) return Number();
    if (magnitude < 0) {
      std::swap(x, y);
      negative = b.negative_;
    }
    int borrow = 0;
    for (size_t i = 0; i < length; ++i) {
      int d = x[i] - y[i] - borrow;
      borrow = d < 0;
      x[i] = static_cast<uint8_t>(d + (borrow ? 10 : 0));
    }
  }
  std::string digits(length, '0');
  for (size_t i = 0; i < length; ++i) digits[length - 1 - i] = static_cast<char>('0' + x[i]);
  return FromDecimalDigits(negative, std::move(digits), base, /*inexact_is_overflow=*/true);
}

Result<Number> Number::Subtract(const Number& a, const Number& b) {
  Number negated = b;
  negated.negative_ = !b.negative_ && !b.is_zero();
  return Add(a, negated);
}

}  // namespace kumo::tables
