package io.github.bottlerocket.ecsupdater.config;

/**
 * How many instances of a cluster may be out of service at once ({@code MAX_CONCURRENT}): a number,
 * or a share of the cluster's Bottlerocket instances. A share is resolved at every observation,
 * rounded down and at least 1, so a cluster that grows or shrinks gets its limit with it.
 *
 * @param count the number, when given as a number; 0 when given as a share
 * @param percent the share in percent (1 to 100), when given as one; 0 otherwise
 */
public record Concurrency(int count, int percent) {

  public Concurrency {
    if ((count > 0) == (percent > 0) || count < 0 || percent < 0 || percent > 100) {
      throw new IllegalArgumentException(
          "either a count above 0 or a percentage from 1 to 100, got " + count + "/" + percent);
    }
  }

  public static Concurrency of(int count) {
    return new Concurrency(count, 0);
  }

  public static Concurrency percent(int percent) {
    return new Concurrency(0, percent);
  }

  public boolean isShare() {
    return percent > 0;
  }

  /**
   * The limit for a cluster of {@code bottlerocketInstances}: the share rounded down, at least 1.
   */
  public int resolve(int bottlerocketInstances) {
    if (!isShare()) {
      return count;
    }
    return Math.max(1, (int) ((long) Math.max(0, bottlerocketInstances) * percent / 100));
  }

  /** As an operator writes it: {@code 3} or {@code 25%}. */
  @Override
  public String toString() {
    return isShare() ? percent + "%" : Integer.toString(count);
  }
}
