package io.github.bottlerocket.ecsupdater.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SSM Parameter Store as the updater sees it: the public parameters of every Bottlerocket release
 * the {@link UpdateRepository} has published by now, and the account's own String parameters (set
 * by a scenario or by {@code PutParameter}). Guarded by the cluster.
 *
 * <p>For each published release {@code V} of {@code aws-ecs-2}, on {@code x86_64} and {@code
 * arm64}: {@code /aws/service/bottlerocket/aws-ecs-2/<arch>/<V>/image_id} and {@code
 * .../image_version}, the same under {@code <V>-<commit>} (the name Bottlerocket's publishing
 * tool's parameter template gives, {@code {variant}/{arch}/{image_version}/...}), and {@code
 * latest/...} for the newest release. {@code image_version} holds {@code <V>-<commit>}. Each has
 * the release's publish time as its {@code LastModifiedDate}.
 */
public final class Parameters {
  /** The public parameters' common prefix. */
  public static final String BOTTLEROCKET_PREFIX = "/aws/service/bottlerocket/";

  static final List<String> ARCHITECTURES = List.of("x86_64", "arm64");

  /** One parameter as GetParameter returns it. */
  public record Parameter(
      String name, String type, String value, long version, Instant lastModified, String dataType) {
    boolean isPublic() {
      return name.startsWith("/aws/");
    }

    String arn() {
      String account = isPublic() ? "" : SimulatedCluster.ACCOUNT;
      return "arn:aws:ssm:"
          + SimulatedCluster.REGION
          + ":"
          + account
          + ":parameter"
          + (name.startsWith("/") ? name : "/" + name);
    }
  }

  private final SimulatedCluster cluster;
  private final Map<String, Parameter> own = new LinkedHashMap<>();
  private final Set<String> withheld = new HashSet<>();

  Parameters(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /** Sets a String parameter of the account now, as PutParameter with overwrite would. */
  public Parameter put(String name, String value) {
    synchronized (cluster) {
      Parameter old = own.get(name);
      Parameter p =
          new Parameter(
              name,
              "String",
              value,
              old == null ? 1 : old.version() + 1,
              cluster.clock().instant(),
              "text");
      own.put(name, p);
      return p;
    }
  }

  /** Deletes an account parameter. */
  public void delete(String name) {
    synchronized (cluster) {
      own.remove(name);
    }
  }

  /**
   * Removes a release's public parameters (none of its names answer), as for a release whose
   * parameters cannot be read: the updater must fall back to another source of its age.
   */
  public void withhold(String version) {
    synchronized (cluster) {
      withheld.add(version);
    }
  }

  /** The parameter named {@code name} as it stands now. */
  public Optional<Parameter> get(String name) {
    synchronized (cluster) {
      if (own.containsKey(name)) {
        return Optional.of(own.get(name));
      }
      return publicParameters(cluster.clock().instant()).stream()
          .filter(p -> p.name().equals(name))
          .findFirst();
    }
  }

  /** Whether PutParameter may write {@code name} (no overwrite of an existing one is checked). */
  boolean exists(String name) {
    return get(name).isPresent();
  }

  private List<Parameter> publicParameters(Instant now) {
    List<UpdateRepository.Release> releases =
        cluster.repository.releases().stream()
            .filter(r -> !r.publishedAt().isAfter(now))
            .filter(r -> !withheld.contains(r.version()))
            .toList();
    List<Parameter> out = new ArrayList<>();
    for (String arch : ARCHITECTURES) {
      String base = BOTTLEROCKET_PREFIX + SimulatedCluster.VARIANT + "/" + arch + "/";
      for (UpdateRepository.Release r : releases) {
        String imageVersion = r.version() + "-" + commit(r.version());
        for (String key : List.of(r.version(), imageVersion)) {
          out.addAll(pair(base + key, r, arch, imageVersion, 1));
        }
      }
      releases.stream()
          .max((a, b) -> UpdateRepository.VERSION_ORDER.compare(a.version(), b.version()))
          .ifPresent(
              newest ->
                  out.addAll(
                      pair(
                          base + "latest",
                          newest,
                          arch,
                          newest.version() + "-" + commit(newest.version()),
                          releases.size())));
    }
    return out;
  }

  private static List<Parameter> pair(
      String path, UpdateRepository.Release r, String arch, String imageVersion, long version) {
    String ami =
        String.format("ami-0%08x%08x", r.version().hashCode(), arch.hashCode()).substring(0, 21);
    return List.of(
        new Parameter(path + "/image_id", "String", ami, version, r.publishedAt(), "aws:ec2:image"),
        new Parameter(
            path + "/image_version", "String", imageVersion, version, r.publishedAt(), "text"));
  }

  /** The build's short commit, fixed per version, as in {@code 1.20.1-7c3e9198}. */
  static String commit(String version) {
    return String.format("%08x", version.hashCode() * 0x9E3779B1);
  }
}
