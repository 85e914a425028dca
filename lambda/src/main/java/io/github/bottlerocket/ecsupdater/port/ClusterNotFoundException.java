package io.github.bottlerocket.ecsupdater.port;

/** The cluster named in the request does not exist in this account and region, or is INACTIVE. */
public final class ClusterNotFoundException extends AwsFault {
  private static final long serialVersionUID = 1L;

  public ClusterNotFoundException(String cluster, String detail) {
    super(
        Kind.NOT_FOUND,
        "ecs:DescribeClusters",
        "cluster '"
            + cluster
            + "' "
            + detail
            + "; check the name or ARN, the account and the region",
        null);
  }
}
