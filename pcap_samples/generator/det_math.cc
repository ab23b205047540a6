#include "pcap_samples/generator/det_math.h"

#include <cmath>

namespace tickwire::generator::detmath {

namespace {
constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kSqrtHalf = 0.707106781186547524400844362104849039;
// Terms enough for full double precision over the reduced ranges below.
constexpr int kAtanhTerms = 24;
constexpr int kExpTerms = 27;
}  // namespace

double log(double x) noexcept {
  int e = 0;
  double m = std::frexp(x, &e);  // exact: x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;
    --e;
  }
  // log(m) = 2 atanh(t) with |t| < 0.18: the odd series converges fast.
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double term = t;
  double sum = 0.0;
  for (int k = 0; k < kAtanhTerms; ++k) {
    sum += term / static_cast<double>(2 * k + 1);
    term *= t2;
  }
  return 2.0 * sum + static_cast<double>(e) * kLn2;
}

double exp(double x) noexcept {
  const double kd = x / kLn2;
  const double k = static_cast<double>(static_cast<long long>(kd + (kd >= 0 ? 0.5 : -0.5)));
  const double r = x - k * kLn2;  // |r| <= ln2 / 2
  double term = 1.0;
  double sum = 1.0;
  for (int i = 1; i < kExpTerms; ++i) {
    term = term * r / static_cast<double>(i);
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

double pow(double base, double exponent) noexcept { return exp(exponent * log(base)); }

}  // namespace tickwire::generator::detmath
