/**
 * The standard normal CDF, Φ(x), to about 1e-7 absolute: erfc by the rational approximation of
 * Numerical Recipes (`erfcc`, Chebyshev fit, fractional error < 1.2e-7 everywhere).
 */
export function normalCdf(x: number): number {
  // Φ(x) = erfc(−x/√2)/2: no subtraction from 1, so the lower tail keeps its precision.
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * log Φ(x), finite far into the lower tail (Φ(−40) underflows to 0): below −30 the asymptotic
 * log φ(x) − log(−x), whose relative error there is under 1/x² ≈ 0.1%.
 */
export function logNormalCdf(x: number): number {
  if (x > -30) return Math.log(normalCdf(x));
  return (-x * x) / 2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
