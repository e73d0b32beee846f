/**
 * Which traffic shares ALB weights can express. A forward action gives each target group an
 * integer weight 0–999 and splits traffic in proportion; with two groups the smallest non-zero
 * share is 1/(1+999) = 0.1% and the largest short of everything is 99.9%. A step share that is
 * closer to 0 (or 100) than to those cannot be written as a split and is rejected by the
 * validator; everything in between is written as the closest split by src/plan.
 */
export const MIN_SHARE_PERCENT = 100 / 1000;
export const MAX_SHARE_PERCENT = 100 - MIN_SHARE_PERCENT;

/** For a share in percent, the representable share to suggest instead, or undefined if it fits. */
export function unrepresentableShare(percent: number): { nearest: number; alternative: number } | undefined {
  if (percent > 0 && percent <= MIN_SHARE_PERCENT / 2) return { nearest: MIN_SHARE_PERCENT, alternative: 0 };
  if (percent < 100 && percent >= 100 - MIN_SHARE_PERCENT / 2) return { nearest: MAX_SHARE_PERCENT, alternative: 100 };
  return undefined;
}
