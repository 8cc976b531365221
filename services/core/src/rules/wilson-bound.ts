/**
 * Confidence bounds for a share observed at small counts (Wilson score interval), so a rule can ask
 * "is the true share surely above x" rather than "did this window happen to reach x": with 25
 * attempts a share must be observed well above x, with 200 only a little.
 */

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), for 0 < p < 1. */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * The one-sided Wilson bound of the share `hits / trials` at `z` (the confidence's normal quantile):
 * lower for `side = -1`, upper for `+1`. Two independent counts (hits may exceed trials) are clamped
 * to a share of 1. NaN without trials, like the plain ratio.
 */
export function wilsonBound(hits: number, trials: number, z: number, side: -1 | 1): number {
  if (trials <= 0) return Number.NaN;
  const p = Math.min(1, Math.max(0, hits / trials));
  const z2n = (z * z) / trials;
  const centre = p + z2n / 2;
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return Math.min(1, Math.max(0, (centre + side * spread) / (1 + z2n)));
}
