// Lambda's platform text, byte for byte: what CloudWatch and the Invoke
// payloads show must match AWS, since users grep and parse it.
#include "runtime/lambda_log.h"

#include <gtest/gtest.h>

namespace kumo::runtime {
namespace {

TEST(BillingTest, RoundsUpToTheMillisecond) {
  EXPECT_EQ(BilledMillis(0), 1);
  EXPECT_EQ(BilledMillis(1), 1);
  EXPECT_EQ(BilledMillis(1000000), 1);
  EXPECT_EQ(BilledMillis(1000001), 2);
  EXPECT_EQ(BilledMillis(1230000), 2);
  EXPECT_EQ(BilledMillis(3000000000), 3000);
}

TEST(BillingTest, GigabyteSeconds) {
  EXPECT_DOUBLE_EQ(BilledGbSeconds(1000, 1024), 1.0);
  EXPECT_DOUBLE_EQ(BilledGbSeconds(100, 128), 0.0125);
}

TEST(BillingTest, MemoryUsedRoundsUpToWholeMegabytes) {
  EXPECT_EQ(MemoryUsedMb(-1), 0);
  EXPECT_EQ(MemoryUsedMb(1), 1);
  EXPECT_EQ(MemoryUsedMb(40ll << 20), 40);
  EXPECT_EQ(MemoryUsedMb((40ll << 20) + 1), 41);
}

TEST(LambdaLogTest, StreamNameIsDatedVersionAndEnvironmentId) {
  // 2024-01-15T10:00:00Z
  EXPECT_EQ(LogStreamName(1705312800000, "$LATEST", "0123456789abcdef0123456789abcdef"),
            "2024/01/15/[$LATEST]0123456789abcdef0123456789abcdef");
  EXPECT_EQ(LogStreamName(1705312800000, "7", "ab"), "2024/01/15/[7]ab");
}

TEST(LambdaLogTest, StartAndEndLines) {
  EXPECT_EQ(StartLine("abc", "$LATEST"), "START RequestId: abc Version: $LATEST\n");
  EXPECT_EQ(EndLine("abc"), "END RequestId: abc\n");
}

ReportLine Report(int64_t duration_nanos, int memory_mb, int64_t used_mb) {
  ReportLine r;
  r.request_id = "abc";
  r.duration_nanos = duration_nanos;
  r.memory_mb = memory_mb;
  r.max_memory_used_mb = used_mb;
  return r;
}

TEST(LambdaLogTest, ReportLineWarm) {
  ReportLine r = Report(1234567, 128, 40);
  EXPECT_EQ(FormatReportLine(r),
            "REPORT RequestId: abc\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 40 MB\t\n");
}

TEST(LambdaLogTest, ReportLineColdWithStatus) {
  ReportLine r = Report(3000004000, 256, 99);
  r.init_duration_nanos = 95123456;
  r.status = ReportStatus::kTimeout;
  EXPECT_EQ(FormatReportLine(r),
            "REPORT RequestId: abc\tDuration: 3000.00 ms\tBilled Duration: 3001 ms\tMemory Size: "
            "256 MB\tMax Memory Used: 99 MB\tInit Duration: 95.12 ms\tStatus: timeout\t\n");
  r.init_duration_nanos.reset();
  r.status = ReportStatus::kError;
  r.error_type = "Runtime.ExitError";
  EXPECT_EQ(FormatReportLine(r),
            "REPORT RequestId: abc\tDuration: 3000.00 ms\tBilled Duration: 3001 ms\tMemory Size: "
            "256 MB\tMax Memory Used: 99 MB\tStatus: error\tError Type: Runtime.ExitError\t\n");
}

TEST(LambdaLogTest, TimeoutTexts) {
  EXPECT_EQ(TimeoutLogLine(1705312800123, "abc", 3),
            "2024-01-15T10:00:00.123Z abc Task timed out after 3.00 seconds\n");
  EXPECT_EQ(
      TimeoutPayload("abc", 3),
      R"({"errorType":"Sandbox.Timedout","errorMessage":"RequestId: abc Error: Task timed out after 3.00 seconds"})");
}

TEST(LambdaLogTest, ExitErrors) {
  EXPECT_EQ(ExitErrorType(false), "Runtime.ExitError");
  EXPECT_EQ(ExitErrorType(true), "Runtime.OutOfMemory");
  EXPECT_EQ(ExitErrorMessage("abc", SandboxExit{1, 0}),
            "RequestId: abc Error: Runtime exited with error: exit status 1");
  EXPECT_EQ(ExitErrorMessage("abc", SandboxExit{0, 11}),
            "RequestId: abc Error: Runtime exited with error: signal: segmentation fault");
  EXPECT_EQ(ExitErrorMessage("abc", SandboxExit{0, 0}),
            "RequestId: abc Error: Runtime exited without providing a reason");
}

TEST(LambdaLogTest, ResponseTooLarge) {
  EXPECT_EQ(
      ResponseTooLargePayload(),
      R"({"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"})");
}

TEST(LambdaLogTest, JsonQuoteEscapes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\u0001")");
  EXPECT_EQ(ErrorPayload("T", "m\"x"), R"({"errorType":"T","errorMessage":"m\"x"})");
}

}  // namespace
}  // namespace kumo::runtime
