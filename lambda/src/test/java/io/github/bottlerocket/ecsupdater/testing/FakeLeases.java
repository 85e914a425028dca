package io.github.bottlerocket.ecsupdater.testing;

import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory lease table with the conditions of {@code DynamoDbLeases}: a take wins where there
 * is no lease, it has expired, or it is the taker's own; a renewal or a release only where the
 * lease is the owner's. Calls are logged in order; faults are injected per operation.
 */
public final class FakeLeases implements LeasePort {
  /** The tables that exist; a call on another one is {@code NOT_FOUND}. */
  public final Set<String> tables = new HashSet<>(Set.of("leases"));

  /** The leases by table and key. */
  public final Map<String, Map<String, Lease>> items = new HashMap<>();

  public final List<String> log = new ArrayList<>();

  private final Map<String, ArrayDeque<AwsFault>> faults = new HashMap<>();

  private static final Map<String, String> OPERATIONS =
      Map.of(
          "take", "dynamodb:PutItem",
          "renew", "dynamodb:UpdateItem",
          "release", "dynamodb:DeleteItem",
          "read", "dynamodb:GetItem");

  /**
   * {@code operation} ({@code take}, {@code renew}, ...) fails with {@code fault} {@code times}.
   */
  public void failTimes(String operation, AwsFault fault, int times) {
    ArrayDeque<AwsFault> q = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      q.add(fault);
    }
  }

  /** The lease on {@code key} in the table {@code leases}, if any. */
  public Optional<Lease> lease(String key) {
    return Optional.ofNullable(items.getOrDefault("leases", Map.of()).get(key));
  }

  /** Puts a lease as another pass would have it. */
  public void hold(String key, String owner, String holder, Instant acquired, Instant expires) {
    items
        .computeIfAbsent("leases", t -> new HashMap<>())
        .put(key, new Lease(key, owner, holder, acquired, expires));
  }

  @Override
  public Result take(String table, Lease lease) {
    Map<String, Lease> t = call("take", table);
    Lease old = t.get(lease.key());
    if (old != null
        && old.expiresAt().compareTo(lease.acquiredAt()) >= 0
        && !old.owner().equals(lease.owner())) {
      log.add("take " + lease.owner() + " -> held by " + old.owner());
      return Result.lost(Optional.of(old));
    }
    t.put(lease.key(), lease);
    log.add("take " + lease.owner() + " until " + lease.expiresAt());
    return Result.WON;
  }

  @Override
  public Result renew(String table, String key, String owner, Instant now, Instant expiresAt) {
    Map<String, Lease> t = call("renew", table);
    Lease old = t.get(key);
    if (old == null || !old.owner().equals(owner)) {
      log.add("renew " + owner + " -> lost");
      return Result.lost(Optional.ofNullable(old));
    }
    t.put(key, new Lease(key, owner, old.holder(), old.acquiredAt(), expiresAt));
    log.add("renew " + owner + " until " + expiresAt);
    return Result.WON;
  }

  @Override
  public boolean release(String table, String key, String owner) {
    Map<String, Lease> t = call("release", table);
    Lease old = t.get(key);
    if (old == null || !old.owner().equals(owner)) {
      log.add("release " + owner + " -> not held");
      return false;
    }
    t.remove(key);
    log.add("release " + owner);
    return true;
  }

  @Override
  public Optional<Lease> read(String table, String key) {
    Map<String, Lease> t = call("read", table);
    log.add("read " + key);
    return Optional.ofNullable(t.get(key));
  }

  private Map<String, Lease> call(String operation, String table) {
    ArrayDeque<AwsFault> q = faults.get(operation);
    AwsFault fault = q == null ? null : q.poll();
    if (fault != null) {
      log.add(operation + " -> " + fault.kind());
      throw fault;
    }
    if (!tables.contains(table)) {
      log.add(operation + " -> NOT_FOUND");
      throw new AwsFault(
          AwsFault.Kind.NOT_FOUND,
          OPERATIONS.get(operation),
          "ResourceNotFoundException: Requested resource not found",
          null);
    }
    return items.computeIfAbsent(table, x -> new HashMap<>());
  }
}
